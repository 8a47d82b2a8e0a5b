// The I/O seam: one blocking HTTP exchange. The only implementation lives in
// cpprest_transport.cpp (the one TU that includes cpprestsdk headers).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "error.hpp"

namespace directline::core {

struct HttpRequest {
  std::string method;  // GET, POST
  std::string url;     // absolute, already percent-encoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;                 // bytes; sent when non-empty or content_type set
  std::string content_type;         // "" = none
  // false for requests that must never be sent twice (POST activity, upload,
  // start): they go out on a fresh connection, because cpprestsdk silently
  // resends a request when a reused keep-alive connection turns out closed.
  bool idempotent = true;
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names as received
  std::string body;

  // Case-insensitive header lookup.
  std::optional<std::string> header(const std::string &name) const;
};

struct TransportOptions {
  int connect_timeout_ms = 10000;
  int request_timeout_ms = 30000;
  std::string user_agent;  // full User-Agent value
  std::optional<std::string> proxy;  // nullopt = from the environment, "" = none
  std::string ca_file;     // "" = system store
  bool skip_tls_verify = false;
  std::size_t max_response_bytes = 8u << 20;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Blocking; never call from a cpprest pool thread. Errors: network, timeout,
  // tls, protocol (truncated body), invalid (unusable URL). Any HTTP status is
  // a successful exchange.
  virtual Outcome<HttpResponse> send(const HttpRequest &request) = 0;
};

// The cpprestsdk implementation: one http_client per scheme://host:port,
// reused across calls (connection keep-alive).
std::shared_ptr<HttpTransport> make_cpprest_transport(const TransportOptions &options);

}  // namespace directline::core
