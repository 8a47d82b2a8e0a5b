// Unit tests (no sockets): backoff bounds, the de-dup/ordering buffer and its
// delivered watermark, and stream URL parsing.
#include <catch2/catch.hpp>

#include <random>
#include <set>

#include "protocol/url.hpp"
#include "receive/delivery_buffer.hpp"
#include "retry.hpp"

using namespace directline::core;

namespace {
ReceivedActivity activity(const std::string &id, const std::string &type = "message") {
  ReceivedActivity a;
  a.id = id;
  a.type = type;
  a.json = "{\"id\":\"" + id + "\",\"type\":\"" + type + "\"}";
  return a;
}
ReceivedBatch batch(std::vector<std::string> ids, std::optional<std::string> watermark) {
  ReceivedBatch b;
  for (auto &id : ids) b.activities.push_back(activity(id));
  b.watermark = std::move(watermark);
  return b;
}
std::vector<std::string> drain(DeliveryBuffer &buffer) {
  std::vector<std::string> out;
  while (auto a = buffer.pop()) out.push_back(a->id);
  return out;
}
}  // namespace

TEST_CASE("test_86_backoff_full_jitter_grows_and_is_capped") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  int64_t third_max = 0, many_max = 0;
  for (int i = 0; i < 1000; ++i) {
    const auto first = backoff_delay_ms(1, 1000, 15000, unit(rng));
    CHECK(first >= 0);
    CHECK(first <= 1000);
    const auto third = backoff_delay_ms(3, 1000, 15000, unit(rng));  // ceiling 4000
    CHECK(third <= 4000);
    third_max = std::max(third_max, third);
    const auto many = backoff_delay_ms(40, 1000, 15000, unit(rng));
    CHECK(many <= 15000);
    many_max = std::max(many_max, many);
  }
  CHECK(third_max > 3000);  // the ceiling doubles per attempt
  CHECK(many_max > 14000);
  // Not constant: the jitter spreads clients apart, from the first attempt on.
  std::set<int64_t> distinct;
  for (int i = 0; i < 50; ++i) distinct.insert(backoff_delay_ms(1, 1000, 15000, unit(rng)));
  CHECK(distinct.size() > 10);
}

TEST_CASE("test_64_backoff_honours_retry_after_seconds") {
  CHECK(backoff_delay_ms(1, 10, 30000, 0.0, 2) == 2000);  // seconds, not milliseconds
  CHECK(backoff_delay_ms(1, 10, 30000, 0.0, 0) <= 10);
  CHECK(backoff_delay_ms(1, 10, 30000, 0.0, 120) == 120000);  // the service's floor wins over the cap
}

TEST_CASE("test_84_buffer_deduplicates_by_id_and_keeps_order") {
  DeliveryBuffer buffer;
  CHECK(buffer.accept(batch({"c|1", "c|2"}, "2")) == 2);
  CHECK(buffer.accept(batch({"c|2", "c|3"}, "3")) == 1);  // replayed c|2 dropped
  CHECK(buffer.accept(batch({"c|1"}, std::nullopt)) == 0);
  CHECK(drain(buffer) == std::vector<std::string>{"c|1", "c|2", "c|3"});
  // Activities without an id cannot be de-duplicated: all delivered.
  CHECK(buffer.accept(batch({"", ""}, std::nullopt)) == 2);
  CHECK(drain(buffer).size() == 2);
}

TEST_CASE("test_56_null_watermark_keeps_the_previous_one") {
  DeliveryBuffer buffer;
  buffer.accept(batch({"c|1"}, "1"));
  buffer.accept(batch({"typing-1"}, std::nullopt));
  CHECK(buffer.received_watermark() == std::optional<std::string>("1"));
  drain(buffer);
  CHECK(buffer.delivered_watermark() == std::optional<std::string>("1"));
}

TEST_CASE("test_83_delivered_watermark_follows_the_caller_not_the_network") {
  DeliveryBuffer buffer(std::string("5"));
  CHECK(buffer.delivered_watermark() == std::optional<std::string>("5"));
  buffer.accept(batch({"c|6", "c|7", "c|8"}, "8"));
  CHECK(buffer.received_watermark() == std::optional<std::string>("8"));
  CHECK(buffer.delivered_watermark() == std::optional<std::string>("5"));
  REQUIRE(buffer.pop()->id == "c|6");
  // Mid-batch: still the old watermark, plus what was already delivered.
  CHECK(buffer.delivered_watermark() == std::optional<std::string>("5"));
  CHECK(buffer.delivered_after_watermark() == std::vector<std::string>{"c|6"});
  buffer.pop();
  buffer.pop();
  CHECK(buffer.delivered_watermark() == std::optional<std::string>("8"));
  CHECK(buffer.delivered_after_watermark().empty());
}

TEST_CASE("test_83_skip_ids_resumes_a_partly_delivered_batch_exactly_once") {
  DeliveryBuffer resumed(std::string("5"));
  resumed.skip_ids({"c|6"});
  resumed.accept(batch({"c|6", "c|7", "c|8"}, "8"));  // the service replays after 5
  CHECK(drain(resumed) == std::vector<std::string>{"c|7", "c|8"});
}

TEST_CASE("buffer_window_is_bounded") {
  DeliveryBuffer buffer;
  for (int i = 0; i < 5000; ++i) {
    buffer.accept(batch({"c|" + std::to_string(i)}, std::to_string(i)));
    buffer.pop();
  }
  // The most recent ids are still recognised...
  CHECK(buffer.accept(batch({"c|4999"}, std::nullopt)) == 0);
  // ...and an id outside the window counts as new (the service never replays before the watermark).
  CHECK(buffer.accept(batch({"c|0"}, std::nullopt)) == 1);
}

TEST_CASE("test_57_nothing_after_the_bots_end_of_conversation") {
  DeliveryBuffer buffer;
  ReceivedBatch b = batch({"c|1", "c|2", "c|3"}, "3");
  b.activities[1].type = "endOfConversation";
  CHECK(buffer.accept(std::move(b), {false, true, false}) == 2);
  CHECK(buffer.end_queued());
  CHECK(buffer.accept(batch({"c|4"}, "4")) == 0);
  CHECK(drain(buffer) == std::vector<std::string>{"c|1", "c|2"});
}

TEST_CASE("stream_url_parsing_keeps_the_query_as_the_request_target") {
  using protocol::parse_url;
  auto u = parse_url("https://directline.botframework.com/v3/directline/conversations/abc/stream?t=x&watermark=-");
  REQUIRE(u);
  CHECK(u->scheme == "https");
  CHECK(u->host == "directline.botframework.com");
  CHECK(u->port == 443);
  CHECK(u->target == "/v3/directline/conversations/abc/stream?t=x&watermark=-");
  auto plain = parse_url("ws://127.0.0.1:8080/s?t=1#frag");
  REQUIRE(plain);
  CHECK(plain->port == 8080);
  CHECK(plain->target == "/s?t=1");
  auto v6 = parse_url("ws://[::1]:9/x");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->port == 9);
  CHECK(parse_url("wss://h").value().target == "/");
  CHECK(parse_url("wss://h?q=1").value().target == "/?q=1");
  CHECK_FALSE(parse_url("ftp://h/x"));
  CHECK_FALSE(parse_url("no-scheme"));
  CHECK_FALSE(parse_url("ws://h:99999/"));
  CHECK_FALSE(parse_url("ws://user:pw@h/"));
}
