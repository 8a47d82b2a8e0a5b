#include "receive_support.hpp"

#include <cstring>
#include <stdexcept>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

namespace rtest {

ClientPtr make_client(const dltest::EmulatorProcess &emulator, const ClientSettings &settings) {
  dl_client_options options;
  dl_client_options_init(&options);
  const std::string endpoint = emulator.v3();
  options.endpoint = endpoint.c_str();
  options.receive_mode = settings.receive_mode;
  options.polling_interval_ms = settings.polling_interval_ms;
  options.retry_base_delay_ms = settings.retry_base_delay_ms;
  options.reconnect_base_delay_ms = settings.reconnect_base_delay_ms;
  options.receive_queue_limit = settings.receive_queue_limit;
  options.disable_auto_refresh = settings.disable_auto_refresh ? 1 : 0;
  dl_client *client = nullptr;
  const int rc = dl_client_new(&options, &client);
  INFO(last_error_text());
  REQUIRE(rc == DL_OK);
  return ClientPtr(client);
}

ConversationPtr start_with_secret(dl_client *client) {
  dl_conversation *conversation = nullptr;
  const int rc = dl_start_conversation(client, dltest::kSecret, &conversation);
  INFO(last_error_text());
  REQUIRE(rc == DL_OK);
  return ConversationPtr(conversation);
}

ConversationPtr start_with_token(dl_client *client) {
  dl_token *token = nullptr;
  int rc = dl_generate_token(client, dltest::kSecret, nullptr, &token);
  INFO(last_error_text());
  REQUIRE(rc == DL_OK);
  TokenPtr owned(token);
  dl_conversation *conversation = nullptr;
  rc = dl_start_conversation(client, dl_token_value(token), &conversation);
  INFO(last_error_text());
  REQUIRE(rc == DL_OK);
  return ConversationPtr(conversation);
}

std::string last_error_text() {
  const dl_error *e = dl_error_last();
  return "dl_error: code " + std::to_string(e->code) + " http " + std::to_string(e->http_status) +
         " service_code '" + (e->service_code ? e->service_code : "") + "' message '" +
         (e->message ? e->message : "") + "'";
}

int http_request(int port, const std::string &method, const std::string &path, const std::string &body,
                 std::string *response_body) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{30, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
    ::close(fd);
    throw std::runtime_error("connect to the emulator failed");
  }
  std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body;
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      ::close(fd);
      throw std::runtime_error("send to the emulator failed");
    }
    sent += static_cast<std::size_t>(n);
  }
  std::string response;
  char chunk[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) break;
    response.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(fd);
  if (response.compare(0, 5, "HTTP/") != 0) throw std::runtime_error("no HTTP response from the emulator");
  const int status = std::atoi(response.c_str() + response.find(' ') + 1);
  if (response_body) {
    const auto header_end = response.find("\r\n\r\n");
    *response_body = header_end == std::string::npos ? "" : response.substr(header_end + 4);
  }
  return status;
}

void admin_post(const dltest::EmulatorProcess &emulator, const std::string &path, const std::string &body) {
  std::string response;
  const int status = http_request(emulator.port(), "POST", path, body, &response);
  INFO("POST " << path << " -> " << status << " " << response);
  REQUIRE(status == 200);
}

int open_sockets(const dltest::EmulatorProcess &emulator) {
  std::string body;
  REQUIRE(http_request(emulator.port(), "GET", "/admin/stats", "", &body) == 200);
  const auto at = body.find("\"sockets\":");
  REQUIRE(at != std::string::npos);
  return std::atoi(body.c_str() + at + 10);
}

void bot_sends(const dltest::EmulatorProcess &emulator, const std::string &conversation_id, int count,
               const std::string &text) {
  admin_post(emulator, "/admin/conversations/" + conversation_id + "/activities",
             "{\"count\":" + std::to_string(count) + ",\"text\":\"" + text + "\"}");
}

ReceiveResult receive_bot_texts(dl_conversation *conversation, std::size_t count, const std::string &prefix,
                                std::chrono::milliseconds deadline) {
  ReceiveResult result;
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (result.matching.size() < count) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.last_error = DL_ETIMEOUT;
      break;
    }
    dl_activity *activity = nullptr;
    const int rc = dl_conversation_next_activity(conversation, static_cast<int>(left.count()), &activity);
    if (rc != DL_OK) {
      result.last_error = rc;
      if (rc == DL_ETIMEOUT) continue;
      break;
    }
    ActivityPtr owned(activity);
    Received r;
    r.id = dl_activity_id(activity);
    r.type = dl_activity_type(activity);
    r.text = dl_activity_text(activity) ? dl_activity_text(activity) : "";
    r.from_id = dl_activity_from_id(activity);
    r.json = dl_activity_json(activity);
    if (r.type == "message" && r.from_id == "bot" && r.text.compare(0, prefix.size(), prefix) == 0)
      result.matching.push_back(std::move(r));
    else
      result.others.push_back(std::move(r));
  }
  return result;
}

bool numbered_in_order(const std::vector<Received> &received, const std::string &text, int first, int count,
                       std::string *why) {
  if (received.size() != static_cast<std::size_t>(count)) {
    *why = "got " + std::to_string(received.size()) + " of " + std::to_string(count);
    return false;
  }
  for (int i = 0; i < count; ++i) {
    const std::string expected = text + " " + std::to_string(first + i);
    if (received[static_cast<std::size_t>(i)].text != expected) {
      *why = "position " + std::to_string(i) + ": expected '" + expected + "', got '" +
             received[static_cast<std::size_t>(i)].text + "'";
      return false;
    }
  }
  return true;
}

}  // namespace rtest
