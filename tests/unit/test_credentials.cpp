// Credentials: the secret-or-token rule, the token and stream URL histories
// behind borrowed C strings, what a secret never does (refresh, export), and
// the refresh schedule against a scripted service (no sockets).
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "credentials.hpp"
#include "redact.hpp"

using namespace directline::core;
using namespace std::chrono;

namespace {

// A token service: each refresh takes the answer `answer(n)` (n from 0) and is
// timed. Shared with the callbacks, which may still run on a worker thread
// when a test ends.
struct ScriptedRefresh : std::enable_shared_from_this<ScriptedRefresh> {
  std::function<Outcome<protocol::IssuedToken>(int)> answer = [](int n) {
    return protocol::IssuedToken{"refreshed-" + std::to_string(n), std::nullopt, 2};
  };
  std::mutex mu;
  std::condition_variable changed;
  std::vector<steady_clock::time_point> times;
  std::optional<Error> lapsed;

  Credentials::RefreshCall call() {
    return [self = shared_from_this()](const std::string &) {
      int n;
      {
        std::lock_guard<std::mutex> lock(self->mu);
        n = static_cast<int>(self->times.size());
        self->times.push_back(steady_clock::now());
      }
      self->changed.notify_all();
      return self->answer(n);
    };
  }
  Credentials::OnLapsed on_lapsed() {
    return [self = shared_from_this()](const Error &e) {
      {
        std::lock_guard<std::mutex> lock(self->mu);
        self->lapsed = e;
      }
      self->changed.notify_all();
    };
  }
  std::size_t count() {
    std::lock_guard<std::mutex> lock(mu);
    return times.size();
  }
  std::optional<Error> wait_lapsed(milliseconds limit) {
    std::unique_lock<std::mutex> lock(mu);
    changed.wait_for(lock, limit, [&] { return lapsed.has_value(); });
    return lapsed;
  }
};

std::shared_ptr<Credentials> token_credentials(int expires_in, Credentials::RefreshCall refresh = nullptr) {
  return std::make_shared<Credentials>(std::nullopt, std::string("t0"), expires_in, std::nullopt, std::move(refresh));
}

Error failure(Code code, int status) { return Error::make(code, "scripted", status); }

// {"alg":"RS256","kid":"k","typ":"JWT"} and {"bot":"b"} in base64url, as the service's tokens are shaped.
const std::string kJwsHeader = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsiLCJ0eXAiOiJKV1QifQ";
const std::string kJwsPayload = "eyJib3QiOiJiIn0";
const std::string kJws = kJwsHeader + "." + kJwsPayload + ".c2lnbmF0dXJl";
}  // namespace

TEST_CASE("a credential shaped like the service's tokens (JWS) counts as a token", "[credentials]") {
  CHECK(looks_like_token(kJws));
  CHECK(is_token_credential(kJws));
  // Secrets and other shapes do not.
  CHECK_FALSE(looks_like_token("AbCdEfGhIjK.LmNoPqRsTuVwXyZ0123456789abcdefghij"));  // one dot
  CHECK_FALSE(looks_like_token(kJws + ".x"));                                        // four parts
  CHECK_FALSE(looks_like_token(kJwsHeader + ".." + "c2ln"));                          // empty part
  CHECK_FALSE(looks_like_token("e30." + kJwsPayload + ".c2ln"));                      // {} : no alg
  CHECK_FALSE(looks_like_token("bm90IGpzb24." + kJwsPayload + ".c2ln"));              // not JSON
  CHECK_FALSE(looks_like_token(kJwsHeader + "+/." + kJwsPayload + ".c2ln"));          // not base64url
  CHECK_FALSE(looks_like_token(""));
  CHECK_FALSE(is_token_credential("plain-secret-value"));
  remember_issued_token("issued-here-1");
  CHECK(is_token_credential("issued-here-1"));
}

TEST_CASE("a value first seen as a credential counts as a token once the service issues it",
          "[credentials]") {
  const std::string value = "seen-first-as-a-credential-7f3a";
  remember_sensitive(value);
  CHECK_FALSE(is_issued_token(value));
  remember_issued_token(value);
  CHECK(is_issued_token(value));
  remember_sensitive(value);  // seen again: still a token the service issued
  CHECK(is_issued_token(value));
  CHECK(redact("x " + value + " y") == std::string("x ") + kRedacted + " y");
}

TEST_CASE("a secret authenticates, is never refreshed, and a token beside it is only shown",
          "[credentials]") {
  Credentials c(std::string("the-secret"), std::string("shown-token"), 1800, std::nullopt, nullptr);
  CHECK(c.auth() == "the-secret");
  CHECK_FALSE(c.holds_token());
  CHECK_FALSE(c.refreshable_token());
  CHECK(c.refresh_lifetime_s() == 0);
  CHECK(c.expires_in() == 1800);
  CHECK(c.token() == std::optional<std::string>("shown-token"));
  c.issued("reconnect-token", 900);  // shown, the secret still authenticates
  CHECK(c.auth() == "the-secret");
  CHECK(std::string(c.token_cstr()) == "reconnect-token");
  CHECK(c.expires_in() == 1800);
  c.use_token("callers-token");  // dl_conversation_set_token: the token takes over
  CHECK(c.auth() == "callers-token");
  CHECK(c.refreshable_token() == std::optional<std::string>("callers-token"));
}

TEST_CASE("a token is replaced by its refresh; every borrowed string stays valid", "[credentials]") {
  Credentials c(std::nullopt, std::string("t1"), 1800, std::string("wss://h/stream?t=s1"), nullptr);
  const char *first = c.token_cstr();
  const char *first_url = c.stream_url_cstr();
  CHECK(c.holds_token());
  CHECK(c.refresh_lifetime_s() == 1800);
  c.issued("t2", 3600);
  CHECK(c.auth() == "t2");
  CHECK(c.expires_in() == 3600);
  CHECK(std::string(first) == "t1");  // the old pointer still reads the old token
  c.set_stream_url(std::string("wss://h/stream?t=s2"));
  CHECK(std::string(first_url) == "wss://h/stream?t=s1");
  CHECK(std::string(c.stream_url_cstr()) == "wss://h/stream?t=s2");
  c.set_stream_url(std::nullopt);  // a reconnect without a stream
  CHECK(c.stream_url_cstr() == nullptr);
  CHECK_FALSE(c.stream_url());
  CHECK(std::string(first_url) == "wss://h/stream?t=s1");
}

TEST_CASE("a token is refreshed at half of each lifetime; a secret and a token of unknown lifetime never are",
          "[credentials][refresh]") {
  SECTION("token") {
    auto service = std::make_shared<ScriptedRefresh>();  // each refresh issues a token that lives 2 s
    const auto created = steady_clock::now();
    auto c = token_credentials(2, service->call());
    c->keep_fresh(service->on_lapsed(), 10);
    std::this_thread::sleep_for(milliseconds(2400));
    c->stop();
    std::lock_guard<std::mutex> lock(service->mu);
    REQUIRE(service->times.size() >= 2);
    CHECK(service->times[0] - created >= milliseconds(950));
    CHECK(service->times[0] - created < milliseconds(1500));
    CHECK(service->times[1] - service->times[0] >= milliseconds(950));  // the new token's half-life
    CHECK(c->auth().rfind("refreshed-", 0) == 0);
    CHECK_FALSE(service->lapsed);
  }
  SECTION("secret") {
    auto service = std::make_shared<ScriptedRefresh>();
    auto c = std::make_shared<Credentials>(std::string("the-secret"), std::string("shown"), 2, std::nullopt,
                                           service->call());
    c->keep_fresh(service->on_lapsed(), 10);
    std::this_thread::sleep_for(milliseconds(1300));
    CHECK(service->count() == 0);
    CHECK(c->refresh().error().code == Code::invalid);  // and not by hand either
    CHECK(service->count() == 0);
  }
  SECTION("unknown lifetime") {
    auto service = std::make_shared<ScriptedRefresh>();
    auto c = token_credentials(0, service->call());
    c->keep_fresh(service->on_lapsed(), 10);
    std::this_thread::sleep_for(milliseconds(300));
    CHECK(service->count() == 0);
  }
}

TEST_CASE("a refresh failing until the token expires is retried, then lapses as token_expired",
          "[credentials][refresh]") {
  auto service = std::make_shared<ScriptedRefresh>();
  service->answer = [](int) -> Outcome<protocol::IssuedToken> { return failure(Code::server, 500); };
  auto c = token_credentials(1, service->call());
  c->keep_fresh(service->on_lapsed(), 50);
  auto lapsed = service->wait_lapsed(milliseconds(5000));
  REQUIRE(lapsed);
  CHECK(lapsed->code == Code::token_expired);
  CHECK(service->count() >= 2);  // retried before giving up
  const auto refreshes = service->count();
  std::this_thread::sleep_for(milliseconds(300));
  CHECK(service->count() == refreshes);  // and then no more
}

TEST_CASE("a refresh the service refuses lapses at once", "[credentials][refresh]") {
  auto [code, status, expected] = GENERATE(std::make_tuple(Code::forbidden, 403, Code::token_expired),
                                           std::make_tuple(Code::unauthorized, 401, Code::token_expired),
                                           std::make_tuple(Code::not_found, 404, Code::not_found));
  auto service = std::make_shared<ScriptedRefresh>();
  service->answer = [code = code, status = status](int) -> Outcome<protocol::IssuedToken> {
    return failure(code, status);
  };
  auto c = token_credentials(1, service->call());
  c->keep_fresh(service->on_lapsed(), 10);
  auto lapsed = service->wait_lapsed(milliseconds(3000));
  REQUIRE(lapsed);
  CHECK(lapsed->code == expected);
  CHECK(service->count() == 1);
}

TEST_CASE("a refresh by hand restarts the schedule from the new lifetime", "[credentials][refresh]") {
  auto service = std::make_shared<ScriptedRefresh>();
  service->answer = [](int n) { return protocol::IssuedToken{"r" + std::to_string(n), std::nullopt, n == 0 ? 4 : 2}; };
  auto c = token_credentials(2, service->call());
  c->keep_fresh(service->on_lapsed(), 10);
  std::this_thread::sleep_for(milliseconds(500));
  REQUIRE(c->refresh().ok());  // the new token lives 4 s: next refresh ~2 s from now, not at 1 s
  CHECK(c->auth() == "r0");
  std::this_thread::sleep_for(milliseconds(1200));
  CHECK(service->count() == 1);
  std::this_thread::sleep_for(milliseconds(1300));
  CHECK(service->count() == 2);
  c->stop();
}

TEST_CASE("stopping, or dropping the credentials, cancels a pending refresh", "[credentials][refresh]") {
  auto service = std::make_shared<ScriptedRefresh>();
  auto stopped = token_credentials(1, service->call());
  stopped->keep_fresh(service->on_lapsed(), 10);
  auto dropped = token_credentials(1, service->call());
  dropped->keep_fresh(service->on_lapsed(), 10);
  stopped->stop();
  stopped->stop();  // idempotent
  dropped.reset();
  std::this_thread::sleep_for(milliseconds(800));
  CHECK(service->count() == 0);
  CHECK_FALSE(service->lapsed);
}
