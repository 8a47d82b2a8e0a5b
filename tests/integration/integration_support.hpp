// Helpers for the C API integration tests: RAII handles, an emulator with
// admin routes, and a tiny loopback HTTP client for those admin routes.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <utility>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "directline.h"
#include "emulator_process.hpp"

namespace itest {

#ifdef DL_TEST_CPPREST_BACKEND
constexpr bool kCpprestBackend = true;  // built with -DDL_HTTP_BACKEND=cpprest
#else
constexpr bool kCpprestBackend = false;
#endif

struct ClientFree { void operator()(dl_client *c) const { dl_client_free(c); } };
struct ConversationFree { void operator()(dl_conversation *c) const { dl_conversation_free(c); } };
struct TokenFree { void operator()(dl_token *t) const { dl_token_free(t); } };
struct ActivityFree { void operator()(dl_activity *a) const { dl_activity_free(a); } };
struct StringFree { void operator()(char *s) const { dl_string_free(s); } };
using ClientPtr = std::unique_ptr<dl_client, ClientFree>;
using ConversationPtr = std::unique_ptr<dl_conversation, ConversationFree>;
using TokenPtr = std::unique_ptr<dl_token, TokenFree>;
using ActivityPtr = std::unique_ptr<dl_activity, ActivityFree>;
using StringPtr = std::unique_ptr<char, StringFree>;

inline std::string last_message() { return dl_error_last()->message; }

// Collects log lines while installed as the process's log handler.
struct LogCapture {
  std::mutex mu;
  std::vector<std::pair<int, std::string>> lines;  // level, message
  explicit LogCapture(int min_level) { dl_set_log_handler(&LogCapture::sink, min_level, this); }
  ~LogCapture() { dl_set_log_handler(nullptr, DL_LOG_OFF, nullptr); }
  LogCapture(const LogCapture &) = delete;
  LogCapture &operator=(const LogCapture &) = delete;
  std::vector<std::pair<int, std::string>> taken() {
    std::lock_guard<std::mutex> lock(mu);
    return lines;
  }
  static void sink(int level, const char *message, void *user_data) {
    auto *self = static_cast<LogCapture *>(user_data);
    std::lock_guard<std::mutex> lock(self->mu);
    self->lines.emplace_back(level, message);
  }
};

// One raw HTTP/1.1 exchange on 127.0.0.1 (Connection: close). Returns the status.
inline int http_call(int port, const std::string &method, const std::string &path,
                     const std::string &body, std::string *response_body = nullptr) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
  std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                        "Content-Type: application/json\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body;
  REQUIRE(::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
  std::string response;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) response.append(buf, static_cast<size_t>(n));
  ::close(fd);
  REQUIRE(response.size() > 12);
  if (response_body) {
    auto split = response.find("\r\n\r\n");
    *response_body = split == std::string::npos ? "" : response.substr(split + 4);
  }
  return std::atoi(response.c_str() + 9);
}

// An emulator with --admin, plus shortcuts for its admin routes.
class Emulator : public dltest::EmulatorProcess {
 public:
  explicit Emulator(std::vector<std::string> extra = {}, std::vector<std::string> secrets = {dltest::kSecret})
      : dltest::EmulatorProcess(with_admin(std::move(extra)), std::move(secrets)) {}

  void add_fault(const std::string &spec) { REQUIRE(http_call(port(), "POST", "/admin/faults", spec) == 200); }
  void clear_faults() { REQUIRE(http_call(port(), "DELETE", "/admin/faults", "") == 200); }
  void advance_clock(int seconds) {
    REQUIRE(http_call(port(), "POST", "/admin/clock",
                      "{\"advance_seconds\":" + std::to_string(seconds) + "}") == 200);
  }
  void bot_says(const std::string &conversation_id, int count, const std::string &text) {
    REQUIRE(http_call(port(), "POST", "/admin/conversations/" + conversation_id + "/activities",
                      "{\"count\":" + std::to_string(count) + ",\"text\":\"" + text + "\"}") == 200);
  }
  void bot_ends(const std::string &conversation_id) {
    REQUIRE(http_call(port(), "POST", "/admin/conversations/" + conversation_id + "/end", "") == 200);
  }

 private:
  static std::vector<std::string> with_admin(std::vector<std::string> extra) {
    extra.push_back("--admin");
    return extra;
  }
};

struct ClientSettings {
  int api_version = DL_API_V3;
  int receive_mode = DL_RECEIVE_AUTO;
  int request_timeout_ms = 5000;
  int retry_max_attempts = 0;
  int retry_base_delay_ms = 20;
  int reconnect_base_delay_ms = 20;
  int polling_interval_ms = 200;
};

inline ClientPtr make_client(const Emulator &emu, ClientSettings s = {}) {
  dl_client_options o;
  dl_client_options_init(&o);
  std::string endpoint = s.api_version == DL_API_V3 ? emu.v3() : emu.v1();
  o.endpoint = endpoint.c_str();
  o.api_version = s.api_version;
  o.receive_mode = s.receive_mode;
  o.request_timeout_ms = s.request_timeout_ms;
  o.retry_max_attempts = s.retry_max_attempts;
  o.retry_base_delay_ms = s.retry_base_delay_ms;
  o.reconnect_base_delay_ms = s.reconnect_base_delay_ms;
  o.polling_interval_ms = s.polling_interval_ms;
  dl_client *client = nullptr;
  REQUIRE(dl_client_new(&o, &client) == DL_OK);
  return ClientPtr(client);
}

inline ConversationPtr start(dl_client *client, const char *credential = dltest::kSecret) {
  dl_conversation *c = nullptr;
  int rc = dl_start_conversation(client, credential, &c);
  INFO(last_message());
  REQUIRE(rc == DL_OK);
  return ConversationPtr(c);
}

inline std::string post_text(dl_conversation *c, const std::string &text, const char *user = "u1") {
  char *id = nullptr;
  int rc = dl_conversation_send_message(c, user, text.c_str(), &id);
  INFO(last_message());
  REQUIRE(rc == DL_OK);
  REQUIRE(id != nullptr);
  std::string out = id;
  dl_string_free(id);
  return out;
}

inline std::string get_all(dl_conversation *c, const char *watermark = nullptr) {
  char *json = nullptr;
  int rc = dl_conversation_get_activities(c, watermark, &json);
  INFO(last_message());
  REQUIRE(rc == DL_OK);
  std::string out = json;
  dl_string_free(json);
  return out;
}

// Next activity of the given type (skips typing etc.), within timeout_ms.
inline ActivityPtr next_of_type(dl_conversation *c, const std::string &type, int timeout_ms = 5000) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    deadline - std::chrono::steady_clock::now()).count());
    dl_activity *a = nullptr;
    int rc = dl_conversation_next_activity(c, left > 0 ? left : 0, &a);
    if (rc != DL_OK) {
      INFO("next_activity: " << dl_result_string(rc) << ": " << last_message());
      return nullptr;
    }
    ActivityPtr activity(a);
    if (type == dl_activity_type(a)) return activity;
  }
  return nullptr;
}

inline long long elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace itest
