// Proxies, against a real tinyproxy: the explicit option (absolute-form for
// http, CONNECT for https and the stream, Basic credentials), and the
// environment (never for loopback, no_proxy, "" turning it off).
#include <ifaddrs.h>

#include "integration_support.hpp"
#include "net_support.hpp"
#include "tls_files.hpp"

using namespace itest;
using nettest::Tinyproxy;

namespace {

struct Settings {
  std::string endpoint;
  const char *proxy = nullptr;  // NULL: the environment
  std::string ca_file;
  bool allow_insecure = false;
};

ClientPtr client_with(const Settings &s) {
  dl_client_options o;
  dl_client_options_init(&o);
  o.endpoint = s.endpoint.c_str();
  o.proxy = s.proxy;
  o.ca_file = s.ca_file.empty() ? nullptr : s.ca_file.c_str();
  o.allow_insecure_http = s.allow_insecure ? 1 : 0;
  o.retry_max_attempts = 1;
  o.request_timeout_ms = 5000;
  dl_client *raw = nullptr;
  const int rc = dl_client_new(&o, &raw);
  INFO(last_message());
  REQUIRE(rc == DL_OK);
  return ClientPtr(raw);
}

// Start, send, and receive the echo over the stream.
void round_trip(dl_client *client) {
  auto conv = start(client);
  post_text(conv.get(), "via proxy");
  bool echoed = false;
  for (int i = 0; i < 4 && !echoed; ++i) {
    auto a = next_of_type(conv.get(), "message");
    REQUIRE(a);
    echoed = std::string(dl_activity_text(a.get())) == "echo: via proxy";
  }
  CHECK(echoed);
}

bool any_starts_with(const std::vector<std::string> &lines, const std::string &prefix) {
  for (const auto &l : lines)
    if (l.rfind(prefix, 0) == 0) return true;
  return false;
}

// Sets proxy variables for the clients made in its scope (read at dl_client_new).
class Environment {
 public:
  Environment(std::initializer_list<std::pair<const char *, std::string>> vars) {
    for (const char *name : {"http_proxy", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY"}) unsetenv(name);
    for (const auto &v : vars) setenv(v.first, v.second.c_str(), 1);
  }
  ~Environment() {
    for (const char *name : {"http_proxy", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY"}) unsetenv(name);
  }
};

std::string non_loopback_ipv4() {
  ifaddrs *list = nullptr;
  if (getifaddrs(&list) != 0) return "";
  std::string found;
  for (ifaddrs *i = list; i && found.empty(); i = i->ifa_next) {
    if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET) continue;
    char text[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in *>(i->ifa_addr)->sin_addr, text, sizeof text);
    if (std::string(text).rfind("127.", 0) != 0) found = text;
  }
  freeifaddrs(list);
  return found;
}

}  // namespace

TEST_CASE("explicit proxy: plain http in absolute form, the stream through CONNECT, loopback included",
          "[integration][proxy]") {
  Tinyproxy proxy;
  Emulator emu;
  const std::string url = proxy.url();
  auto client = client_with({emu.v3(), url.c_str()});
  round_trip(client.get());
  const auto requests = proxy.requests();
  INFO(proxy.log());
  CHECK(any_starts_with(requests, "POST " + emu.v3() + "/conversations HTTP/1.1"));
  CHECK(any_starts_with(requests, "POST " + emu.v3() + "/conversations/"));
  CHECK(any_starts_with(requests, "CONNECT 127.0.0.1:" + std::to_string(emu.port())));
}

TEST_CASE("explicit proxy: https and wss through CONNECT", "[integration][proxy][tls]") {
  dltest::TlsFiles certs;
  Tinyproxy proxy;
  Emulator emu({"--tls-cert", certs.cert("good"), "--tls-key", certs.key()});
  const std::string url = proxy.url();
  auto client = client_with({emu.v3(), url.c_str(), certs.ca()});
  round_trip(client.get());
  const auto requests = proxy.requests();
  INFO(proxy.log());
  CHECK(requests.size() >= 2);  // REST (one keep-alive tunnel or more) and the stream
  for (const auto &r : requests) CHECK(r.rfind("CONNECT 127.0.0.1:" + std::to_string(emu.port()), 0) == 0);
}

TEST_CASE("proxy credentials: Basic authentication, and a wrong password never shows", "[integration][proxy]") {
  Tinyproxy proxy("alice s3cret-pw");
  Emulator emu;
  const std::string good = proxy.url("alice:s3cret-pw");
  auto client = client_with({emu.v3(), good.c_str()});
  round_trip(client.get());  // absolute-form REST and a CONNECT for the stream, both authenticated

  const std::string anonymous = proxy.url();
  auto unauthenticated = client_with({emu.v3(), anonymous.c_str()});
  dl_conversation *c = nullptr;
  CHECK(dl_start_conversation(unauthenticated.get(), dltest::kSecret, &c) == DL_ENETWORK);
  CHECK(last_message().find("407") != std::string::npos);

  // Over https the credentials go in the CONNECT; tinyproxy refuses wrong ones.
  dltest::TlsFiles certs;
  Emulator tls({"--tls-cert", certs.cert("good"), "--tls-key", certs.key()});
  auto capture = std::make_unique<LogCapture>(DL_LOG_DEBUG);
  const std::string bad = proxy.url("alice:WRONG-pw-1234");
  auto refused = client_with({tls.v3(), bad.c_str(), certs.ca()});
  CHECK(dl_start_conversation(refused.get(), dltest::kSecret, &c) == DL_ENETWORK);
  const std::string message = last_message();
  auto lines = capture->taken();
  capture.reset();
  INFO(message);
  CHECK(message.find("proxy") != std::string::npos);
  lines.emplace_back(DL_LOG_ERROR, message);
  for (const auto &line : lines) {
    CHECK(line.second.find("WRONG-pw-1234") == std::string::npos);
    CHECK(line.second.find("YWxpY2U6V1JPTkctcHctMTIzNA") == std::string::npos);  // base64 of the credentials
  }
}

TEST_CASE("environment proxies are never used for loopback; \"\" turns proxies off", "[integration][proxy]") {
  Tinyproxy proxy;
  Emulator emu;
  {
    Environment env({{"http_proxy", proxy.url()}, {"https_proxy", proxy.url()}});
    auto client = client_with({emu.v3(), nullptr});
    round_trip(client.get());
  }
  CHECK(proxy.requests().empty());
}

TEST_CASE("environment proxies for other hosts: http_proxy, no_proxy, and \"\"", "[integration][proxy]") {
  const std::string ip = non_loopback_ipv4();
  if (ip.empty()) {
    WARN("no non-loopback IPv4 address on this machine: environment proxy for other hosts not exercised");
    return;
  }
  Tinyproxy proxy;
  Emulator emu({"--host", "0.0.0.0"});
  const std::string endpoint = "http://" + ip + ":" + std::to_string(emu.port()) + "/v3/directline";
  {
    Environment env({{"http_proxy", proxy.url()}});
    auto client = client_with({endpoint, nullptr, "", true});
    round_trip(client.get());
  }
  const auto through = proxy.requests();
  INFO(proxy.log());
  CHECK(any_starts_with(through, "POST " + endpoint + "/conversations HTTP/1.1"));
  CHECK(any_starts_with(through, "CONNECT " + ip + ":" + std::to_string(emu.port())));
  {
    Environment env({{"http_proxy", proxy.url()}, {"no_proxy", "example.com, " + ip}});
    auto client = client_with({endpoint, nullptr, "", true});
    round_trip(client.get());
  }
  {
    Environment env({{"http_proxy", proxy.url()}});
    auto client = client_with({endpoint, "", "", true});
    round_trip(client.get());
  }
  CHECK(proxy.requests().size() == through.size());  // neither of the last two went through it
}
