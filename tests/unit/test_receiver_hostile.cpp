// Receiving from servers that misbehave (no sockets): the delivery buffer never
// lets a watermark move back, and the receiver (driven through ReceiverHost)
// does not poll a repeated page in a loop, ends unreadable pages in
// DL_EPROTOCOL rather than an endless timeout, and does not take a missing
// reconnect route for the end of the conversation.
#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

#include "receive/delivery_buffer.hpp"
#include "receive/receiver.hpp"

using namespace directline::core;
using namespace std::chrono;

namespace {

// Answers every call through a function of the call's number (from 0).
class FunctionHost : public ReceiverHost {
 public:
  std::function<Outcome<ReceivedBatch>(int)> on_poll = [](int) { return ReceivedBatch{}; };
  std::function<Outcome<ReconnectResult>(int)> on_reconnect = [](int) { return ReconnectResult{}; };

  Outcome<ReconnectResult> reconnect(const std::optional<std::string> &) override {
    int n;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      n = reconnects_++;
    }
    return on_reconnect(n);
  }
  Outcome<ReceivedBatch> poll(const std::optional<std::string> &watermark) override {
    int n;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      n = static_cast<int>(watermarks_.size());
      watermarks_.push_back(watermark);
    }
    return on_poll(n);
  }
  std::optional<std::string> stream_url() const override { return std::nullopt; }
  bool is_own_activity(const std::string &) const override { return false; }

  int polls() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return static_cast<int>(watermarks_.size());
  }
  int reconnects() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return reconnects_;
  }
  std::vector<std::optional<std::string>> watermarks() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return watermarks_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::optional<std::string>> watermarks_;
  int reconnects_ = 0;
};

ReceivedBatch page(std::vector<std::string> ids, std::optional<std::string> watermark) {
  ReceivedBatch b;
  for (auto &id : ids) {
    ReceivedActivity a;
    a.id = std::move(id);
    a.type = "message";
    a.json = "{}";
    b.activities.push_back(std::move(a));
  }
  b.watermark = std::move(watermark);
  return b;
}

std::vector<std::string> drain(DeliveryBuffer &buffer) {
  std::vector<std::string> ids;
  while (auto a = buffer.pop()) ids.push_back(a->id);
  return ids;
}

ReceiverOptions options(bool polling_only, int interval_ms = 200) {
  ReceiverOptions o;
  o.polling_only = polling_only;
  o.polling_interval_ms = interval_ms;
  o.retry_base_delay_ms = 10;
  return o;
}

}  // namespace

TEST_CASE("a smaller integer watermark is ignored; the newer one stays", "[buffer]") {
  DeliveryBuffer buffer;
  buffer.accept(page({"c|1", "c|2"}, "2"));
  CHECK(drain(buffer) == std::vector<std::string>{"c|1", "c|2"});
  CHECK(buffer.delivered_watermark() == std::optional<std::string>("2"));

  // The server goes back to 1 and replays: only what is new is delivered, in order.
  buffer.accept(page({"c|2", "c|3"}, "1"));
  CHECK(buffer.received_watermark() == std::optional<std::string>("2"));
  CHECK(drain(buffer) == std::vector<std::string>{"c|3"});
  CHECK(buffer.delivered_watermark() == std::optional<std::string>("2"));

  buffer.accept(page({"c|1", "c|3", "c|4"}, "4"));
  CHECK(drain(buffer) == std::vector<std::string>{"c|4"});
  CHECK(buffer.received_watermark() == std::optional<std::string>("4"));
  CHECK(buffer.delivered_watermark() == std::optional<std::string>("4"));
}

TEST_CASE("watermarks compare as numbers of any length, leading zeros included", "[buffer]") {
  DeliveryBuffer buffer(std::string("10"));
  buffer.accept(page({}, "9"));
  CHECK(buffer.received_watermark() == std::optional<std::string>("10"));
  buffer.accept(page({}, "0011"));
  CHECK(buffer.received_watermark() == std::optional<std::string>("0011"));
  buffer.accept(page({}, "000"));
  CHECK(buffer.received_watermark() == std::optional<std::string>("0011"));
  buffer.accept(page({}, "123456789012345678901234567890"));
  buffer.accept(page({}, "99999999999999999999999999999"));
  CHECK(buffer.received_watermark() == std::optional<std::string>("123456789012345678901234567890"));
  buffer.accept(page({}, "11"));
  CHECK(buffer.received_watermark() == std::optional<std::string>("123456789012345678901234567890"));
  buffer.accept(page({}, "0123456789012345678901234567890"));  // equal is not backwards
  CHECK(buffer.received_watermark() == std::optional<std::string>("0123456789012345678901234567890"));
}

TEST_CASE("opaque (non-integer) watermarks are taken as the server sends them", "[buffer]") {
  DeliveryBuffer buffer(std::string("5"));
  buffer.accept(page({}, "abc"));
  CHECK(buffer.received_watermark() == std::optional<std::string>("abc"));
  buffer.accept(page({}, "4"));
  CHECK(buffer.received_watermark() == std::optional<std::string>("4"));
  buffer.accept(page({"c|1"}, std::nullopt));  // null keeps the previous one
  CHECK(buffer.received_watermark() == std::optional<std::string>("4"));
}

TEST_CASE("a server repeating the same page is polled at the interval, not in a loop", "[receiver]") {
  for (bool polling_only : {true, false}) {  // polling, and the catch-up before a stream
    INFO("polling_only " << polling_only);
    auto host = std::make_shared<FunctionHost>();
    host->on_poll = [](int) { return page({"c|1"}, "1"); };
    Receiver receiver(host, options(polling_only), std::nullopt);
    REQUIRE(receiver.next(2000).ok());
    std::this_thread::sleep_for(milliseconds(1000));
    CHECK(receiver.next(0).error().code == Code::timeout);  // delivered once
    // 1 s at a 200 ms interval: about 6 polls (thousands before the fix).
    CHECK(host->polls() <= 10);
  }
}

TEST_CASE("new activities without a moving watermark do not make polling spin", "[receiver]") {
  auto host = std::make_shared<FunctionHost>();
  host->on_poll = [](int n) { return page({"c|" + std::to_string(n)}, "7"); };
  Receiver receiver(host, options(true), std::nullopt);
  REQUIRE(receiver.next(2000).ok());  // starts receiving
  std::this_thread::sleep_for(milliseconds(1000));
  CHECK(host->polls() <= 10);
  int delivered = 1;
  while (receiver.next(0).ok()) ++delivered;
  CHECK(delivered == host->polls());  // each one new: all delivered, none twice
}

TEST_CASE("a full page with a new watermark is followed at once", "[receiver]") {
  auto host = std::make_shared<FunctionHost>();
  host->on_poll = [](int n) {
    if (n >= 5) return page({}, "5");
    return page({"c|" + std::to_string(n + 1)}, std::to_string(n + 1));
  };
  Receiver receiver(host, options(true, 5000), std::nullopt);
  const auto started = steady_clock::now();
  for (int i = 1; i <= 5; ++i) REQUIRE(receiver.next(2000).value()->id == "c|" + std::to_string(i));
  CHECK(steady_clock::now() - started < milliseconds(2000));  // not 5 intervals of 5 s
}

TEST_CASE("unreadable pages end in DL_EPROTOCOL, not an endless timeout", "[receiver]") {
  for (bool polling_only : {true, false}) {
    INFO("polling_only " << polling_only);
    auto host = std::make_shared<FunctionHost>();
    host->on_poll = [](int) { return Error::make(Code::protocol, "malformed response"); };
    Receiver receiver(host, options(polling_only, 100), std::nullopt);
    auto next = receiver.next(5000);
    REQUIRE_FALSE(next.ok());
    CHECK(next.error().code == Code::protocol);
    CHECK(host->polls() == 3);
    CHECK(receiver.next(0).error().code == Code::protocol);  // stays terminal
  }
}

TEST_CASE("one unreadable page between good ones is retried", "[receiver]") {
  auto host = std::make_shared<FunctionHost>();
  host->on_poll = [](int n) -> Outcome<ReceivedBatch> {
    if (n == 0) return page({"c|1"}, "1");
    if (n == 1 || n == 2) return Error::make(Code::protocol, "malformed response");
    if (n == 3) return page({"c|2"}, "2");
    if (n == 4 || n == 5) return Error::make(Code::protocol, "malformed response");
    return page({"c|3"}, "3");
  };
  Receiver receiver(host, options(true, 50), std::nullopt);
  for (const char *id : {"c|1", "c|2", "c|3"}) {
    auto next = receiver.next(5000);
    REQUIRE(next.ok());
    CHECK(next.value()->id == id);
  }
}

TEST_CASE("a 404 on reconnect means no stream: polling goes on", "[receiver]") {
  auto host = std::make_shared<FunctionHost>();
  host->on_reconnect = [](int) { return Error::make(Code::not_found, "reconnect: HTTP 404", 404); };
  host->on_poll = [](int n) {
    if (n >= 3) return page({}, "3");
    return page({"c|" + std::to_string(n + 1)}, std::to_string(n + 1));
  };
  Receiver receiver(host, options(false, 50), std::nullopt);
  for (int i = 1; i <= 3; ++i) {
    auto next = receiver.next(5000);
    REQUIRE(next.ok());
    CHECK(next.value()->id == "c|" + std::to_string(i));
  }
  std::this_thread::sleep_for(milliseconds(300));
  CHECK(receiver.next(0).error().code == Code::timeout);
  CHECK(host->reconnects() == 1);  // tried once, then polling only
  CHECK(host->polls() > 4);
}

TEST_CASE("a 404 on the activities route still ends the conversation", "[receiver]") {
  auto host = std::make_shared<FunctionHost>();
  host->on_poll = [](int) { return Error::make(Code::not_found, "get activities: HTTP 404", 404); };
  Receiver receiver(host, options(true, 50), std::nullopt);
  auto next = receiver.next(5000);
  REQUIRE_FALSE(next.ok());
  CHECK(next.error().code == Code::not_found);
}

TEST_CASE("polls keep asking after the newest watermark when one goes back", "[receiver]") {
  auto host = std::make_shared<FunctionHost>();
  host->on_poll = [](int n) {
    if (n == 0) return page({"c|1", "c|2"}, "2");
    if (n == 1) return page({"c|3"}, "1");  // backwards
    return page({}, std::nullopt);
  };
  Receiver receiver(host, options(true, 50), std::nullopt);
  for (const char *id : {"c|1", "c|2", "c|3"}) CHECK(receiver.next(5000).value()->id == id);
  std::this_thread::sleep_for(milliseconds(200));
  auto asked = host->watermarks();
  REQUIRE(asked.size() >= 3);
  for (std::size_t i = 2; i < asked.size(); ++i) CHECK(asked[i] == std::optional<std::string>("2"));
  CHECK(receiver.watermark() == std::optional<std::string>("2"));
}
