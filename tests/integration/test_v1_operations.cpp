// Direct Line 1.1 through the same C API: tokens as JSON strings, messages,
// 204s without ids, renew, upload, polling only.
#include <cstring>

#include "integration_support.hpp"

using namespace itest;

namespace {

ClientSettings v1_settings() {
  ClientSettings s;
  s.api_version = DL_API_V1_1;
  return s;
}

}  // namespace

TEST_CASE("75/77 1.1 generate token then start: 200 with id and token, no stream URL",
          "[integration][v1]") {
  Emulator emu;
  auto client = make_client(emu, v1_settings());
  dl_token *raw = nullptr;
  int rc = dl_generate_token(client.get(), dltest::kSecret, nullptr, &raw);
  INFO(last_message());
  REQUIRE(rc == DL_OK);
  TokenPtr token(raw);
  CHECK(std::strlen(dl_token_value(raw)) > 0);
  CHECK(dl_token_conversation_id(raw) == nullptr);
  auto conv = start(client.get(), dl_token_value(raw));
  CHECK(std::strlen(dl_conversation_id(conv.get())) > 0);
  CHECK(dl_conversation_stream_url(conv.get()) == nullptr);
  CHECK(dl_conversation_token(conv.get()) != nullptr);
  auto with_secret = start(client.get());
  CHECK(std::string(dl_conversation_id(with_secret.get())) != dl_conversation_id(conv.get()));
}

TEST_CASE("79/80 1.1 post a message (204, no id) and read the MessageSet", "[integration][v1]") {
  Emulator emu;
  auto client = make_client(emu, v1_settings());
  auto conv = start(client.get());
  char *id = reinterpret_cast<char *>(0x1);
  int rc = dl_conversation_send_message(conv.get(), "user1", "hello", &id);
  INFO(last_message());
  REQUIRE(rc == DL_OK);
  CHECK(id == nullptr);
  std::string all = get_all(conv.get());
  CHECK(all.find("\"messages\"") != std::string::npos);
  CHECK(all.find("\"hello\"") != std::string::npos);
  CHECK(all.find("\"from\":\"user1\"") != std::string::npos);
  CHECK(all.find("\"watermark\"") != std::string::npos);
  REQUIRE(dl_conversation_post_activity(
              conv.get(), R"({"type":"message","from":{"id":"user1"},"text":"as activity","channelData":{"a":1}})",
              nullptr) == DL_OK);
  CHECK(get_all(conv.get()).find("as activity") != std::string::npos);
}

TEST_CASE("80 1.1 next_activity polls messages in order", "[integration][v1][receive]") {
  Emulator emu;
  auto client = make_client(emu, v1_settings());
  auto conv = start(client.get());
  REQUIRE(dl_conversation_send_message(conv.get(), "user1", "ping", nullptr) == DL_OK);
  auto own = next_of_type(conv.get(), "message");
  REQUIRE(own);
  CHECK(std::string(dl_activity_text(own.get())) == "ping");
  CHECK(std::string(dl_activity_from_id(own.get())) == "user1");
  auto reply = next_of_type(conv.get(), "message");
  REQUIRE(reply);
  CHECK(std::string(dl_activity_text(reply.get())) == "echo: ping");
  CHECK(dl_conversation_watermark(conv.get()) != nullptr);
}

TEST_CASE("78 1.1 renew a token with its conversation id", "[integration][v1]") {
  Emulator emu;
  auto client = make_client(emu, v1_settings());
  dl_token *raw = nullptr;
  REQUIRE(dl_generate_token(client.get(), dltest::kSecret, nullptr, &raw) == DL_OK);
  TokenPtr token(raw);
  auto conv = start(client.get(), dl_token_value(raw));
  dl_token *renewed = nullptr;
  int rc = dl_refresh_token(client.get(), dl_token_value(raw), dl_conversation_id(conv.get()), &renewed);
  INFO(last_message());
  REQUIRE(rc == DL_OK);
  TokenPtr hold(renewed);
  CHECK(std::strlen(dl_token_value(renewed)) > 0);
  CHECK(std::string(dl_token_conversation_id(renewed)) == dl_conversation_id(conv.get()));
  dl_token *none = nullptr;
  CHECK(dl_refresh_token(client.get(), dl_token_value(raw), nullptr, &none) == DL_EINVALID);
  REQUIRE(dl_conversation_refresh_token(conv.get()) == DL_OK);
  REQUIRE(dl_conversation_send_message(conv.get(), "user1", "after renew", nullptr) == DL_OK);
}

TEST_CASE("81 1.1 upload returns 204 (no id); multipart carries the message text",
          "[integration][v1][upload]") {
  Emulator emu;
  auto client = make_client(emu, v1_settings());
  auto conv = start(client.get());
  dl_upload_file one{"a.txt", "text/plain", "hello file", 10};
  char *id = reinterpret_cast<char *>(0x1);
  int rc = dl_conversation_upload(conv.get(), "user1", &one, 1, nullptr, &id);
  INFO(last_message());
  REQUIRE(rc == DL_OK);
  CHECK(id == nullptr);
  dl_upload_file two[] = {{"a.txt", "text/plain", "A", 1}, {"b.txt", "text/plain", "B", 1}};
  rc = dl_conversation_upload(conv.get(), "user1", two, 2, R"({"text":"v1 files"})", nullptr);
  INFO(last_message());
  REQUIRE(rc == DL_OK);
  CHECK(get_all(conv.get()).find("v1 files") != std::string::npos);
}

TEST_CASE("1.1 has no reconnect; end is local", "[integration][v1]") {
  Emulator emu;
  auto client = make_client(emu, v1_settings());
  auto conv = start(client.get());
  CHECK(dl_conversation_reconnect(conv.get(), nullptr) == DL_EINVALID);
  char *id = reinterpret_cast<char *>(0x1);
  REQUIRE(dl_conversation_end(conv.get(), "user1", &id) == DL_OK);
  CHECK(id == nullptr);
  CHECK(dl_conversation_is_ended(conv.get()) == 1);
  CHECK(dl_conversation_send_message(conv.get(), "user1", "late", nullptr) == DL_EENDED);
}

TEST_CASE("82 1.1 bot failure on send gives DL_ESERVER (500)", "[integration][v1][errors]") {
  Emulator emu;
  auto client = make_client(emu, v1_settings());
  auto conv = start(client.get());
  emu.add_fault("route=v1-post-message,status=500,times=1");
  CHECK(dl_conversation_send_message(conv.get(), "user1", "fails", nullptr) == DL_ESERVER);
  CHECK(dl_error_last()->http_status == 500);
  CHECK(get_all(conv.get()).find("fails") == std::string::npos);  // not retried
}
