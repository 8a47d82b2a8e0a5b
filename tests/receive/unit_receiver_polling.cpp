// The Receiver's state machine driven by a scripted host (no sockets): polling
// through transient errors, terminal errors, end of conversation, close
// waking waiters, and a terminal error handed in from outside (a lapsed token).
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <thread>

#include "receive/receiver.hpp"

using namespace directline::core;
using namespace std::chrono;

namespace {

class ScriptedHost : public ReceiverHost {
 public:
  // Each poll takes the next scripted answer; when none is left: empty batch.
  std::deque<Outcome<ReceivedBatch>> polls;
  std::vector<std::optional<std::string>> poll_watermarks;
  mutable std::mutex mutex;

  Outcome<ReconnectResult> reconnect(const std::optional<std::string> &) override {
    return ReconnectResult{};  // no streamUrl: the receiver must poll
  }
  Outcome<ReceivedBatch> poll(const std::optional<std::string> &watermark) override {
    std::lock_guard<std::mutex> lock(mutex);
    poll_watermarks.push_back(watermark);
    if (polls.empty()) return ReceivedBatch{};
    auto next = std::move(polls.front());
    polls.pop_front();
    return next;
  }
  std::optional<std::string> stream_url() const override { return std::nullopt; }
  bool is_own_activity(const std::string &id) const override { return id.rfind("own", 0) == 0; }

  void script(Outcome<ReceivedBatch> answer) {
    std::lock_guard<std::mutex> lock(mutex);
    polls.push_back(std::move(answer));
  }
  std::size_t polls_made() const {
    std::lock_guard<std::mutex> lock(mutex);
    return poll_watermarks.size();
  }
};

ReceivedBatch page(int first, int count, const std::string &type = "message") {
  ReceivedBatch b;
  for (int i = first; i < first + count; ++i) {
    ReceivedActivity a;
    a.id = "conv|" + std::to_string(i);
    a.type = type;
    a.json = "{}";
    b.activities.push_back(a);
  }
  b.watermark = std::to_string(first + count - 1);
  return b;
}

Error http_error(Code code, int status, int retry_after = -1) {
  Error e = Error::make(code, "injected", status);
  e.retry_after_s = retry_after;
  return e;
}

ReceiverOptions fast_polling() {
  ReceiverOptions o;
  o.polling_only = true;
  o.polling_interval_ms = 50;
  o.retry_base_delay_ms = 10;
  return o;
}

}  // namespace

TEST_CASE("test_86_polling_survives_429_and_5xx_storms") {
  auto host = std::make_shared<ScriptedHost>();
  host->script(page(1, 2));
  for (int i = 0; i < 3; ++i) host->script(http_error(Code::server, 500));
  host->script(http_error(Code::bot, 502));
  host->script(http_error(Code::network, 0));
  host->script(page(3, 1));
  Receiver receiver(host, fast_polling(), std::nullopt);
  std::vector<std::string> ids;
  while (ids.size() < 3) {
    auto next = receiver.next(5000);
    REQUIRE(next.ok());
    ids.push_back(next.value()->id);
  }
  CHECK(ids == std::vector<std::string>{"conv|1", "conv|2", "conv|3"});
  CHECK(receiver.watermark() == std::optional<std::string>("3"));
  // Polls resumed from the last good watermark after the errors.
  std::lock_guard<std::mutex> lock(host->mutex);
  REQUIRE(host->poll_watermarks.size() >= 7);
  CHECK_FALSE(host->poll_watermarks[0].has_value());
  for (std::size_t i = 1; i < 7; ++i) CHECK(host->poll_watermarks[i] == std::optional<std::string>("2"));
}

TEST_CASE("test_64_polling_waits_at_least_retry_after_on_429") {
  auto host = std::make_shared<ScriptedHost>();
  host->script(http_error(Code::throttled, 429, 1));
  host->script(page(1, 1));
  Receiver receiver(host, fast_polling(), std::nullopt);
  const auto started = steady_clock::now();
  auto next = receiver.next(5000);
  REQUIRE(next.ok());
  CHECK(steady_clock::now() - started >= milliseconds(1000));
}

TEST_CASE("test_86_token_expired_while_polling_is_terminal_not_a_hang") {
  auto host = std::make_shared<ScriptedHost>();
  host->script(page(1, 1));
  Error expired = http_error(Code::token_expired, 403);
  expired.service_code = "TokenExpired";
  host->script(expired);
  Receiver receiver(host, fast_polling(), std::nullopt);
  REQUIRE(receiver.next(5000).ok());  // what arrived before is still delivered
  auto next = receiver.next(5000);
  REQUIRE_FALSE(next.ok());
  CHECK(next.error().code == Code::token_expired);
  CHECK(receiver.next(0).error().code == Code::token_expired);  // stays terminal
}

TEST_CASE("test_57_end_of_conversation_is_delivered_then_ended") {
  auto host = std::make_shared<ScriptedHost>();
  auto b = page(1, 2);
  b.activities[1].type = "endOfConversation";
  host->script(b);
  Receiver receiver(host, fast_polling(), std::nullopt);
  REQUIRE(receiver.next(5000).value()->id == "conv|1");
  auto end = receiver.next(5000);
  REQUIRE(end.ok());
  CHECK(end.value()->type == "endOfConversation");
  CHECK(receiver.ended());
  CHECK(receiver.next(1000).error().code == Code::ended);
  // Receiving stopped: no more polls after the end.
  const auto polls = host->polls_made();
  std::this_thread::sleep_for(milliseconds(200));
  CHECK(host->polls_made() == polls);
}

TEST_CASE("own_end_of_conversation_does_not_end_receiving") {
  auto host = std::make_shared<ScriptedHost>();
  ReceivedBatch b;
  ReceivedActivity own;
  own.id = "own|1";
  own.type = "endOfConversation";
  b.activities.push_back(own);
  b.watermark = "1";
  host->script(b);
  host->script(page(2, 1));
  Receiver receiver(host, fast_polling(), std::nullopt);
  CHECK(receiver.next(5000).value()->id == "own|1");
  CHECK(receiver.next(5000).value()->id == "conv|2");
  CHECK_FALSE(receiver.ended());
}

TEST_CASE("close_wakes_every_waiter_at_once") {
  auto host = std::make_shared<ScriptedHost>();
  Receiver receiver(host, fast_polling(), std::nullopt);
  std::atomic<int> cancelled{0};
  std::vector<std::thread> waiters;
  for (int i = 0; i < 4; ++i)
    waiters.emplace_back([&] {
      auto next = receiver.next(-1);
      if (!next.ok() && next.error().code == Code::cancelled) ++cancelled;
    });
  std::this_thread::sleep_for(milliseconds(100));
  const auto closing = steady_clock::now();
  receiver.close();
  for (auto &t : waiters) t.join();
  CHECK(steady_clock::now() - closing < milliseconds(200));
  CHECK(cancelled == 4);
  CHECK(receiver.next(0).error().code == Code::cancelled);
}

TEST_CASE("next_times_out_when_nothing_arrives") {
  auto host = std::make_shared<ScriptedHost>();
  Receiver receiver(host, fast_polling(), std::nullopt);
  const auto started = steady_clock::now();
  auto next = receiver.next(150);
  CHECK(next.error().code == Code::timeout);
  CHECK(steady_clock::now() - started >= milliseconds(150));
  CHECK(receiver.next(0).error().code == Code::timeout);
}

TEST_CASE("a_terminal_error_from_outside_comes_after_the_queued_activities") {
  auto host = std::make_shared<ScriptedHost>();
  host->script(page(1, 2));
  Receiver receiver(host, fast_polling(), std::nullopt);
  auto first = receiver.next(5000);
  REQUIRE(first.ok());
  Error lapsed = http_error(Code::token_expired, 403);
  receiver.fail(lapsed);
  receiver.fail(http_error(Code::not_found, 404));  // the first terminal error wins
  auto second = receiver.next(5000);
  REQUIRE(second.ok());
  CHECK(second.value()->id == "conv|2");
  auto third = receiver.next(5000);
  REQUIRE_FALSE(third.ok());
  CHECK(third.error().code == Code::token_expired);
  std::this_thread::sleep_for(milliseconds(100));  // a poll in flight when it failed may finish
  const std::size_t polls = host->polls_made();
  std::this_thread::sleep_for(milliseconds(300));  // six polling intervals
  CHECK(host->polls_made() == polls);  // receiving stopped
}

TEST_CASE("a_terminal_error_before_receiving_starts_is_returned_at_once") {
  auto host = std::make_shared<ScriptedHost>();
  Receiver receiver(host, fast_polling(), std::nullopt);
  receiver.fail(http_error(Code::token_expired, 403));
  auto next = receiver.next(5000);
  REQUIRE_FALSE(next.ok());
  CHECK(next.error().code == Code::token_expired);
  std::this_thread::sleep_for(milliseconds(150));
  CHECK(host->polls_made() == 0);
}

TEST_CASE("host_gone_cancels_instead_of_hanging") {
  auto host = std::make_shared<ScriptedHost>();
  Receiver receiver(host, fast_polling(), std::nullopt);
  host.reset();
  auto next = receiver.next(3000);
  REQUIRE_FALSE(next.ok());
  CHECK(next.error().code == Code::cancelled);
}

TEST_CASE("polling_receiver_polls_again_soon_after_a_post") {
  auto host = std::make_shared<ScriptedHost>();
  host->script(ReceivedBatch{});  // the first poll finds nothing
  host->script(page(1, 1));
  auto options = fast_polling();
  options.polling_interval_ms = 5000;
  Receiver receiver(host, options, std::nullopt);
  CHECK(receiver.next(300).error().code == Code::timeout);  // first poll done, now waiting 5 s
  REQUIRE(host->polls_made() == 1);
  const auto posted = steady_clock::now();
  receiver.activity_posted();
  auto next = receiver.next(3000);
  REQUIRE(next.ok());
  const auto waited = steady_clock::now() - posted;
  CHECK(waited >= milliseconds(250));
  CHECK(waited < milliseconds(1500));
}

TEST_CASE("backpressure: polling pauses at the queue limit and resumes once half is taken") {
  auto host = std::make_shared<ScriptedHost>();
  for (int first = 1; first <= 40; first += 10) host->script(page(first, 10));
  ReceiverOptions o = fast_polling();
  o.polling_interval_ms = 50;
  o.queue_limit = 5;
  Receiver receiver(host, o, std::nullopt);
  std::vector<std::string> ids;
  auto take = [&] {
    auto next = receiver.next(5000);
    REQUIRE(next.ok());
    ids.push_back(next.value()->id);
  };
  take();  // starts receiving: the first page (10 > limit) fills the queue
  std::this_thread::sleep_for(milliseconds(400));
  CHECK(host->polls_made() == 1);  // several polling intervals passed without a poll
  while (ids.size() < 8) take();   // 2 left: half the limit or less
  const auto deadline = steady_clock::now() + seconds(5);
  while (host->polls_made() < 2 && steady_clock::now() < deadline) std::this_thread::sleep_for(milliseconds(10));
  CHECK(host->polls_made() >= 2);
  while (ids.size() < 40) take();
  for (int i = 0; i < 40; ++i) CHECK(ids[static_cast<std::size_t>(i)] == "conv|" + std::to_string(i + 1));
}
