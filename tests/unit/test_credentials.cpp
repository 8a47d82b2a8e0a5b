// Credentials: the secret-or-token rule, the token and stream URL histories
// behind borrowed C strings, and what a secret never does (refresh, export).
#include <catch2/catch.hpp>

#include <string>

#include "credentials.hpp"

using namespace directline::core;

namespace {
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

TEST_CASE("a secret authenticates, is never refreshed, and a token beside it is only shown",
          "[credentials]") {
  Credentials c(std::string("the-secret"), std::string("shown-token"), 1800, std::nullopt);
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
  Credentials c(std::nullopt, std::string("t1"), 1800, std::string("wss://h/stream?t=s1"));
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
