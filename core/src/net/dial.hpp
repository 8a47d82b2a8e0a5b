// Opening a connection, shared by the HTTP pool and the WebSocket stream:
// resolve (numeric hosts skip the resolver), TCP connect to the origin or the
// proxy, an HTTP CONNECT tunnel when one is needed, and the TLS handshake.
// Callers own the stream and a deadline timer; aborting closes the socket and
// cancels the resolver, and the pending step then completes with an error.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "error.hpp"
#include "net/proxy.hpp"

namespace directline::core::net {

using tcp = boost::asio::ip::tcp;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
using Done = std::function<void(std::optional<Error>)>;

// Where a connection goes.
struct Route {
  bool tls = false;
  std::string host;  // the origin's host, without brackets
  uint16_t port = 0;
  std::optional<Proxy> proxy;
  bool tunnel = false;  // CONNECT through the proxy; false with a proxy: absolute-form HTTP

  // "host:port", IPv6 in brackets: the CONNECT target and error prefix.
  std::string authority() const;
  // The Host header value: the port only when it is not the scheme's default.
  std::string host_header() const;
};

using Endpoints = tcp::resolver::results_type;

// Resolves and connects to the proxy (if any) or the origin, then opens the
// tunnel when route.tunnel. `resolver` is the caller's slot, so it can cancel it.
void dial(boost::beast::tcp_stream &stream, std::shared_ptr<tcp::resolver> &resolver, const Route &route,
          Done done);

// The addresses dial() would connect to, looked up on the runtime while the
// caller waits, until `deadline` (numeric hosts are not looked up).
Outcome<Endpoints> resolve(const Route &route, std::chrono::steady_clock::time_point deadline);

// dial() without the lookup.
void connect(boost::beast::tcp_stream &stream, const Endpoints &endpoints, const Route &route, Done done);

// SNI, identity check and handshake on a connected stream.
void tls_handshake(TlsStream &stream, const Route &route, bool skip_verify, Done done);

}  // namespace directline::core::net
