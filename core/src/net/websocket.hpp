// A receive-only WebSocket client for the Direct Line stream on the shared
// runtime: no thread of its own. ws:// and wss:// (and the http(s):// forms),
// opened with the same dial, proxy and TLS code as REST. Sends an empty text
// frame periodically (as DirectLineJS does) and pings; a socket silent past the
// idle deadline is dead. Reading can be paused (backpressure): the socket is
// then left unread, so TCP flow control pushes back on the server.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "error.hpp"
#include "net/proxy.hpp"
#include "net/runtime.hpp"
#include "net/tls.hpp"

namespace directline::core::net {

struct WsConfig {
  TlsSettings tls;
  bool allow_insecure = false;   // ws:// to a non-loopback host
  int connect_timeout_ms = 10000;
  int ping_interval_ms = 20000;  // empty text frame, like DirectLineJS
  int idle_timeout_ms = 60000;   // silence (no frame, no pong) this long = dead socket
  std::size_t max_message_bytes = 8u << 20;  // a larger frame closes the socket
  std::string user_agent;
  std::shared_ptr<const ProxyRules> proxy;  // null: direct
};

struct WsClosed {
  bool opened = false;          // the handshake had succeeded
  bool by_us = false;           // close() was called
  int close_code = 0;           // from the server's close frame, 0 if none
  std::string close_reason;     // e.g. "collision"
  int http_status = 0;          // a rejected handshake's status (e.g. 403)
  std::optional<Error> error;   // nullopt for a clean close by the server
};

class WsConnection {
 public:
  struct Callbacks {
    std::function<void()> on_open;
    // Non-empty text frames only. Return false to stop reading until resume().
    std::function<bool(std::string &&)> on_text;
    std::function<void(const WsClosed &)> on_closed;  // exactly once
  };
  // Starts connecting to url; every callback runs on `strand`, and failures
  // (bad URL included) arrive through on_closed.
  static std::shared_ptr<WsConnection> open(Strand strand, const std::string &url, WsConfig config,
                                            Callbacks callbacks);
  virtual ~WsConnection() = default;
  // Reads again after on_text returned false; any thread.
  virtual void resume() = 0;
  // Closes (clean close handshake, bounded); idempotent; any thread.
  virtual void close() = 0;
};

}  // namespace directline::core::net
