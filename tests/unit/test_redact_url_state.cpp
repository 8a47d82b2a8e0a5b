// Redaction, URL / loopback checks and the export state format.
#include <catch2/catch.hpp>

#include <chrono>

#include "protocol/state.hpp"
#include "protocol/url.hpp"
#include "redact.hpp"

using namespace directline::core;
using namespace directline::core::protocol;

TEST_CASE("redaction removes known secrets and tokens, longest first", "[redact]") {
  std::string out = redact_with("secret SENTINEL-SECRET-1 and token SENTINEL-SECRET-1.tok",
                                {"SENTINEL-SECRET-1", "SENTINEL-SECRET-1.tok"});
  CHECK(out.find("SENTINEL") == std::string::npos);
  CHECK(out == "secret [redacted] and token [redacted]");
}

TEST_CASE("short credentials are redacted as whole tokens only", "[redact]") {
  CHECK(redact_with("secret abc rejected", {"abc"}) == "secret [redacted] rejected");
  CHECK(redact_with("abc", {"abc"}) == "[redacted]");
  CHECK(redact_with("'abc'. (abc), \"abc\" abc.", {"abc"}) ==
        "'[redacted]'. ([redacted]), \"[redacted]\" [redacted].");
  CHECK(redact_with("key=x1; x1=1", {"x1"}) == "key=[redacted]; [redacted]=1");
  // Inside a longer word, token or URL parameter it is ordinary text.
  CHECK(redact_with("fabric abcd xabc abc-1 a/abc abc%20 abc_ ~abc +abc", {"abc"}) ==
        "fabric abcd xabc abc-1 a/abc abc%20 abc_ ~abc +abc");
  // Long credentials still go wherever they are.
  CHECK(redact_with("xxSENTINEL6yy", {"SENTINEL6"}) == "xx[redacted]yy");
}

TEST_CASE("redaction removes Authorization, Bearer, BotConnector and t= values", "[redact]") {
  CHECK(redact_with("Authorization: Bearer abc.def\r\nHost: x", {}) ==
        "Authorization: [redacted]\r\nHost: x");
  CHECK(redact_with("sent bearer xyz123 to host", {}) == "sent bearer [redacted] to host");
  CHECK(redact_with("BotConnector s3cr3t,", {}) == "BotConnector [redacted],");
  CHECK(redact_with("ws://h/stream?t=abc.def&watermark=3", {}) ==
        "ws://h/stream?t=[redacted]&watermark=3");
  CHECK(redact_with("ws://h/stream?watermark=-&t=abc", {}) == "ws://h/stream?watermark=-&t=[redacted]");
  CHECK(redact_with(R"({"token":"abc","secret" : "def","x":"t=1"})", {}) ==
        R"({"token":"[redacted]","secret" : "[redacted]","x":"t=1"})");
  CHECK(redact_with("nothing to hide", {}) == "nothing to hide");
}

TEST_CASE("redaction takes linear time, however many values it blanks", "[redact]") {
  std::string text;
  while (text.size() < (1u << 20)) text += "?t=a Bearer b k3y \"token\":\"c\" SENTINEL-77 ";
  const auto started = std::chrono::steady_clock::now();
  const std::string out = redact_with(text, {"k3y", "SENTINEL-77"});
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));  // minutes when quadratic
  CHECK(out.find("k3y") == std::string::npos);
  CHECK(out.find("SENTINEL") == std::string::npos);
  CHECK(out.find("?t=a") == std::string::npos);
}

TEST_CASE("remembered credentials are redacted process-wide", "[redact]") {
  remember_sensitive("SENTINEL-SECRET-remembered-42");
  CHECK(redact("error for SENTINEL-SECRET-remembered-42!") == "error for [redacted]!");
  remember_sensitive("k3Y");
  CHECK(redact("unknown secret k3Y.") == "unknown secret [redacted].");
  CHECK(redact("k3YZ stays") == "k3YZ stays");
}

TEST_CASE("a stream URL's t= value is redacted on its own, raw and decoded", "[redact]") {
  remember_sensitive("wss://h/v3/directline/conversations/c/stream?watermark=-&t=STREAM.tok%2Bxy%3D&x=1");
  CHECK(redact("stream token STREAM.tok%2Bxy%3D is not valid") == "stream token [redacted] is not valid");
  CHECK(redact(R"({"message":"bad t STREAM.tok+xy="})") == R"({"message":"bad t [redacted]"})");
  remember_sensitive("ws://127.0.0.1:1/stream?t=s1");  // short: whole tokens only
  CHECK(redact("t s1, not s12") == "t [redacted], not s12");
}

TEST_CASE("URLs parse into scheme, host, port, path", "[url]") {
  auto u = parse_url("https://Directline.botframework.com/v3/directline/");
  REQUIRE(u);
  CHECK(u->scheme == "https");
  CHECK(u->host == "Directline.botframework.com");
  CHECK(u->port == 443);
  CHECK(u->path == "/v3/directline");
  auto v6 = parse_url("http://[::1]:8080/api");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->port == 8080);
  CHECK_FALSE(parse_url("ftp://x/"));
  CHECK_FALSE(parse_url("http://"));
  CHECK_FALSE(parse_url("http://h:99999/"));
  CHECK_FALSE(parse_url("http://user@h/"));
  CHECK_FALSE(parse_url("127.0.0.1:80"));
}

TEST_CASE("hosts are host names or addresses; URLs hold no spaces or control characters", "[url]") {
  CHECK(parse_url("https://my-bot_1.example.com.:8443/x")->host == "my-bot_1.example.com.");
  CHECK(parse_url("http://[fe80::1%25eth0]:80/")->host == "fe80::1%25eth0");
  // Found by fuzzing: a "host" with quotes, brackets or a colon was accepted.
  CHECK_FALSE(parse_url("http://1]27.ctline\":\"`ttameps://0m/"));
  CHECK_FALSE(parse_url("http://a\"b/"));
  CHECK_FALSE(parse_url("http://a:b:80/"));
  CHECK_FALSE(parse_url("http://[]/"));
  CHECK_FALSE(parse_url("http://[1.2.3.4]/"));
  CHECK_FALSE(parse_url("http://[::1]x/"));
  CHECK_FALSE(parse_url("http://h/a b"));
  CHECK_FALSE(parse_url("http://h/a\r\nX-Injected: 1"));
  CHECK_FALSE(parse_url("http://h\t/"));
  CHECK(validate_endpoint("http://h/v3 directline", true).error().code == Code::invalid);
}

TEST_CASE("loopback hosts: 127/8, ::1, localhost", "[url]") {
  CHECK(is_loopback_host("127.0.0.1"));
  CHECK(is_loopback_host("127.1.2.3"));
  CHECK(is_loopback_host("LOCALHOST"));
  CHECK(is_loopback_host("::1"));
  CHECK_FALSE(is_loopback_host("127.0.0.1.evil.com"));
  CHECK_FALSE(is_loopback_host("10.0.0.1"));
  CHECK_FALSE(is_loopback_host("localhost.example"));
}

TEST_CASE("endpoints: https anywhere, http only to loopback unless allowed", "[url]") {
  CHECK(*validate_endpoint("http://127.0.0.1:5000/v3/directline/", false) ==
        "http://127.0.0.1:5000/v3/directline");
  CHECK(validate_endpoint("https://directline.botframework.com/v3/directline", false).ok());
  CHECK(validate_endpoint("http://example.com/v3/directline", false).error().code == Code::insecure);
  CHECK(validate_endpoint("http://example.com/v3/directline", true).ok());
  CHECK(validate_endpoint("ws://127.0.0.1/", false).error().code == Code::invalid);
  CHECK(validate_endpoint("not a url", false).error().code == Code::invalid);
  CHECK(validate_endpoint("https://h/x?y=1", false).error().code == Code::invalid);
}

TEST_CASE("percent-encoding keeps only unreserved characters", "[url]") {
  CHECK(percent_encode("aZ0-_.~") == "aZ0-_.~");
  CHECK(percent_encode("a b/c|d&=?") == "a%20b%2Fc%7Cd%26%3D%3F");
  CHECK(percent_encode("\xc3\xa9") == "%C3%A9");
}

TEST_CASE("export state round-trips and never needs a secret", "[state]") {
  ConversationState s;
  s.conversation_id = "c1";
  s.token = "tok";
  s.watermark = "12";
  s.endpoint = "http://127.0.0.1:1/v3/directline";
  s.api_version = ApiVersion::v3;
  s.expires_in = 1800;
  std::string json = state_to_json(s);
  CHECK(json.find("\"apiVersion\":\"3.0\"") != std::string::npos);
  auto back = state_from_json(json);
  REQUIRE(back.ok());
  CHECK(back->conversation_id == "c1");
  CHECK(back->token == std::optional<std::string>("tok"));
  CHECK(back->watermark == std::optional<std::string>("12"));
  CHECK(back->endpoint == s.endpoint);
  CHECK(back->api_version == ApiVersion::v3);
  CHECK(back->expires_in == 1800);

  s.watermark.reset();
  s.api_version = ApiVersion::v1_1;
  auto v1 = state_from_json(state_to_json(s));
  REQUIRE(v1.ok());
  CHECK_FALSE(v1->watermark);
  CHECK(v1->api_version == ApiVersion::v1_1);
}

TEST_CASE("bad export states are invalid, not crashes", "[state]") {
  for (const char *bad : {"", "[]", "{}", R"({"conversationId":"c"})",
                          R"({"conversationId":"c","endpoint":"e","apiVersion":"2.0"})",
                          R"({"conversationId":"c","endpoint":"e","apiVersion":"3.0","stateVersion":99})",
                          R"({"conversationId":5,"endpoint":"e","apiVersion":"3.0"})",
                          R"({"conversationId":"c","endpoint":"e","apiVersion":"3.0","deliveredIds":"x"})",
                          R"({"conversationId":"c","endpoint":"e","apiVersion":"3.0","deliveredIds":[1]})",
                          R"({"conversationId":"c","endpoint":"e","apiVersion":"3.0","deliveredIds":[""]})"}) {
    INFO(bad);
    auto r = state_from_json(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Code::invalid);
  }
}

TEST_CASE("export state carries the ids delivered inside a partly taken page", "[state]") {
  ConversationState s;
  s.conversation_id = "c1";
  s.token = "tok";
  s.watermark = "3";
  s.endpoint = "http://127.0.0.1:1/v3/directline";
  // Nothing delivered past the watermark: the key is left out (older readers).
  CHECK(state_to_json(s).find("deliveredIds") == std::string::npos);

  s.delivered_ids = {"c1|0000004", "c1|0000005"};
  std::string json = state_to_json(s);
  CHECK(json.find(R"("deliveredIds":["c1|0000004","c1|0000005"])") != std::string::npos);
  auto back = state_from_json(json);
  REQUIRE(back.ok());
  CHECK(back->delivered_ids == s.delivered_ids);
  CHECK(back->watermark == std::optional<std::string>("3"));

  // A state written before deliveredIds existed still resumes, with no skips.
  auto old = state_from_json(
      R"({"stateVersion":1,"conversationId":"c1","token":"tok","watermark":"3",)"
      R"("endpoint":"http://127.0.0.1:1/v3/directline","apiVersion":"3.0","expiresIn":1800})");
  REQUIRE(old.ok());
  CHECK(old->delivered_ids.empty());
  auto null_ids = state_from_json(
      R"({"conversationId":"c1","endpoint":"e","apiVersion":"3.0","deliveredIds":null})");
  REQUIRE(null_ids.ok());
  CHECK(null_ids->delivered_ids.empty());
}
