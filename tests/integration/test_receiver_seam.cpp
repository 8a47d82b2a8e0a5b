// The seam between a conversation and its receiver: token refresh without
// receiving, the poll brought forward after a post, 1.1 own messages.
#include <cstring>
#include <thread>

#include "integration_support.hpp"

using namespace itest;

namespace {

std::string token_of(dl_conversation *c) {
  const char *token = dl_conversation_token(c);
  return token ? token : "";
}

}  // namespace

TEST_CASE("test_85_token_refreshes_even_if_the_app_never_receives", "[integration][refresh]") {
  // Tokens live 4 s: the half-life refresh must run without any next_activity.
  Emulator emu({"--token-ttl", "4"});
  auto client = make_client(emu);
  dl_token *raw = nullptr;
  int rc = dl_generate_token(client.get(), dltest::kSecret, nullptr, &raw);
  INFO(last_message());
  REQUIRE(rc == DL_OK);
  TokenPtr generated(raw);
  auto conv = start(client.get(), dl_token_value(raw));
  const std::string first_token = token_of(conv.get());
  REQUIRE_FALSE(first_token.empty());
  std::this_thread::sleep_for(std::chrono::seconds(6));  // past the first token's expiry
  CHECK(token_of(conv.get()) != first_token);
  char *id = nullptr;
  rc = dl_conversation_send_message(conv.get(), "u1", "still alive", &id);
  INFO(last_message());
  CHECK(rc == DL_OK);
  StringPtr id_owner(id);
  CHECK(id != nullptr);
}

TEST_CASE("a polling receiver polls again soon after a post (docs/protocol.md 1.5.7)",
          "[integration][receive][polling]") {
  Emulator emu;
  ClientSettings settings;
  settings.receive_mode = DL_RECEIVE_POLLING;
  settings.polling_interval_ms = 5000;  // without the nudge the reply waits up to 5 s
  auto client = make_client(emu, settings);
  auto conv = start(client.get());
  dl_activity *none = nullptr;
  // Starts receiving; the first poll finds nothing, then the receiver waits.
  CHECK(dl_conversation_next_activity(conv.get(), 500, &none) == DL_ETIMEOUT);
  CHECK(none == nullptr);
  const auto posted_at = std::chrono::steady_clock::now();
  post_text(conv.get(), "quick");
  auto reply = next_of_type(conv.get(), "message", 10000);
  REQUIRE(reply);
  // The echo of our own message comes first; the bot's reply is in the same poll.
  if (std::strcmp(dl_activity_from_id(reply.get()), "u1") == 0) reply = next_of_type(conv.get(), "message", 10000);
  REQUIRE(reply);
  CHECK(std::string(dl_activity_text(reply.get())) == "echo: quick");
  const long long waited = elapsed_ms(posted_at);
  INFO("reply after " << waited << " ms");
  CHECK(waited < 2500);
}

TEST_CASE("test_80_v1_own_messages_are_marked_own_by_their_from_id", "[integration][v1][receive]") {
  Emulator emu;
  ClientSettings settings;
  settings.api_version = DL_API_V1_1;
  auto client = make_client(emu, settings);
  auto conv = start(client.get());
  char *id = reinterpret_cast<char *>(0x1);
  REQUIRE(dl_conversation_send_message(conv.get(), "user1", "hello", &id) == DL_OK);
  CHECK(id == nullptr);  // 1.1 posts return no id
  auto echo = next_of_type(conv.get(), "message");
  REQUIRE(echo);
  CHECK(std::string(dl_activity_from_id(echo.get())) == "user1");
  CHECK(std::string(dl_activity_text(echo.get())) == "hello");
  CHECK(dl_activity_is_own(echo.get()) == 1);
  auto reply = next_of_type(conv.get(), "message");
  REQUIRE(reply);
  CHECK(std::string(dl_activity_text(reply.get())) == "echo: hello");
  CHECK(dl_activity_is_own(reply.get()) == 0);
}
