// Status mapping, error bodies, Retry-After, and the retry schedule.
#include <catch2/catch.hpp>

#include <vector>

#include "protocol/status.hpp"
#include "retry.hpp"

using namespace directline::core;
using namespace directline::core::protocol;
using std::chrono::milliseconds;

TEST_CASE("HTTP status and service code map to the documented result codes", "[status]") {
  CHECK(code_for_status(400, "MissingProperty") == Code::bad_request);
  CHECK(code_for_status(413, "") == Code::bad_request);
  CHECK(code_for_status(401, "BadArgument") == Code::unauthorized);
  CHECK(code_for_status(403, "BadArgument") == Code::forbidden);
  CHECK(code_for_status(403, "TokenExpired") == Code::token_expired);
  CHECK(code_for_status(404, "BadArgument") == Code::not_found);
  CHECK(code_for_status(409, "") == Code::conflict);
  CHECK(code_for_status(429, "InjectedFault") == Code::throttled);
  CHECK(code_for_status(500, "ServiceError") == Code::server);
  CHECK(code_for_status(502, "BotRejectedActivity") == Code::bot);
  CHECK(code_for_status(504, "BotError") == Code::bot);
  CHECK(code_for_status(503, "") == Code::server);
  CHECK(code_for_status(418, "") == Code::server);  // unexpected status
}

TEST_CASE("63 error bodies of 3.0 and 1.1 give code and message; junk gives nothing",
          "[status]") {
  auto v3 = parse_error_body(R"({"error":{"code":"TokenExpired","message":"expired"},"httpStatusCode":403})");
  CHECK(v3.code == "TokenExpired");
  CHECK(v3.message == "expired");
  auto v1 = parse_error_body(R"({"error":{"code":"NotFound","message":"gone","statusCode":404}})");
  CHECK(v1.code == "NotFound");
  CHECK(parse_error_body("<html>502</html>").code.empty());
  CHECK(parse_error_body(R"({"error":"text"})").code.empty());
  CHECK(parse_error_body("").message.empty());
}

TEST_CASE("64 Retry-After: delta seconds, HTTP dates, garbage", "[status][retry]") {
  CHECK(parse_retry_after("2", 0) == std::optional<int>(2));
  CHECK(parse_retry_after(" 0 ", 0) == std::optional<int>(0));
  CHECK(parse_retry_after("99999999999", 0) == std::optional<int>(86400));
  CHECK_FALSE(parse_retry_after("-1", 0));
  CHECK_FALSE(parse_retry_after("soon", 0));
  CHECK_FALSE(parse_retry_after("", 0));
  // Sun, 06 Nov 1994 08:49:37 GMT = 784111777
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 - 30) == std::optional<int>(30));
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 + 30) == std::optional<int>(0));
}

TEST_CASE("error_for_response builds code, status, service code and Retry-After", "[status]") {
  auto e = error_for_response("post activity", 429, R"({"error":{"code":"InjectedFault","message":"slow down"}})",
                              std::string("3"), 0);
  CHECK(e.code == Code::throttled);
  CHECK(e.http_status == 429);
  CHECK(e.service_code == "InjectedFault");
  CHECK(e.retry_after_s == 3);
  CHECK(e.message == "post activity: HTTP 429 InjectedFault: slow down");
  auto plain = error_for_response("get activities", 500, "oops", std::nullopt, 0);
  CHECK(plain.retry_after_s == -1);
  CHECK(plain.service_code.empty());
  CHECK(plain.message == "get activities: HTTP 500");
}

TEST_CASE("retryable errors: network, timeout, 429, 5xx; never 4xx or protocol", "[retry]") {
  CHECK(is_retryable(Error::make(Code::network, "")));
  CHECK(is_retryable(Error::make(Code::timeout, "")));
  CHECK(is_retryable(Error::make(Code::throttled, "")));
  CHECK(is_retryable(Error::make(Code::server, "")));
  CHECK(is_retryable(Error::make(Code::bot, "")));
  for (Code c : {Code::invalid, Code::unauthorized, Code::forbidden, Code::token_expired,
                 Code::not_found, Code::bad_request, Code::protocol, Code::tls, Code::insecure})
    CHECK_FALSE(is_retryable(Error::make(c, "")));
}

TEST_CASE("backoff: exponential ceiling with full jitter, capped, Retry-After a floor", "[retry]") {
  RetryPolicy p;
  p.base_delay_ms = 100;
  p.max_delay_ms = 1000;
  CHECK(backoff_delay(p, 1, -1, 0.0) == milliseconds(0));
  CHECK(backoff_delay(p, 1, -1, 0.999) == milliseconds(99));
  CHECK(backoff_delay(p, 2, -1, 0.5) == milliseconds(100));
  CHECK(backoff_delay(p, 3, -1, 1.0) == milliseconds(400));
  CHECK(backoff_delay(p, 10, -1, 1.0) == milliseconds(1000));  // capped
  CHECK(backoff_delay(p, 1, 2, 0.1) == milliseconds(2000));    // never less than Retry-After
  CHECK(backoff_delay(p, 1, 0, 0.5) == milliseconds(50));
}

namespace {

struct Script {
  std::vector<Outcome<int>> results;
  std::size_t calls = 0;
  std::vector<milliseconds> sleeps;
  std::chrono::steady_clock::time_point clock{};

  std::function<Outcome<int>()> attempt() {
    return [this]() -> Outcome<int> { return results[std::min(calls++, results.size() - 1)]; };
  }
  std::function<bool(milliseconds)> sleeper() {
    return [this](milliseconds d) {
      sleeps.push_back(d);
      clock += d;
      return true;
    };
  }
  std::function<std::chrono::steady_clock::time_point()> now() {
    return [this] { return clock; };
  }
};

Error http_error(Code c, int status, int retry_after = -1) {
  Error e = Error::make(c, "x", status);
  e.retry_after_s = retry_after;
  return e;
}

}  // namespace

TEST_CASE("with_retry retries until success within max attempts", "[retry]") {
  Script s;
  s.results = {http_error(Code::server, 500), http_error(Code::server, 500), 7};
  RetryPolicy p;
  p.max_attempts = 4;
  p.base_delay_ms = 100;
  auto r = with_retry<int>(p, s.attempt(), s.sleeper(), [] { return 1.0; }, s.now());
  REQUIRE(r.ok());
  CHECK(*r == 7);
  CHECK(s.calls == 3);
  CHECK(s.sleeps == std::vector<milliseconds>{milliseconds(100), milliseconds(200)});
}

TEST_CASE("with_retry gives up after max attempts with the last error", "[retry]") {
  Script s;
  s.results = {http_error(Code::network, 0)};
  RetryPolicy p;
  p.max_attempts = 3;
  auto r = with_retry<int>(p, s.attempt(), s.sleeper(), [] { return 0.0; }, s.now());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Code::network);
  CHECK(s.calls == 3);
  Script once;
  once.results = {http_error(Code::network, 0)};
  p.max_attempts = 1;
  with_retry<int>(p, once.attempt(), once.sleeper(), [] { return 0.0; }, once.now());
  CHECK(once.calls == 1);
}

TEST_CASE("with_retry does not retry non-retryable errors", "[retry]") {
  Script s;
  s.results = {http_error(Code::forbidden, 403), 1};
  auto r = with_retry<int>(RetryPolicy{}, s.attempt(), s.sleeper(), [] { return 0.0; }, s.now());
  CHECK(r.error().code == Code::forbidden);
  CHECK(s.calls == 1);
  CHECK(s.sleeps.empty());
}

TEST_CASE("with_retry waits at least Retry-After and stops at the deadline", "[retry]") {
  Script s;
  s.results = {http_error(Code::throttled, 429, 2), 5};
  RetryPolicy p;
  p.deadline_ms = 10000;
  auto r = with_retry<int>(p, s.attempt(), s.sleeper(), [] { return 0.0; }, s.now());
  REQUIRE(r.ok());
  CHECK(s.sleeps == std::vector<milliseconds>{milliseconds(2000)});

  Script late;
  late.results = {http_error(Code::throttled, 429, 5), 5};
  p.deadline_ms = 3000;  // waiting 5 s would pass the deadline: return the 429 now
  auto r2 = with_retry<int>(p, late.attempt(), late.sleeper(), [] { return 0.0; }, late.now());
  REQUIRE_FALSE(r2.ok());
  CHECK(r2.error().code == Code::throttled);
  CHECK(r2.error().retry_after_s == 5);
  CHECK(late.sleeps.empty());
}
