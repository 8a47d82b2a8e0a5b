// Polling and reconnect through injected 429/500/502 storms and dropped
// connections (items 64, 84, 86): receiving never stops for good and stays
// exactly-once and in order.
#include <catch2/catch.hpp>

#include "receive_support.hpp"

using namespace rtest;
using namespace std::chrono;

namespace {
void expect_numbered(dl_conversation *conversation, const char *text, int count, seconds deadline) {
  auto result = receive_bot_texts(conversation, static_cast<std::size_t>(count), std::string(text) + " ", deadline);
  std::string why;
  const bool ok = numbered_in_order(result.matching, text, 1, count, &why);
  INFO(why << "; " << last_error_text());
  CHECK(ok);
}
}  // namespace

TEST_CASE("test_86_polling_recovers_from_500_502_storms_at_a_rate", "[polling][faults]") {
  dltest::EmulatorProcess emulator({"--admin", "--fault", "route=get-activities,status=500,rate=0.4", "--fault",
                                    "route=get-activities,status=502,rate=0.2", "--seed", "7"});
  ClientSettings settings;
  settings.receive_mode = DL_RECEIVE_POLLING;
  settings.polling_interval_ms = 50;
  auto client = make_client(emulator, settings);
  auto conversation = start_with_secret(client.get());
  const std::string id = dl_conversation_id(conversation.get());
  bot_sends(emulator, id, 150, "storm");  // more than one page of 100
  expect_numbered(conversation.get(), "storm", 150, seconds(60));
  bot_sends(emulator, id, 5, "calm");
  expect_numbered(conversation.get(), "calm", 5, seconds(30));
}

TEST_CASE("test_64_polling_honours_429_retry_after_and_keeps_going", "[polling][faults]") {
  dltest::EmulatorProcess emulator(
      {"--admin", "--fault", "route=get-activities,status=429,retry_after=1,times=3"});
  ClientSettings settings;
  settings.receive_mode = DL_RECEIVE_POLLING;
  settings.polling_interval_ms = 50;
  auto client = make_client(emulator, settings);
  auto conversation = start_with_secret(client.get());
  bot_sends(emulator, dl_conversation_id(conversation.get()), 3, "slow");
  const auto started = steady_clock::now();
  expect_numbered(conversation.get(), "slow", 3, seconds(30));
  // Three 429s with Retry-After: 1 cannot be got through in under ~3 s
  // (the transport may retry some itself; either way it waited).
  CHECK(steady_clock::now() - started >= milliseconds(2500));
}

TEST_CASE("test_86_polling_survives_dropped_and_truncated_responses", "[polling][faults]") {
  dltest::EmulatorProcess emulator({"--admin", "--fault", "route=get-activities,drop,rate=0.3", "--fault",
                                    "route=get-activities,truncate,rate=0.2", "--seed", "3"});
  ClientSettings settings;
  settings.receive_mode = DL_RECEIVE_POLLING;
  settings.polling_interval_ms = 50;
  auto client = make_client(emulator, settings);
  auto conversation = start_with_secret(client.get());
  bot_sends(emulator, dl_conversation_id(conversation.get()), 60, "lossy");
  expect_numbered(conversation.get(), "lossy", 60, seconds(60));
}

TEST_CASE("test_86_stream_reconnect_through_500s_and_429s", "[stream][faults]") {
  // Every 2 frames the socket drops, and the first reconnects fail.
  dltest::EmulatorProcess emulator({"--admin", "--fault", "route=stream,ws_close_after=2", "--fault",
                                    "route=reconnect,status=500,times=4", "--fault",
                                    "route=reconnect,status=429,retry_after=1,times=1,after=2"});
  auto client = make_client(emulator);
  auto conversation = start_with_secret(client.get());
  dl_activity *none = nullptr;
  dl_conversation_next_activity(conversation.get(), 100, &none);
  bot_sends(emulator, dl_conversation_id(conversation.get()), 40, "bumpy");
  expect_numbered(conversation.get(), "bumpy", 40, seconds(60));
}

TEST_CASE("test_86_stream_handshake_refused_falls_back_to_polling", "[stream][faults]") {
  // The stream route always fails: the receiver must still deliver (by polling).
  dltest::EmulatorProcess emulator({"--admin", "--fault", "route=stream,status=503"});
  auto client = make_client(emulator);
  auto conversation = start_with_secret(client.get());
  bot_sends(emulator, dl_conversation_id(conversation.get()), 12, "fallback");
  expect_numbered(conversation.get(), "fallback", 12, seconds(60));
}
