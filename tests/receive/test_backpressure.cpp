// Backpressure: a caller that stops taking activities while the bot sends
// 10,000 large ones. Past receive_queue_limit the socket is left unread, so
// the process does not grow with the backlog; once the caller drains, all
// 10,000 arrive in order, exactly once.
#include <catch2/catch.hpp>

#include <fstream>
#include <thread>

#include "receive_support.hpp"

using namespace rtest;
using namespace std::chrono;

namespace {

long rss_kib() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

}  // namespace

TEST_CASE("backpressure: a stalled caller keeps memory bounded, then gets all 10,000 in order",
          "[stream][backpressure]") {
  dltest::EmulatorProcess emulator({"--admin"});
  ClientSettings settings;
  settings.receive_queue_limit = 100;
  auto client = make_client(emulator, settings);
  auto conversation = start_with_secret(client.get());
  const std::string id = dl_conversation_id(conversation.get());
  // Open the stream and warm up the allocator with a few activities first.
  const std::string text(2000, 'x');  // ~2 KiB per activity: 10,000 of them would be ~20 MiB queued
  bot_sends(emulator, id, 20, "warm");
  auto warm = receive_bot_texts(conversation.get(), 20, "warm ", seconds(10));
  REQUIRE(warm.matching.size() == 20);
  const long before = rss_kib();

  constexpr int kCount = 10000;
  bot_sends(emulator, id, kCount, text);  // returns once the emulator stored (and queued) them all
  std::this_thread::sleep_for(milliseconds(1500));  // the socket would deliver everything by now
  const long during = rss_kib();
  const long growth = during - before;
  WARN("RSS growth while stalled with " << kCount << " x 2 KiB pending: " << growth << " KiB");
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  WARN("not checked under a sanitizer: its allocator keeps freed memory (quarantine, shadow)");
#else
  CHECK(growth < 6 * 1024);  // unbounded, the queue alone would take ~20 MiB
#endif

  auto result = receive_bot_texts(conversation.get(), kCount, text + " ", seconds(60));
  std::string why;
  const bool ok = numbered_in_order(result.matching, text, 1, kCount, &why);
  INFO(why << "; " << last_error_text());
  CHECK(ok);
  CHECK(result.others.empty());
}
