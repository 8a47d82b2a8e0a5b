// Reconnect storms: 1,000 conversations whose streams the server drops at
// the same moment come back spread over about a second (full-jitter backoff
// from reconnect_base_delay_ms), not all in the same instant, and all of them.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <thread>

#include <sys/resource.h>

#include "receive_support.hpp"

using namespace rtest;
using namespace std::chrono;

namespace {


void raise_fd_limit(rlim_t wanted) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur >= wanted) return;
  limit.rlim_cur = std::min(wanted, limit.rlim_max);
  setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace

TEST_CASE("1,000 streams dropped together reconnect spread out, within a few seconds",
          "[stream][reconnect]") {
  constexpr int kConversations = 1000;
  raise_fd_limit(4 * kConversations);
  dltest::EmulatorProcess emulator({"--admin"});
  dl_client_options options;
  dl_client_options_init(&options);
  const std::string endpoint = emulator.v3();
  options.endpoint = endpoint.c_str();
  options.proxy = "";
  // reconnect_base_delay_ms left at its default (1000): what users get.
  dl_client *raw = nullptr;
  REQUIRE(dl_client_new(&options, &raw) == DL_OK);
  ClientPtr client(raw);

  std::vector<ConversationPtr> conversations;
  std::vector<std::string> ids;
  for (int i = 0; i < kConversations; ++i) {
    conversations.push_back(start_with_secret(client.get()));
    ids.emplace_back(dl_conversation_id(conversations.back().get()));
    dl_activity *none = nullptr;
    dl_conversation_next_activity(conversations.back().get(), 0, &none);  // starts receiving
  }
  auto deadline = steady_clock::now() + seconds(30);
  while (open_sockets(emulator) < kConversations && steady_clock::now() < deadline)
    std::this_thread::sleep_for(milliseconds(50));
  REQUIRE(open_sockets(emulator) == kConversations);
  // In parallel over all conversations: one admin call each.
  auto for_all = [&](const std::string &what, const std::string &body) {
    std::vector<std::thread> threads;
    std::atomic<int> next{0};
    for (int t = 0; t < 8; ++t)
      threads.emplace_back([&] {
        for (int i; (i = next++) < kConversations;)
          http_request(emulator.port(), "POST", "/admin/conversations/" + ids[static_cast<std::size_t>(i)] + what, body);
      });
    for (auto &t : threads) t.join();
  };
  // Streams in use (each delivered an activity), as when a server restarts under load.
  for_all("/activities", R"({"count":1,"text":"hello"})");
  for (auto &conversation : conversations) {
    auto received = receive_bot_texts(conversation.get(), 1, "hello", seconds(10));
    REQUIRE(received.matching.size() == 1);
  }

  // Drop every stream at (nearly) the same moment.
  const auto dropped_from = steady_clock::now();
  for_all("/drop-stream", "");
  const auto drop_ms = duration_cast<milliseconds>(steady_clock::now() - dropped_from).count();

  // When did the count of open sockets pass 10%, 50%, 90% and 100% again?
  long long t10 = -1, t50 = -1, t90 = -1, t100 = -1;
  deadline = steady_clock::now() + seconds(10);
  while (t100 < 0 && steady_clock::now() < deadline) {
    const int open = open_sockets(emulator);
    const auto at = duration_cast<milliseconds>(steady_clock::now() - dropped_from).count();
    if (t10 < 0 && open >= kConversations / 10) t10 = at;
    if (t50 < 0 && open >= kConversations / 2) t50 = at;
    if (t90 < 0 && open >= kConversations * 9 / 10) t90 = at;
    if (open >= kConversations) t100 = at;
    std::this_thread::sleep_for(milliseconds(10));
  }
  WARN("dropped " << kConversations << " streams in " << drop_ms << " ms; back: 10% at " << t10 << " ms, 50% at "
                  << t50 << " ms, 90% at " << t90 << " ms, all at " << t100 << " ms");
  // Sane bounds, not exact timing (sanitizer builds and a busy machine are slower).
  REQUIRE(t100 > 0);          // every one came back
  CHECK(t10 < 1500);          // the first tries start within about the first second
  CHECK(t90 - t10 >= 400);    // spread out, not a thundering herd
  CHECK(t100 < 10000);
}
