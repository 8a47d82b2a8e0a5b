// The HTTP layer against servers that misbehave on purpose (redirects, endless
// or slow bodies, a TLS peer that never answers, idle keep-alive closes) and
// against the emulator (connection reuse, close interrupting calls).
#include <atomic>
#include <thread>

#include "integration_support.hpp"
#include "net_support.hpp"

using namespace itest;
using nettest::ScriptedServer;

namespace {

const char *const kEmptySet = R"({"activities":[],"watermark":"0"})";

std::string http_response(int status, const std::string &body, const std::string &extra = "") {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n" + extra + "\r\n" + body;
}

ClientPtr client_for(const std::string &base, void (*tune)(dl_client_options &) = nullptr) {
  dl_client_options o;
  dl_client_options_init(&o);
  const std::string endpoint = base + "/v3/directline";
  o.endpoint = endpoint.c_str();
  o.retry_max_attempts = 1;
  o.proxy = "";
  if (tune) tune(o);
  dl_client *raw = nullptr;
  REQUIRE(dl_client_new(&o, &raw) == DL_OK);
  return ClientPtr(raw);
}

ConversationPtr open(dl_client *client) {
  dl_conversation *raw = nullptr;
  REQUIRE(dl_open_conversation(client, dltest::kSecret, "c1", nullptr, &raw) == DL_OK);
  return ConversationPtr(raw);
}

int get_activities(dl_conversation *c) {
  char *json = nullptr;
  const int rc = dl_conversation_get_activities(c, nullptr, &json);
  dl_string_free(json);
  return rc;
}

}  // namespace

TEST_CASE("a redirect is never followed: no request, no credential reaches the other host",
          "[integration][transport]") {
  ScriptedServer elsewhere([](int fd, ScriptedServer &s) { s.note(nettest::read_request(fd)); });
  const std::string target = "http://127.0.0.1:" + std::to_string(elsewhere.port()) + "/steal?token=abc123";
  ScriptedServer server([&](int fd, ScriptedServer &s) {
    const auto request = nettest::read_request(fd);
    s.note(request);
    nettest::send_all(fd, http_response(302, "", "Location: " + target + "\r\n"));
  });
  auto client = client_for(server.url());
  dl_conversation *c = nullptr;
  CHECK(dl_start_conversation(client.get(), dltest::kSecret, &c) == DL_EPROTOCOL);
  const std::string message = last_message();
  INFO(message);
  CHECK(dl_error_last()->http_status == 302);
  CHECK(message.find("http://127.0.0.1:" + std::to_string(elsewhere.port())) != std::string::npos);
  CHECK(message.find("steal") == std::string::npos);
  CHECK(message.find("abc123") == std::string::npos);
  CHECK(server.requests().size() == 1);
  CHECK(elsewhere.connections() == 0);
}

TEST_CASE("an endless chunked body stops at max_response_bytes with DL_EPROTOCOL", "[integration][transport]") {
  ScriptedServer server([](int fd, ScriptedServer &s) {
    nettest::read_request(fd);
    nettest::send_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    const std::string chunk = "10000\r\n" + std::string(0x10000, 'x') + "\r\n";
    while (!s.stopping() && nettest::send_all(fd, chunk)) {
    }
  });
  auto client = client_for(server.url(), [](dl_client_options &o) { o.max_response_bytes = 1 << 20; });
  auto conv = open(client.get());
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(get_activities(conv.get()) == DL_EPROTOCOL);
  INFO(last_message());
  CHECK(last_message().find("max_response_bytes") != std::string::npos);
  CHECK(elapsed_ms(t0) < 3000);
}

TEST_CASE("a body trickling in cannot outlive the request timeout", "[integration][transport]") {
  ScriptedServer server([](int fd, ScriptedServer &s) {
    nettest::read_request(fd);
    nettest::send_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n");
    while (!s.stopping() && nettest::send_all(fd, " ")) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  });
  auto client = client_for(server.url(), [](dl_client_options &o) { o.request_timeout_ms = 700; });
  auto conv = open(client.get());
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(get_activities(conv.get()) == DL_ETIMEOUT);
  const auto took = elapsed_ms(t0);
  CHECK(took >= 600);
  CHECK(took < 1500);
}

TEST_CASE("connect_timeout_ms bounds the TLS handshake, apart from the request timeout",
          "[integration][transport]") {
  if (kCpprestBackend) {
    WARN("cpprestsdk has no connect timeout of its own: only the request timeout bounds connecting");
    return;
  }
  // Accepts TCP, then never says a word: the TLS handshake hangs.
  ScriptedServer silent([](int fd, ScriptedServer &s) {
    char buf[1024];
    while (!s.stopping()) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 50) > 0 && ::recv(fd, buf, sizeof buf, 0) <= 0) return;
    }
  });
  const std::string base = "https://127.0.0.1:" + std::to_string(silent.port());
  auto client = client_for(base, [](dl_client_options &o) {
    o.connect_timeout_ms = 300;
    o.request_timeout_ms = 10000;
  });
  auto conv = open(client.get());
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(get_activities(conv.get()) == DL_ETIMEOUT);
  INFO(last_message());
  CHECK(last_message().find("connecting") != std::string::npos);
  CHECK(elapsed_ms(t0) < 2000);
}

TEST_CASE("keep-alive: reads and writes share one connection", "[integration][transport]") {
  ScriptedServer server([](int fd, ScriptedServer &s) {
    for (;;) {
      const auto request = nettest::read_request(fd);
      if (request.empty()) return;
      s.note(request);
      const bool post = request.compare(0, 5, "POST ") == 0;
      if (!nettest::send_all(fd, http_response(200, post ? R"({"id":"c1|0000001"})" : kEmptySet))) return;
    }
  });
  auto client = client_for(server.url());
  auto conv = open(client.get());
  for (int i = 0; i < 10; ++i) {
    CHECK(get_activities(conv.get()) == DL_OK);
    CHECK(dl_conversation_send_message(conv.get(), "u1", "hi", nullptr) == DL_OK);
  }
  CHECK(server.requests().size() == 20);
  if (kCpprestBackend)  // posts go out on a connection of their own (see cpprest_transport.cpp)
    CHECK(server.connections() <= 11);
  else
    CHECK(server.connections() == 1);
}

TEST_CASE("a pooled connection the server closed is dropped before a write reuses it",
          "[integration][transport]") {
  // Answers one request per connection without "Connection: close", then hangs up.
  ScriptedServer server([](int fd, ScriptedServer &s) {
    const auto request = nettest::read_request(fd);
    if (request.empty()) return;
    s.note(request);
    const bool post = request.compare(0, 5, "POST ") == 0;
    nettest::send_all(fd, http_response(200, post ? R"({"id":"c1|0000001"})" : kEmptySet));
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  });
  auto client = client_for(server.url());
  auto conv = open(client.get());
  CHECK(get_activities(conv.get()) == DL_OK);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  char *id = nullptr;
  CHECK(dl_conversation_send_message(conv.get(), "u1", "once", &id) == DL_OK);
  dl_string_free(id);
  // Exactly one POST and nothing else: no failed write, no lookup, no second send.
  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[1].compare(0, 5, "POST ") == 0);
  CHECK(server.connections() == 2);
}

TEST_CASE("close interrupts a request in flight within 100 ms", "[integration][transport][close]") {
  Emulator emu;
  auto client = make_client(emu);
  auto conv = start(client.get());
  emu.add_fault("route=post-activity,delay=5000");
  std::atomic<int> rc{1};
  std::atomic<long long> returned_at{0};
  const auto t0 = std::chrono::steady_clock::now();
  std::thread sender([&] {
    rc = dl_conversation_send_message(conv.get(), "u1", "slow", nullptr);
    returned_at = elapsed_ms(t0);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const long long closed_at = elapsed_ms(t0);
  dl_conversation_close(conv.get());
  sender.join();
  CHECK(rc == DL_ECANCELLED);
  CHECK(returned_at - closed_at < 100);
}

TEST_CASE("close interrupts the wait between retries within 100 ms", "[integration][transport][close]") {
  Emulator emu;
  ClientSettings s;
  s.retry_max_attempts = 5;
  auto client = make_client(emu, s);
  auto conv = start(client.get());
  emu.add_fault("route=get-activities,status=429,retry_after=10");
  std::atomic<int> rc{1};
  std::atomic<long long> returned_at{0};
  const auto t0 = std::chrono::steady_clock::now();
  std::thread reader([&] {
    rc = get_activities(conv.get());
    returned_at = elapsed_ms(t0);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the first 429 came back: waiting 10 s
  const long long closed_at = elapsed_ms(t0);
  dl_conversation_close(conv.get());
  reader.join();
  CHECK(rc == DL_ECANCELLED);
  CHECK(returned_at - closed_at < 100);
}
