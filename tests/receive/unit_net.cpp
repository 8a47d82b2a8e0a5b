// Unit tests (no sockets) of the network stack's pure parts: proxy selection
// (explicit, environment, no_proxy, loopback) and proxy credentials.
#include <catch2/catch.hpp>

#include "net/proxy.hpp"
#include "redact.hpp"

using namespace directline::core;
using namespace directline::core::net;

namespace {
std::shared_ptr<const ProxyRules> env(const std::string &https, const std::string &http, const std::string &no) {
  auto rules = ProxyRules::from_environment(https, http, no);
  REQUIRE(rules.ok());
  return *rules;
}
}  // namespace

TEST_CASE("an explicit proxy is used for every request, loopback included; \"\" means none") {
  auto rules = ProxyRules::make(std::string("http://127.0.0.1:3128"));
  REQUIRE(rules.ok());
  for (bool tls : {false, true})
    for (const char *host : {"127.0.0.1", "localhost", "directline.botframework.com"}) {
      const Proxy *p = (*rules)->proxy_for(tls, host);
      REQUIRE(p);
      CHECK(p->host == "127.0.0.1");
      CHECK(p->port == 3128);
      CHECK(p->authorization.empty());
    }
  auto none = ProxyRules::make(std::string());
  REQUIRE(none.ok());
  CHECK((*none)->proxy_for(true, "example.com") == nullptr);
}

TEST_CASE("environment proxies: https_proxy for https and wss, http_proxy for http and ws, never loopback") {
  auto rules = env("http://secure-proxy:8443", "plain-proxy:8080", "");
  const Proxy *secure = rules->proxy_for(true, "directline.botframework.com");
  REQUIRE(secure);
  CHECK(secure->host == "secure-proxy");
  CHECK(secure->port == 8443);
  const Proxy *plain = rules->proxy_for(false, "example.com");
  REQUIRE(plain);
  CHECK(plain->host == "plain-proxy");  // a bare host:port, as curl accepts
  CHECK(plain->display == "http://plain-proxy:8080");
  for (const char *loopback : {"127.0.0.1", "127.9.9.9", "localhost", "LOCALHOST", "::1"}) {
    CHECK(rules->proxy_for(true, loopback) == nullptr);
    CHECK(rules->proxy_for(false, loopback) == nullptr);
  }
  auto only_https = env("http://p:1", "", "");
  CHECK(only_https->proxy_for(false, "example.com") == nullptr);
}

TEST_CASE("no_proxy: exact hosts, domain suffixes with or without a dot, ports ignored, and *") {
  auto rules = env("http://p:1", "http://p:1", " example.com, .corp.local ,10.1.2.3:8080,[fd00::1]");
  CHECK(rules->proxy_for(true, "example.com") == nullptr);
  CHECK(rules->proxy_for(true, "api.Example.com") == nullptr);
  CHECK(rules->proxy_for(true, "notexample.com") != nullptr);
  CHECK(rules->proxy_for(true, "host.corp.local") == nullptr);
  CHECK(rules->proxy_for(true, "corp.local") == nullptr);
  CHECK(rules->proxy_for(false, "10.1.2.3") == nullptr);
  CHECK(rules->proxy_for(false, "fd00::1") == nullptr);
  CHECK(rules->proxy_for(true, "directline.botframework.com") != nullptr);
  auto all = env("http://p:1", "http://p:1", "*");
  CHECK(all->proxy_for(true, "directline.botframework.com") == nullptr);
}

TEST_CASE("proxy credentials become Proxy-Authorization Basic and are redacted everywhere") {
  auto proxy = parse_proxy("http://alice:s3cr%40t-pw@proxy.example:3128", "proxy");
  REQUIRE(proxy.ok());
  CHECK(proxy->user == "alice");
  CHECK(proxy->password == "s3cr@t-pw");
  CHECK(proxy->authorization == "Basic YWxpY2U6czNjckB0LXB3");  // base64("alice:s3cr@t-pw")
  CHECK(proxy->display == "http://proxy.example:3128");
  const std::string leaked = redact("proxy said: YWxpY2U6czNjckB0LXB3 and s3cr@t-pw");
  CHECK(leaked.find("s3cr@t-pw") == std::string::npos);
  CHECK(leaked.find("YWxpY2U6czNjckB0LXB3") == std::string::npos);
}

TEST_CASE("malformed proxies are invalid, naming where they came from") {
  for (const char *bad : {"socks5://x:1", "https://x:1", "http://x:1/path", "http://", "http://x:99999"}) {
    auto proxy = parse_proxy(bad, "proxy");
    INFO(bad);
    REQUIRE_FALSE(proxy.ok());
    CHECK(proxy.error().code == Code::invalid);
  }
  auto rules = ProxyRules::from_environment("socks5://x:1", "", "");
  REQUIRE_FALSE(rules.ok());
  CHECK(rules.error().message.find("https_proxy") != std::string::npos);
  CHECK(ProxyRules::make(std::string("ftp://x:1")).error().code == Code::invalid);
}
