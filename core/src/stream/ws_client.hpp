// A receive-only WebSocket client for the Direct Line stream (PROTOCOL 1.5.8)
// on the shared io_context: no thread of its own. ws:// and wss:// (and the
// http(s):// forms, mapped), TLS verified against the system store or a CA
// file, SNI, optional HTTP CONNECT proxy. Sends an empty text frame and a
// control ping periodically; a socket silent past the idle deadline is dead.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "error.hpp"
#include "stream/runtime.hpp"

namespace directline::core::stream {

struct WsConfig {
  std::string ca_file;        // "" = system store
  bool skip_verify = false;
  bool allow_insecure = false;  // ws:// to a non-loopback host
  int connect_timeout_ms = 10000;
  int ping_interval_ms = 20000;  // empty text frame, like DirectLineJS
  int idle_timeout_ms = 60000;   // silence (no frame, no pong) this long = dead socket
  std::string user_agent;
  std::string proxy;  // "http://host:port" or ""
};

struct WsClosed {
  bool opened = false;          // the handshake had succeeded
  bool by_us = false;           // close() was called
  int close_code = 0;           // from the server's close frame, 0 if none
  std::string close_reason;     // e.g. "collision"
  int http_status = 0;          // a rejected handshake's status (e.g. 403)
  std::optional<Error> error;   // nullopt for a clean close by the server
};

// Parsed stream URL. ws/wss/http/https accepted; http(s) map to ws(s).
struct WsUrl {
  bool tls = false;
  std::string host;  // without brackets
  std::string port;
  std::string target;  // path + query
};
Outcome<WsUrl> parse_ws_url(const std::string &url);
bool is_loopback_host(const std::string &host);

class WsConnection {
 public:
  struct Callbacks {
    std::function<void()> on_open;
    std::function<void(std::string &&)> on_text;  // non-empty text frames only
    std::function<void(const WsClosed &)> on_closed;  // exactly once
  };
  // Starts connecting to url; every callback runs on `strand`, and failures
  // (bad URL included) arrive through on_closed.
  static std::shared_ptr<WsConnection> open(Strand strand, const std::string &url, WsConfig config,
                                            Callbacks callbacks);
  virtual ~WsConnection() = default;
  // Closes (clean close handshake, bounded); idempotent; any thread.
  virtual void close() = 0;
};

}  // namespace directline::core::stream
