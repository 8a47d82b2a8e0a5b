// Every parser of untrusted JSON under the nesting limit (json_limits.hpp):
// deep input is an error (protocol for server data, invalid for a caller's),
// never a stack overflow; and wrong shapes are protocol errors.
#include <catch2/catch.hpp>

#include <string>

#include "protocol/json_limits.hpp"
#include "protocol/messages.hpp"
#include "protocol/state.hpp"
#include "protocol/status.hpp"

using namespace directline::core;
using namespace directline::core::protocol;

namespace {

// `levels` nested arrays: [[[...]]] (2 bytes per level).
std::string nested_arrays(std::size_t levels) {
  return std::string(levels, '[') + std::string(levels, ']');
}

// An activity nesting `levels` objects deep in total (itself included).
std::string deep_activity(std::size_t levels) {
  std::string value = "1";
  std::string open, close;
  for (std::size_t i = 0; i + 1 < levels; ++i) {
    open += "{\"a\":";
    close += "}";
  }
  return R"({"type":"message","id":"c|1","channelData":)" + open + value + close + "}";
}

constexpr std::size_t kHostile = 100000;  // ~200 KB, the depth that crashed the client

}  // namespace

TEST_CASE("the nesting limit counts brackets outside strings only", "[limits]") {
  using directline::json_limits::kMaxDepth;
  using directline::json_limits::nesting_depth;
  CHECK(nesting_depth("{}") == 1);
  CHECK(nesting_depth(R"({"a":[{"b":"[[[[[[["}]})") == 3);
  CHECK(nesting_depth(R"({"a":"\"[[[[\\"})") == 1);
  CHECK(nesting_depth("]]]]{") == 1);
  CHECK(nesting_depth(nested_arrays(kHostile)) == kMaxDepth + 1);  // stops early
  CHECK(directline::json_limits::within_depth(nested_arrays(kMaxDepth)));
  CHECK_FALSE(directline::json_limits::within_depth(nested_arrays(kMaxDepth + 1)));
}

TEST_CASE("activity sets at the limit parse; one level deeper is a protocol error", "[limits]") {
  using directline::json_limits::kMaxDepth;
  // {"activities":[ activity ]}: the set adds two levels around the activity.
  auto set = [](std::size_t activity_levels) {
    return R"({"activities":[)" + deep_activity(activity_levels) + R"(],"watermark":"1"})";
  };
  auto ok = parse_activity_set(set(kMaxDepth - 2), ApiVersion::v3);
  REQUIRE(ok.ok());
  CHECK(ok->activities.size() == 1);
  auto deep = parse_activity_set(set(kMaxDepth - 1), ApiVersion::v3);
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.error().code == Code::protocol);
  CHECK(deep.error().message.find("deeper than 64") != std::string::npos);
}

TEST_CASE("100,000-deep server JSON is a protocol error in every response parser", "[limits]") {
  const std::string activity = deep_activity(kHostile);
  for (auto version : {ApiVersion::v3, ApiVersion::v1_1}) {
    const std::string key = version == ApiVersion::v3 ? "activities" : "messages";
    auto set = parse_activity_set("{\"" + key + "\":[" + activity + "],\"watermark\":\"1\"}", version);
    REQUIRE_FALSE(set.ok());
    CHECK(set.error().code == Code::protocol);
    auto bare = parse_activity_set(nested_arrays(kHostile), version);
    REQUIRE_FALSE(bare.ok());
    CHECK(bare.error().code == Code::protocol);
  }
  const std::string deep_object = R"({"conversationId":"c","x":)" + nested_arrays(kHostile) + "}";
  auto conversation = parse_conversation(deep_object);
  REQUIRE_FALSE(conversation.ok());
  CHECK(conversation.error().code == Code::protocol);
  auto token = parse_json_string_token(R"({"token":"t","x":)" + nested_arrays(kHostile) + "}");
  REQUIRE_FALSE(token.ok());
  CHECK(token.error().code == Code::protocol);
  auto id = parse_resource_id(R"({"id":"c|1","x":)" + nested_arrays(kHostile) + "}");
  REQUIRE_FALSE(id.ok());
  CHECK(id.error().code == Code::protocol);
}

TEST_CASE("deep error bodies are ignored like any unreadable error body", "[limits]") {
  const std::string body = R"({"error":{"code":"BadArgument","message":"m","x":)" + nested_arrays(kHostile) + "}}";
  auto service = parse_error_body(body);
  CHECK(service.code.empty());
  CHECK(service.message.empty());
  Error e = error_for_response("get activities", 400, body, std::nullopt, 0);
  CHECK(e.code == Code::bad_request);
  CHECK(e.message == "get activities: HTTP 400");
}

TEST_CASE("deep caller JSON (activity, state) is invalid, not a crash", "[limits]") {
  auto activity = parse_outgoing_activity(deep_activity(kHostile));
  REQUIRE_FALSE(activity.ok());
  CHECK(activity.error().code == Code::invalid);
  CHECK(activity.error().message.find("activity_json") == 0);
  auto state = state_from_json(R"({"stateVersion":1,"conversationId":"c","endpoint":"http://127.0.0.1/v3/directline",)"
                               R"("apiVersion":"3.0","x":)" + nested_arrays(kHostile) + "}");
  REQUIRE_FALSE(state.ok());
  CHECK(state.error().code == Code::invalid);
  CHECK(state.error().message.find("state_json") == 0);
  auto direct = parse_untrusted_json(nested_arrays(kHostile), Code::invalid, "x");
  REQUIRE_FALSE(direct.ok());
  CHECK(direct.error().code == Code::invalid);
}

TEST_CASE("an activity list that is not an array is a protocol error", "[protocol]") {
  for (const char *body : {R"({"activities":{}})", R"({"activities":"x","watermark":"1"})",
                           R"({"activities":[1]})", R"({"activities":[[]]})"}) {
    auto set = parse_activity_set(body, ApiVersion::v3);
    INFO(body);
    REQUIRE_FALSE(set.ok());
    CHECK(set.error().code == Code::protocol);
  }
  auto v1 = parse_activity_set(R"({"messages":{}})", ApiVersion::v1_1);
  REQUIRE_FALSE(v1.ok());
  CHECK(v1.error().code == Code::protocol);
}

TEST_CASE("a NUL byte makes JSON invalid rather than ending it", "[protocol]") {
  const std::string body = std::string(R"({"activities":[],"watermark":"1"})") + '\0' + "{\"x\":[[[[";
  auto set = parse_activity_set(body, ApiVersion::v3);
  REQUIRE_FALSE(set.ok());
  CHECK(set.error().code == Code::protocol);
  CHECK_FALSE(directline::json_limits::parse_untrusted<Json>(std::string("1\0", 2)));
}

TEST_CASE("non-UTF-8 and lone surrogates are rejected, never thrown", "[protocol]") {
  auto bad_utf8 = parse_activity_set("{\"activities\":[{\"id\":\"\xff\"}]}", ApiVersion::v3);
  REQUIRE_FALSE(bad_utf8.ok());
  CHECK(bad_utf8.error().code == Code::protocol);
  auto surrogate = parse_activity_set(R"({"activities":[{"id":"\ud800"}]})", ApiVersion::v3);
  REQUIRE_FALSE(surrogate.ok());
  CHECK(surrogate.error().code == Code::protocol);
}

TEST_CASE("huge service error texts are cut before they reach messages and redaction", "[limits]") {
  std::string message;
  while (message.size() < (4u << 20)) message += "?t=a\xc3\xa9 ";  // 4 MiB of t= values, 2-byte UTF-8
  const std::string body = R"({"error":{"code":")" + std::string(1000, 'C') + R"(","message":")" + message + "\"}}";
  auto service = parse_error_body(body);
  CHECK(service.code.size() == kMaxServiceCode + 3);
  CHECK(service.message.size() <= kMaxServiceMessage + 3);
  CHECK(service.message.size() >= kMaxServiceMessage - 3);
  CHECK(service.message.substr(service.message.size() - 3) == "...");
  // Cut on a character boundary: the text before "..." is valid UTF-8.
  const std::string kept = service.message.substr(0, service.message.size() - 3);
  CHECK_FALSE(Json::parse("\"" + kept + "\"", nullptr, false).is_discarded());
  Error e = error_for_response("get activities", 400, body, std::nullopt, 0);
  CHECK(e.message.size() < 2000);
}
