// The C API against a server that misbehaves on purpose (hostile_server.py,
// real sockets on 127.0.0.1): deep JSON on every receive path, "activities":
// {}, a page repeated forever, no reconnect route, a watermark going back,
// and errors that echo credentials. Each test gets a fresh server instance.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "directline.h"
#include "integration_support.hpp"

using namespace std::chrono;
using itest::ClientPtr;
using itest::ConversationPtr;

namespace {

const char *const kSecret = "hostile-secret-0123456789";

std::string server_url() {
  const char *url = std::getenv("HOSTILE_SERVER");
  if (!url) FAIL("HOSTILE_SERVER is not set: run through hostile_server.py --run");
  return url;
}

// A fresh conversation on its own server instance.
struct Instance {
  std::string base;  // http://127.0.0.1:PORT/SCENARIO/INSTANCE
  int port = 0;
  std::string path;  // /SCENARIO/INSTANCE

  explicit Instance(const std::string &scenario) {
    static std::atomic<int> counter{0};
    const std::string url = server_url();
    port = std::atoi(url.c_str() + url.rfind(':') + 1);
    path = "/" + scenario + "/i" + std::to_string(++counter);
    base = url + path;
  }

  nlohmann::json stats() const {
    std::string body;
    REQUIRE(itest::http_call(port, "GET", path + "/_stats", "", &body) == 200);
    return nlohmann::json::parse(body);
  }
};

// A client and a started conversation on a fresh instance of `scenario`.
struct Session {
  Instance server;
  ClientPtr client;
  ConversationPtr conversation;

  Session(const std::string &scenario, int receive_mode, int api = DL_API_V3, const char *secret = kSecret)
      : server(scenario) {
    const std::string endpoint = server.base + (api == DL_API_V3 ? "/v3/directline" : "/api");
    dl_client_options o;
    dl_client_options_init(&o);
    o.endpoint = endpoint.c_str();
    o.api_version = api;
    o.receive_mode = receive_mode;
    o.polling_interval_ms = 200;
    o.retry_base_delay_ms = 20;
    o.retry_max_attempts = 1;
    dl_client *c = nullptr;
    REQUIRE(dl_client_new(&o, &c) == DL_OK);
    client.reset(c);
    dl_conversation *conv = nullptr;
    REQUIRE(dl_start_conversation(c, secret, &conv) == DL_OK);
    conversation.reset(conv);
  }
  dl_conversation *get() const { return conversation.get(); }
};

// next_activity until an error; returns the ids delivered and the error.
std::pair<std::vector<std::string>, int> receive_until_error(dl_conversation *c, int timeout_ms) {
  std::vector<std::string> ids;
  for (;;) {
    dl_activity *a = nullptr;
    int rc = dl_conversation_next_activity(c, timeout_ms, &a);
    if (rc != DL_OK) return {ids, rc};
    ids.push_back(dl_activity_id(a));
    dl_activity_free(a);
  }
}

}  // namespace

TEST_CASE("deep JSON on GET activities is DL_EPROTOCOL, never a crash", "[hostile][limits]") {
  for (int api : {DL_API_V3, DL_API_V1_1}) {
    INFO("api " << api);
    Session s("deep-poll", DL_RECEIVE_POLLING, api);
    char *set = nullptr;
    CHECK(dl_conversation_get_activities(s.get(), nullptr, &set) == DL_EPROTOCOL);
    CHECK(set == nullptr);
    CHECK(std::string(dl_error_last()->message).find("deeper than 64") != std::string::npos);
    auto [ids, rc] = receive_until_error(s.get(), 10000);
    CHECK(ids.empty());
    CHECK(rc == DL_EPROTOCOL);
  }
}

TEST_CASE("deep JSON on GET activities while catching up for the stream is DL_EPROTOCOL", "[hostile][limits]") {
  Session s("deep-poll", DL_RECEIVE_AUTO);
  auto [ids, rc] = receive_until_error(s.get(), 10000);
  CHECK(ids.empty());
  CHECK(rc == DL_EPROTOCOL);
}

TEST_CASE("a deep stream frame drops the socket; polling delivers what the stream could not", "[hostile][limits]") {
  Session s("deep-stream", DL_RECEIVE_AUTO);
  auto [ids, rc] = receive_until_error(s.get(), 3000);
  CHECK(ids == std::vector<std::string>{"c1|1", "c1|2", "c1|3"});
  CHECK(rc == DL_ETIMEOUT);
  // The stream kept failing the same way: a few tries with backoff, then polling.
  auto stats = s.server.stats();
  CHECK(stats["stream"].get<int>() >= 1);
  CHECK(stats["stream"].get<int>() <= 6);
  CHECK(stats["activities"].get<int>() < 60);
}

TEST_CASE("deep JSON on the stream and on polling ends in DL_EPROTOCOL", "[hostile][limits]") {
  Session s("deep-everywhere", DL_RECEIVE_AUTO);
  const auto started = steady_clock::now();
  auto [ids, rc] = receive_until_error(s.get(), 20000);
  CHECK(ids.empty());
  CHECK(rc == DL_EPROTOCOL);
  CHECK(steady_clock::now() - started < seconds(10));
}

TEST_CASE("\"activities\": {} is DL_EPROTOCOL for next_activity, not a timeout forever", "[hostile]") {
  for (int mode : {DL_RECEIVE_POLLING, DL_RECEIVE_AUTO}) {
    INFO("receive mode " << mode);
    Session s("activities-object", mode);
    const auto started = steady_clock::now();
    dl_activity *a = nullptr;
    int rc = DL_ETIMEOUT;
    // Each call waits 1 s: before, every one of them timed out.
    while (rc == DL_ETIMEOUT && steady_clock::now() - started < seconds(10))
      rc = dl_conversation_next_activity(s.get(), 1000, &a);
    CHECK(rc == DL_EPROTOCOL);
    CHECK(s.server.stats()["activities"].get<int>() == 3);  // three unreadable pages, then it gives up
  }
}

TEST_CASE("a server repeating the same page is not polled in a loop", "[hostile]") {
  for (int mode : {DL_RECEIVE_POLLING, DL_RECEIVE_AUTO}) {
    INFO("receive mode " << mode);
    Session s("same-page", mode);
    auto [ids, rc] = receive_until_error(s.get(), 3000);
    CHECK(ids == std::vector<std::string>{"c1|1"});
    CHECK(rc == DL_ETIMEOUT);
    // 3 s at a 200 ms interval is ~16 polls (thousands before).
    CHECK(s.server.stats()["activities"].get<int>() <= 25);
  }
}

TEST_CASE("without a reconnect route (404) polling goes on: no DL_ENOTFOUND", "[hostile]") {
  Session s("no-reconnect", DL_RECEIVE_AUTO);
  auto [ids, rc] = receive_until_error(s.get(), 2000);
  CHECK(ids == std::vector<std::string>{"c1|1", "c1|2", "c1|3"});
  CHECK(rc == DL_ETIMEOUT);
  auto stats = s.server.stats();
  CHECK(stats["reconnect"].get<int>() == 1);
  const int polls = stats["activities"].get<int>();
  std::this_thread::sleep_for(milliseconds(600));
  CHECK(s.server.stats()["activities"].get<int>() > polls);  // still polling
}

TEST_CASE("a watermark going back is ignored: no re-delivery, polls ask after the newest", "[hostile]") {
  Session s("watermark-back", DL_RECEIVE_POLLING);
  auto [ids, rc] = receive_until_error(s.get(), 1500);
  CHECK(ids == std::vector<std::string>{"c1|1", "c1|2", "c1|3"});
  CHECK(rc == DL_ETIMEOUT);
  CHECK(std::string(dl_conversation_watermark(s.get())) == "2");
  auto watermarks = s.server.stats()["watermarks"];
  REQUIRE(watermarks.size() >= 3);
  CHECK(watermarks[0].is_null());
  CHECK(watermarks[1] == "2");
  for (std::size_t i = 2; i < watermarks.size(); ++i) CHECK(watermarks[i] == "2");
}

namespace {
std::mutex g_log_mutex;
std::vector<std::string> g_log;
void capture_log(int, const char *message, void *) {
  std::lock_guard<std::mutex> lock(g_log_mutex);
  g_log.emplace_back(message);
}
}  // namespace

TEST_CASE("a stream token and a short secret echoed by the server are redacted", "[hostile][redact]") {
  dl_set_log_handler(capture_log, DL_LOG_DEBUG, nullptr);
  Session s("echo-secrets", DL_RECEIVE_POLLING, DL_API_V3, "k3y");
  REQUIRE(std::string(dl_conversation_stream_url(s.get())).find("t=st.Tok") != std::string::npos);
  char *set = nullptr;
  CHECK(dl_conversation_get_activities(s.get(), nullptr, &set) == DL_EBAD_REQUEST);
  const std::string message = dl_error_last()->message;
  // And the receiver's terminal error (400 is terminal) through next_activity.
  dl_activity *a = nullptr;
  CHECK(dl_conversation_next_activity(s.get(), 5000, &a) == DL_EBAD_REQUEST);
  const std::string receive_message = dl_error_last()->message;
  dl_set_log_handler(nullptr, DL_LOG_OFF, nullptr);
  std::vector<std::string> texts{message, receive_message};
  {
    std::lock_guard<std::mutex> lock(g_log_mutex);
    texts.insert(texts.end(), g_log.begin(), g_log.end());
    g_log.clear();
  }
  CHECK(message.find("rejected") != std::string::npos);  // the rest of the text survives
  CHECK(texts.size() > 2);  // the failures were logged
  for (const auto &text : texts) {
    INFO(text);
    CHECK(text.find("st.Tok") == std::string::npos);  // raw and percent-decoded t= value
    CHECK(text.find("k3y") == std::string::npos);
  }
}

#ifdef DL_CLI_PATH
TEST_CASE("the CLI's listen stops paging history when the watermark does not move", "[hostile][cli]") {
  Instance server("same-page");
  const std::string command = std::string("DIRECTLINE_SECRET=") + kSecret + " timeout 60 " DL_CLI_PATH
                              " --endpoint " + server.base + "/v3/directline listen --conversation c1"
                              " --polling --poll-interval 200 --wait 1 >/dev/null 2>&1";
  const auto started = steady_clock::now();
  const int status = std::system(command.c_str());
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 13);  // a protocol error (DL_EPROTOCOL), not the 60 s timeout (124)
  CHECK(steady_clock::now() - started < seconds(10));
  // Two history pages (100,000 pages before).
  CHECK(server.stats()["activities"].get<int>() <= 3);
}
#endif
