// Token refresh during a long stream (items 10, 85), expiry surfacing as a
// terminal error, and the bot ending the conversation (items 57, 67).
#include <catch2/catch.hpp>

#include <thread>

#include "receive_support.hpp"

using namespace rtest;
using namespace std::chrono;

TEST_CASE("test_85_token_refreshed_during_a_long_stream_without_loss", "[stream][token]") {
  // Tokens live 4 s; the conversation runs ~10 s with the socket dropped
  // twice, so the reconnects need the refreshed token.
  dltest::EmulatorProcess emulator({"--admin", "--token-ttl", "4"});
  auto client = make_client(emulator);
  auto conversation = start_with_token(client.get());
  const std::string id = dl_conversation_id(conversation.get());
  const std::string first_token = dl_conversation_token(conversation.get());
  std::vector<Received> all;
  for (int round = 1; round <= 10; ++round) {
    const std::string text = "r" + std::to_string(round);
    bot_sends(emulator, id, 3, text);
    if (round == 4 || round == 8) admin_post(emulator, "/admin/conversations/" + id + "/drop-stream");
    auto result = receive_bot_texts(conversation.get(), 3, text + " ", seconds(10));
    std::string why;
    const bool ok = numbered_in_order(result.matching, text, 1, 3, &why);
    INFO("round " << round << ": " << why << "; " << last_error_text());
    REQUIRE(ok);
    std::this_thread::sleep_for(milliseconds(1000));
  }
  CHECK(std::string(dl_conversation_token(conversation.get())) != first_token);
  // The current token still works for REST after > 2 lifetimes.
  char *posted = nullptr;
  CHECK(dl_conversation_send_message(conversation.get(), "user1", "still here", &posted) == DL_OK);
  dl_string_free(posted);
}

TEST_CASE("test_85_a_token_that_can_no_longer_be_refreshed_ends_receiving_with_token_expired",
          "[stream][token]") {
  // Tokens live 4 s, so the first refresh comes at about 2 s. The service's
  // clock jumps past the token's expiry first: that refresh gets 403
  // TokenExpired, and receiving ends with it although the socket is healthy.
  dltest::EmulatorProcess emulator({"--admin", "--token-ttl", "4"});
  auto client = make_client(emulator);
  auto conversation = start_with_token(client.get());
  const std::string id = dl_conversation_id(conversation.get());
  bot_sends(emulator, id, 1, "before");
  REQUIRE(receive_bot_texts(conversation.get(), 1, "before", seconds(10)).matching.size() == 1);
  admin_post(emulator, "/admin/clock", "{\"advance_seconds\":60}");
  const auto started = steady_clock::now();
  int rc = DL_OK;
  while (rc == DL_OK && steady_clock::now() - started < seconds(15)) {
    dl_activity *activity = nullptr;
    rc = dl_conversation_next_activity(conversation.get(), 15000, &activity);
    dl_activity_free(activity);
  }
  CHECK(rc == DL_ETOKEN_EXPIRED);
  CHECK(steady_clock::now() - started < seconds(5));
  const dl_error *e = dl_error_last();
  CHECK(std::string(e->message ? e->message : "").find(dl_conversation_token(conversation.get())) ==
        std::string::npos);
}

TEST_CASE("test_10_86_expired_token_on_reconnect_is_terminal_token_expired", "[stream][token]") {
  dltest::EmulatorProcess emulator({"--admin"});
  ClientSettings settings;
  settings.disable_auto_refresh = true;
  auto client = make_client(emulator, settings);
  auto conversation = start_with_token(client.get());
  const std::string id = dl_conversation_id(conversation.get());
  bot_sends(emulator, id, 1, "before");
  REQUIRE(receive_bot_texts(conversation.get(), 1, "before", seconds(10)).matching.size() == 1);
  // The token expires (clock jump), then the socket drops: reconnect gets 403 TokenExpired.
  admin_post(emulator, "/admin/clock", "{\"advance_seconds\":4000}");
  admin_post(emulator, "/admin/conversations/" + id + "/drop-stream");
  dl_activity *activity = nullptr;
  const auto started = steady_clock::now();
  const int rc = dl_conversation_next_activity(conversation.get(), 20000, &activity);
  CHECK(rc == DL_ETOKEN_EXPIRED);
  CHECK(steady_clock::now() - started < seconds(10));
  // The error message never carries the token.
  const dl_error *e = dl_error_last();
  CHECK(std::string(e->message ? e->message : "").find(dl_conversation_token(conversation.get())) ==
        std::string::npos);
}

TEST_CASE("test_57_bot_end_of_conversation_then_DL_EENDED_on_the_stream", "[stream][end]") {
  dltest::EmulatorProcess emulator({"--admin"});
  auto client = make_client(emulator);
  auto conversation = start_with_secret(client.get());
  const std::string id = dl_conversation_id(conversation.get());
  bot_sends(emulator, id, 2, "bye");
  admin_post(emulator, "/admin/conversations/" + id + "/end");
  auto result = receive_bot_texts(conversation.get(), 2, "bye", seconds(10));
  REQUIRE(result.matching.size() == 2);
  dl_activity *activity = nullptr;
  REQUIRE(dl_conversation_next_activity(conversation.get(), 10000, &activity) == DL_OK);
  ActivityPtr end(activity);
  CHECK(std::string(dl_activity_type(activity)) == "endOfConversation");
  const auto started = steady_clock::now();
  CHECK(dl_conversation_next_activity(conversation.get(), 5000, &activity) == DL_EENDED);
  CHECK(steady_clock::now() - started < milliseconds(500));  // at once, not after the wait
  CHECK(dl_conversation_is_ended(conversation.get()) == 1);
}

TEST_CASE("test_67_bot_end_of_conversation_then_DL_EENDED_when_polling", "[polling][end]") {
  dltest::EmulatorProcess emulator({"--admin"});
  ClientSettings settings;
  settings.receive_mode = DL_RECEIVE_POLLING;
  auto client = make_client(emulator, settings);
  auto conversation = start_with_secret(client.get());
  admin_post(emulator, "/admin/conversations/" + std::string(dl_conversation_id(conversation.get())) + "/end");
  dl_activity *activity = nullptr;
  REQUIRE(dl_conversation_next_activity(conversation.get(), 10000, &activity) == DL_OK);
  ActivityPtr end(activity);
  CHECK(std::string(dl_activity_type(activity)) == "endOfConversation");
  CHECK(dl_conversation_next_activity(conversation.get(), 2000, &activity) == DL_EENDED);
}

TEST_CASE("test_85_an_ended_conversation_stops_refreshing_its_token", "[stream][token][end]") {
  // Tokens live 2 s: refreshed about every second while the conversation lasts.
  dltest::EmulatorProcess emulator({"--admin", "--token-ttl", "2"});
  auto client = make_client(emulator);
  auto conversation = start_with_token(client.get());
  const std::string first_token = dl_conversation_token(conversation.get());
  std::this_thread::sleep_for(milliseconds(1500));
  REQUIRE(std::string(dl_conversation_token(conversation.get())) != first_token);  // refreshing
  admin_post(emulator, "/admin/conversations/" + std::string(dl_conversation_id(conversation.get())) + "/end");
  dl_activity *activity = nullptr;
  REQUIRE(dl_conversation_next_activity(conversation.get(), 10000, &activity) == DL_OK);
  ActivityPtr end(activity);
  REQUIRE(std::string(dl_activity_type(activity)) == "endOfConversation");
  REQUIRE(dl_conversation_next_activity(conversation.get(), 1000, &activity) == DL_EENDED);
  std::this_thread::sleep_for(milliseconds(300));  // a refresh already in flight may land
  const std::string last_token = dl_conversation_token(conversation.get());
  std::this_thread::sleep_for(milliseconds(2500));  // two more half-lives
  CHECK(std::string(dl_conversation_token(conversation.get())) == last_token);
}
