// The I/O seam: one blocking HTTP exchange. The default implementation is
// beast_transport.cpp (core/src/net: a keep-alive pool on the shared runtime);
// cpprest_transport.cpp is the alternative build (-DDL_HTTP_BACKEND=cpprest).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "error.hpp"
#include "net/cancel.hpp"

namespace directline::core {

namespace net {
class ProxyRules;
}

struct HttpRequest {
  std::string method;  // GET, POST
  std::string url;     // absolute, already percent-encoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;                 // bytes; sent when non-empty or content_type set
  std::string content_type;         // "" = none
  // false for requests that must never reach the service twice (start, post
  // activity, upload): they are re-sent only when provably never sent.
  bool idempotent = true;
  // Aborts the exchange when cancelled (the conversation was closed); may be null.
  std::shared_ptr<net::Cancellation> cancel;
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names as received
  std::string body;

  // Case-insensitive header lookup.
  std::optional<std::string> header(const std::string &name) const;
};

struct TransportOptions {
  int connect_timeout_ms = 10000;  // resolve + TCP + proxy tunnel + TLS handshake
  int request_timeout_ms = 30000;  // the whole exchange, connect included; bodies cannot extend it
  std::string user_agent;          // full User-Agent value
  // nullopt: from the environment; "": none; else "http://[user:pass@]host:port".
  std::optional<std::string> proxy;
  std::string ca_file;             // "" = system store
  bool skip_tls_verify = false;
  std::size_t max_response_bytes = 8u << 20;  // larger bodies fail with protocol
  int idle_timeout_ms = 15000;          // pooled connections unused this long are closed
  std::size_t max_idle_per_origin = 32;  // pooled connections kept per origin
};

// What a failed send() knows about the request's fate.
struct SendReport {
  // false only when no byte of the request can have reached the server
  // (connect, tunnel or TLS failed; a pooled connection was dead before
  // writing). true: the server may have received and acted on it.
  bool maybe_sent = false;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Blocking; never call from a runtime I/O thread. Errors: network, timeout,
  // tls, protocol (truncated or oversized body), cancelled, invalid (unusable
  // URL). Any HTTP status is a successful exchange (redirects are not followed).
  virtual Outcome<HttpResponse> send(const HttpRequest &request) {
    SendReport report;
    return send(request, report);
  }
  virtual Outcome<HttpResponse> send(const HttpRequest &request, SendReport &report) {
    report.maybe_sent = true;  // a transport that cannot tell: assume the worst
    return send(request);
  }
};

// The transport this build uses (Beast by default); proxy rules from the
// client (resolved once, shared with the stream).
std::shared_ptr<HttpTransport> make_http_transport(const TransportOptions &options,
                                                   std::shared_ptr<const net::ProxyRules> proxy);

}  // namespace directline::core
