// Several threads receiving and posting on one conversation at once, and
// close() waking every waiter (the ThreadSanitizer build runs these too).
#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "receive_support.hpp"

using namespace rtest;
using namespace std::chrono;

TEST_CASE("close_while_waiting_wakes_every_waiter_at_once", "[threads]") {
  dltest::EmulatorProcess emulator({"--admin"});
  auto client = make_client(emulator);
  auto conversation = start_with_secret(client.get());
  std::atomic<int> cancelled{0};
  std::vector<std::thread> waiters;
  for (int i = 0; i < 3; ++i)
    waiters.emplace_back([&] {
      dl_activity *activity = nullptr;
      if (dl_conversation_next_activity(conversation.get(), -1, &activity) == DL_ECANCELLED) ++cancelled;
      dl_activity_free(activity);
    });
  std::this_thread::sleep_for(milliseconds(300));
  const auto closing = steady_clock::now();
  dl_conversation_close(conversation.get());
  for (auto &t : waiters) t.join();
  CHECK(steady_clock::now() - closing < milliseconds(250));
  CHECK(cancelled == 3);
}

TEST_CASE("test_84_threads_receive_and_post_concurrently_exactly_once", "[threads]") {
  dltest::EmulatorProcess emulator({"--admin"});
  auto client = make_client(emulator);
  auto conversation = start_with_secret(client.get());
  constexpr int kPosters = 2, kPerPoster = 25, kReceivers = 3;
  std::mutex mutex;
  std::multiset<std::string> echoes;
  std::set<std::string> ids;
  int duplicate_ids = 0;
  std::atomic<int> echo_count{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  for (int r = 0; r < kReceivers; ++r)
    threads.emplace_back([&] {
      while (echo_count < kPosters * kPerPoster && !failed) {
        dl_activity *activity = nullptr;
        const int rc = dl_conversation_next_activity(conversation.get(), 200, &activity);
        if (rc == DL_ETIMEOUT) continue;
        if (rc != DL_OK) {
          failed = true;
          break;
        }
        ActivityPtr owned(activity);
        std::lock_guard<std::mutex> lock(mutex);
        if (!ids.insert(dl_activity_id(activity)).second) ++duplicate_ids;
        const char *text = dl_activity_text(activity);
        if (std::string(dl_activity_type(activity)) == "message" && text &&
            std::string(text).rfind("echo: ", 0) == 0) {
          echoes.insert(text);
          ++echo_count;
        }
      }
    });
  for (int p = 0; p < kPosters; ++p)
    threads.emplace_back([&, p] {
      for (int i = 0; i < kPerPoster; ++i) {
        const std::string text = "p" + std::to_string(p) + "-" + std::to_string(i);
        if (dl_conversation_send_message(conversation.get(), "user1", text.c_str(), nullptr) != DL_OK) failed = true;
      }
    });
  for (auto &t : threads) t.join();
  CHECK_FALSE(failed);
  CHECK(duplicate_ids == 0);
  REQUIRE(echoes.size() == static_cast<std::size_t>(kPosters * kPerPoster));
  for (int p = 0; p < kPosters; ++p)
    for (int i = 0; i < kPerPoster; ++i)
      CHECK(echoes.count("echo: p" + std::to_string(p) + "-" + std::to_string(i)) == 1);
  // The watermark can be read while others receive.
  CHECK(dl_conversation_watermark(conversation.get()) != nullptr);
}

TEST_CASE("freeing_conversations_mid_stream_closes_their_sockets", "[threads][stream]") {
  dltest::EmulatorProcess emulator({"--admin"});
  auto client = make_client(emulator);
  std::vector<ConversationPtr> conversations;
  for (int i = 0; i < 20; ++i) {
    conversations.push_back(start_with_secret(client.get()));
    dl_activity *none = nullptr;
    dl_conversation_next_activity(conversations.back().get(), 0, &none);
  }
  auto sockets = [&] {
    std::string body;
    REQUIRE(http_request(emulator.port(), "GET", "/admin/stats", "", &body) == 200);
    return std::atoi(body.c_str() + body.find("\"sockets\":") + 10);
  };
  auto wait_for = [&](int n) {
    const auto until = steady_clock::now() + seconds(5);
    while (sockets() != n && steady_clock::now() < until) std::this_thread::sleep_for(milliseconds(10));
    return sockets();
  };
  REQUIRE(wait_for(20) == 20);
  // Activities in flight while the handles go away: no crash, no socket left behind.
  for (auto &c : conversations) bot_sends(emulator, dl_conversation_id(c.get()), 5, "gone");
  conversations.clear();
  CHECK(wait_for(0) == 0);
}
