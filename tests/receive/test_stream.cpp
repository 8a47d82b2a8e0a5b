// Receiving over the WebSocket stream (docs/protocol.md 1.5.8, items 44-57, 83, 84, 87)
// against a real emulator process, through the C API only.
#include <catch2/catch.hpp>

#include <set>
#include <thread>

#include "receive_support.hpp"

using namespace rtest;
using namespace std::chrono;

namespace {
// Typing is never stored, so only a socket open before the bot types sees it.
void wait_for_sockets(const dltest::EmulatorProcess &emulator, int n) {
  const auto until = steady_clock::now() + seconds(5);
  while (open_sockets(emulator) != n && steady_clock::now() < until) std::this_thread::sleep_for(milliseconds(10));
  REQUIRE(open_sockets(emulator) == n);
}
}  // namespace

TEST_CASE("test_44_51_52_stream_delivers_own_post_typing_and_echo_in_order", "[stream]") {
  dltest::EmulatorProcess emulator({"--admin"});
  auto client = make_client(emulator);
  auto conversation = start_with_secret(client.get());
  // Receiving starts (and opens the socket) on the first call.
  dl_activity *none = nullptr;
  CHECK(dl_conversation_next_activity(conversation.get(), 0, &none) == DL_ETIMEOUT);
  CHECK(none == nullptr);
  wait_for_sockets(emulator, 1);

  char *posted = nullptr;
  REQUIRE(dl_conversation_send_message(conversation.get(), "user1", "hello", &posted) == DL_OK);
  const std::string posted_id = posted;
  dl_string_free(posted);

  auto result = receive_bot_texts(conversation.get(), 1, "echo: hello", seconds(10));
  INFO(last_error_text());
  REQUIRE(result.matching.size() == 1);
  CHECK(result.matching[0].json.find("\"replyToId\":\"" + posted_id + "\"") != std::string::npos);
  // Before the echo: our own message (same id as the POST returned) and the bot's typing.
  for (auto &o : result.others) UNSCOPED_INFO("other: " << o.json);
  REQUIRE(result.others.size() == 2);
  CHECK(result.others[0].id == posted_id);
  CHECK(result.others[0].text == "hello");
  CHECK(result.others[1].type == "typing");
  // Only the stream delivers typing, and exactly one socket is open.
  CHECK(open_sockets(emulator) == 1);
  REQUIRE(dl_conversation_watermark(conversation.get()) != nullptr);
}

TEST_CASE("test_50_activities_sent_before_the_socket_opened_are_replayed_in_order", "[stream]") {
  dltest::EmulatorProcess emulator({"--admin"});
  auto client = make_client(emulator);
  auto conversation = start_with_secret(client.get());
  bot_sends(emulator, dl_conversation_id(conversation.get()), 20, "early");
  auto result = receive_bot_texts(conversation.get(), 20, "early", seconds(10));
  std::string why;
  CHECK(numbered_in_order(result.matching, "early", 1, 20, &why));
  INFO(why);
  CHECK(dl_conversation_watermark(conversation.get()) == std::string("20"));
}

TEST_CASE("test_54_83_socket_dropped_every_3_frames_1000_activities_exactly_once_in_order", "[stream][faults]") {
  dltest::EmulatorProcess emulator({"--admin", "--fault", "route=stream,ws_close_after=3"});
  auto client = make_client(emulator);
  auto conversation = start_with_secret(client.get());
  dl_activity *none = nullptr;
  dl_conversation_next_activity(conversation.get(), 0, &none);  // open the stream first
  const auto started = steady_clock::now();
  bot_sends(emulator, dl_conversation_id(conversation.get()), 1000, "n");
  auto result = receive_bot_texts(conversation.get(), 1000, "n ", seconds(120));
  std::string why;
  const bool ok = numbered_in_order(result.matching, "n", 1, 1000, &why);
  INFO(why << "; " << last_error_text());
  CHECK(ok);
  // No duplicates of any kind, including non-matching activities.
  std::set<std::string> ids;
  for (auto &r : result.matching) CHECK(ids.insert(r.id).second);
  CHECK(result.others.empty());
  CHECK(dl_conversation_watermark(conversation.get()) == std::string("1000"));
  WARN("1000 activities over a socket dropped every 3 frames took "
       << duration_cast<milliseconds>(steady_clock::now() - started).count() << " ms");
}

TEST_CASE("test_54_server_drop_mid_conversation_loses_nothing", "[stream]") {
  dltest::EmulatorProcess emulator({"--admin"});
  auto client = make_client(emulator);
  auto conversation = start_with_secret(client.get());
  const std::string id = dl_conversation_id(conversation.get());
  bot_sends(emulator, id, 5, "a");
  auto first = receive_bot_texts(conversation.get(), 5, "a ", seconds(10));
  REQUIRE(first.matching.size() == 5);
  admin_post(emulator, "/admin/conversations/" + id + "/drop-stream");
  bot_sends(emulator, id, 5, "b");  // sent while the client is (re)connecting
  auto second = receive_bot_texts(conversation.get(), 5, "b ", seconds(10));
  std::string why;
  CHECK(numbered_in_order(second.matching, "b", 1, 5, &why));
  INFO(why);
  CHECK(second.others.empty());  // nothing from before the drop came again
}

TEST_CASE("test_46_87_expired_stream_url_is_replaced_through_reconnect", "[stream]") {
  dltest::EmulatorProcess emulator({"--admin"});
  auto client = make_client(emulator);
  auto conversation = start_with_secret(client.get());
  const std::string id = dl_conversation_id(conversation.get());
  bot_sends(emulator, id, 3, "late");
  // The 60 s window passes before the first receive.
  admin_post(emulator, "/admin/clock", "{\"advance_seconds\":120}");
  auto result = receive_bot_texts(conversation.get(), 3, "late", seconds(10));
  std::string why;
  CHECK(numbered_in_order(result.matching, "late", 1, 3, &why));
  INFO(why << "; " << last_error_text());
  // The catch-up poll may deliver before the new socket is up: give it a moment.
  wait_for_sockets(emulator, 1);
}

TEST_CASE("test_48_keepalive_frames_are_ignored", "[stream]") {
  dltest::EmulatorProcess emulator({"--admin", "--keepalive", "1"});
  auto client = make_client(emulator);
  auto conversation = start_with_secret(client.get());
  dl_activity *activity = nullptr;
  // 2.5 s of empty frames: no activity, no error.
  CHECK(dl_conversation_next_activity(conversation.get(), 2500, &activity) == DL_ETIMEOUT);
  bot_sends(emulator, dl_conversation_id(conversation.get()), 2, "after");
  auto result = receive_bot_texts(conversation.get(), 2, "after", seconds(5));
  CHECK(result.matching.size() == 2);
  CHECK(result.others.empty());
  CHECK(open_sockets(emulator) == 1);
}

TEST_CASE("test_86_reconnect_404_is_a_terminal_error_not_a_hang", "[stream]") {
  dltest::EmulatorProcess emulator({"--admin"});
  auto client = make_client(emulator);
  dl_conversation *opened = nullptr;
  REQUIRE(dl_open_conversation(client.get(), dltest::kSecret, "NoSuchConversation0000", nullptr, &opened) == DL_OK);
  ConversationPtr conversation(opened);
  dl_activity *activity = nullptr;
  const auto started = steady_clock::now();
  const int rc = dl_conversation_next_activity(conversation.get(), 20000, &activity);
  CHECK(rc == DL_ENOTFOUND);
  CHECK(steady_clock::now() - started < seconds(10));
  CHECK(dl_conversation_next_activity(conversation.get(), 0, &activity) == DL_ENOTFOUND);
}

TEST_CASE("test_53_collision_second_socket_both_receivers_still_get_everything_once", "[stream]") {
  dltest::EmulatorProcess emulator({"--admin"});
  auto client = make_client(emulator);
  auto first = start_with_secret(client.get());
  const std::string id = dl_conversation_id(first.get());
  dl_activity *none = nullptr;
  dl_conversation_next_activity(first.get(), 0, &none);
  wait_for_sockets(emulator, 1);
  // A second handle on the same conversation opens a second socket: the
  // emulator closes the newer one with reason "collision"; that receiver
  // falls back to polling instead of fighting for the socket.
  dl_conversation *opened = nullptr;
  REQUIRE(dl_open_conversation(client.get(), dltest::kSecret, id.c_str(), nullptr, &opened) == DL_OK);
  ConversationPtr second(opened);
  dl_conversation_next_activity(second.get(), 500, &none);
  bot_sends(emulator, id, 10, "both");
  auto a = receive_bot_texts(first.get(), 10, "both", seconds(10));
  auto b = receive_bot_texts(second.get(), 10, "both", seconds(10));
  std::string why;
  CHECK(numbered_in_order(a.matching, "both", 1, 10, &why));
  INFO(why);
  CHECK(numbered_in_order(b.matching, "both", 1, 10, &why));
  INFO(why);
  // No fight: one socket stays open.
  std::this_thread::sleep_for(milliseconds(300));
  CHECK(open_sockets(emulator) == 1);
}
