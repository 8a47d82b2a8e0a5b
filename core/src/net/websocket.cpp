#include "net/websocket.hpp"

#include <chrono>
#include <utility>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "net/dial.hpp"
#include "net/errors.hpp"
#include "protocol/url.hpp"

namespace directline::core::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;

namespace {

Code code_for_handshake_status(int status) {
  switch (status) {
    case 401: return Code::unauthorized;
    case 403: return Code::forbidden;
    case 404: return Code::not_found;
    case 429: return Code::throttled;
    default: return status >= 500 ? Code::server : Code::protocol;
  }
}

// The stream URL as a route; ws/wss and the http(s) forms.
Outcome<Route> stream_route(const std::string &url, const WsConfig &config, std::string &target) {
  auto parsed = protocol::parse_url(url);
  if (!parsed) return Error::make(Code::invalid, "malformed stream URL");
  Route route;
  route.tls = parsed->scheme == "wss" || parsed->scheme == "https";
  route.host = parsed->host;
  route.port = static_cast<uint16_t>(parsed->port);
  if (!route.tls && !config.allow_insecure && !protocol::is_loopback_host(route.host))
    return Error::make(Code::insecure, "plain ws:// to a non-loopback host is not allowed");
  if (const Proxy *proxy = config.proxy ? config.proxy->proxy_for(route.tls, route.host) : nullptr) {
    route.proxy = *proxy;
    route.tunnel = true;  // WebSocket through a proxy always tunnels
  }
  target = parsed->target;
  return route;
}

using PlainWs = websocket::stream<beast::tcp_stream>;
using TlsWs = websocket::stream<TlsStream>;

template <typename WsStream>
class Session final : public WsConnection, public std::enable_shared_from_this<Session<WsStream>> {
 public:
  static constexpr bool kTls = std::is_same_v<WsStream, TlsWs>;

  Session(Strand strand, WsConfig config, Callbacks callbacks, Route route, std::string target,
          std::shared_ptr<asio::ssl::context> tls)
      : strand_(strand),
        config_(std::move(config)),
        callbacks_(std::move(callbacks)),
        route_(std::move(route)),
        target_(std::move(target)),
        tls_context_(std::move(tls)),
        ws_(make_stream(strand, tls_context_.get())),
        timer_(strand) {}

  void start() {
    asio::post(strand_, [self = this->shared_from_this()] { self->connect(); });
  }

  void resume() override {
    asio::post(strand_, [self = this->shared_from_this()] {
      if (!self->paused_ || self->finished_ || self->closing_) return;
      self->paused_ = false;
      self->ws_.set_option(self->timeouts());
      self->read_next();
    });
  }

  void close() override {
    asio::post(strand_, [self = this->shared_from_this()] { self->do_close(); });
  }

 private:
  static WsStream make_stream(Strand strand, asio::ssl::context *tls) {
    if constexpr (kTls)
      return WsStream(strand, *tls);
    else
      return WsStream(strand);
  }

  beast::tcp_stream &tcp_layer() { return beast::get_lowest_layer(ws_); }

  websocket::stream_base::timeout timeouts() const {
    websocket::stream_base::timeout t;
    t.handshake_timeout = std::chrono::milliseconds(config_.connect_timeout_ms);
    t.idle_timeout = config_.idle_timeout_ms > 0
                         ? websocket::stream_base::duration(std::chrono::milliseconds(config_.idle_timeout_ms))
                         : websocket::stream_base::none();
    t.keep_alive_pings = true;  // a control ping at half the idle timeout
    return t;
  }

  void connect() {
    if (finished_) return;
    if (closing_) return finish(std::nullopt);
    timer_.expires_after(std::chrono::milliseconds(config_.connect_timeout_ms));
    timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (ec || self->opened_ || self->finished_) return;
      self->timed_out_ = true;
      self->drop_socket();
    });
    dial(tcp_layer(), resolver_, route_, [self = this->shared_from_this()](std::optional<Error> error) {
      self->resolver_.reset();
      if (error) return self->connect_failed(std::move(*error));
      if constexpr (kTls) {
        tls_handshake(self->ws_.next_layer(), self->route_, self->config_.tls.skip_verify,
                      [self](std::optional<Error> e) {
                        if (e) return self->connect_failed(std::move(*e));
                        self->ws_handshake();
                      });
      } else {
        self->ws_handshake();
      }
    });
  }

  void connect_failed(Error error) {
    if (finished_) return;
    if (timed_out_)
      error = Error::make(Code::timeout, "stream: connecting to " + route_.authority() + " timed out after " +
                                             std::to_string(config_.connect_timeout_ms) + " ms");
    else if (by_us_)
      error = Error::make(Code::cancelled, "stream: closed while connecting");
    finish(std::move(error));
  }

  void ws_handshake() {
    if (finished_) return;
    if (closing_) return finish(std::nullopt);
    timer_.cancel();
    ws_.set_option(timeouts());
    const std::string agent = config_.user_agent.empty() ? std::string("directline-c") : config_.user_agent;
    ws_.set_option(websocket::stream_base::decorator(
        [agent](websocket::request_type &req) { req.set(http::field::user_agent, agent); }));
    ws_.read_message_max(config_.max_message_bytes);
    ws_.write_buffer_bytes(256);  // only empty pings and the close frame are written
    ws_.async_handshake(handshake_response_, route_.host_header(), target_,
                        [self = this->shared_from_this()](beast::error_code e) { self->on_handshake(e); });
  }

  void on_handshake(beast::error_code ec) {
    if (finished_) return;
    if (ec) {
      const int status = handshake_response_.result_int();
      handshake_response_ = {};
      if (status != 0 && status != 101) {
        http_status_ = status;
        return finish(Error::make(code_for_handshake_status(status),
                                  "stream handshake rejected (HTTP " + std::to_string(status) + ")", status));
      }
      if (by_us_) return finish(std::nullopt);
      return finish(error_from(ec, "stream handshake"));
    }
    handshake_response_ = {};
    opened_ = true;
    if (closing_) return do_close_open();
    ws_.control_callback([](websocket::frame_type, beast::string_view) {});
    if (callbacks_.on_open) callbacks_.on_open();
    read_next();
    arm_ping();
  }

  void read_next() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](beast::error_code e, std::size_t) {
      self->on_read(e);
    });
  }

  void on_read(beast::error_code ec) {
    if (ec) {
      if (ec == websocket::error::closed) {
        const auto &reason = ws_.reason();
        close_code_ = static_cast<int>(reason.code);
        close_reason_ = std::string(reason.reason.data(), reason.reason.size());
        return finish(std::nullopt);
      }
      if (finished_) return;
      if (by_us_) return finish(std::nullopt);
      return finish(error_from(ec, "stream read"));
    }
    if (finished_) return;
    bool more = true;
    if (ws_.got_text() && buffer_.size() > 0) {
      std::string text = beast::buffers_to_string(buffer_.data());
      buffer_.consume(buffer_.size());
      if (callbacks_.on_text) more = callbacks_.on_text(std::move(text));
    } else {
      buffer_.consume(buffer_.size());  // keep-alive (empty) or binary frame: ignored
    }
    if (buffer_.capacity() > 16384) buffer_ = beast::flat_buffer();  // give back a large frame's memory
    if (finished_ || closing_) return;
    if (!more) {
      // Backpressure: leave the socket unread; no idle deadline while the caller catches up.
      paused_ = true;
      websocket::stream_base::timeout none;
      none.handshake_timeout = websocket::stream_base::none();
      none.idle_timeout = websocket::stream_base::none();
      none.keep_alive_pings = false;
      ws_.set_option(none);
      return;
    }
    read_next();
  }

  void arm_ping() {
    if (config_.ping_interval_ms <= 0 || finished_) return;
    timer_.expires_after(std::chrono::milliseconds(config_.ping_interval_ms));
    timer_.async_wait([self = this->shared_from_this()](beast::error_code e) {
      if (e || self->finished_ || self->closing_) return;
      if (!self->writing_) {
        self->writing_ = true;
        // An empty text frame: the service ignores it.
        self->ws_.text(true);
        self->ws_.async_write(asio::const_buffer(nullptr, 0),
                              [self](beast::error_code, std::size_t) { self->writing_ = false; });
      }
      self->arm_ping();
    });
  }

  void drop_socket() {
    if (resolver_) resolver_->cancel();
    beast::error_code ignored;
    tcp_layer().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    tcp_layer().close();
  }

  void do_close() {
    if (finished_ || closing_) return;
    closing_ = true;
    by_us_ = true;
    timer_.cancel();
    if (!opened_) {
      drop_socket();  // nothing to say to the server; the pending step completes and finishes
      return;
    }
    do_close_open();
  }

  void do_close_open() {
    if (writing_ || paused_) {
      // A write in flight, or unread frames queued ahead of the server's close
      // frame: just drop the socket.
      drop_socket();
      return finish(std::nullopt);
    }
    ws_.async_close(websocket::close_code::normal, [self = this->shared_from_this()](beast::error_code) {
      self->drop_socket();
      self->finish(std::nullopt);
    });
  }

  void finish(std::optional<Error> error) {
    if (finished_) return;
    finished_ = true;
    timer_.cancel();
    drop_socket();
    WsClosed closed;
    closed.opened = opened_;
    closed.by_us = by_us_;
    closed.close_code = close_code_;
    closed.close_reason = std::move(close_reason_);
    closed.http_status = http_status_;
    closed.error = std::move(error);
    auto on_closed = std::move(callbacks_.on_closed);
    callbacks_ = {};  // break reference cycles through captured owners
    buffer_ = beast::flat_buffer();
    if (on_closed) on_closed(closed);
  }

  Strand strand_;
  WsConfig config_;
  Callbacks callbacks_;
  Route route_;
  std::string target_;
  std::shared_ptr<asio::ssl::context> tls_context_;
  WsStream ws_;
  asio::steady_timer timer_;  // connect deadline, then the ping interval
  std::shared_ptr<tcp::resolver> resolver_;
  beast::flat_buffer buffer_;
  websocket::response_type handshake_response_;
  bool opened_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool paused_ = false;
  bool by_us_ = false;
  bool timed_out_ = false;
  bool finished_ = false;
  int close_code_ = 0;
  int http_status_ = 0;
  std::string close_reason_;
};

// A connection that failed before it could exist (bad URL, TLS setup).
class FailedConnection final : public WsConnection, public std::enable_shared_from_this<FailedConnection> {
 public:
  FailedConnection(Strand strand, Callbacks callbacks, Error error)
      : strand_(strand), callbacks_(std::move(callbacks)), error_(std::move(error)) {}
  void start() {
    asio::post(strand_, [self = shared_from_this()] { self->report(); });
  }
  void resume() override {}
  void close() override { start(); }

 private:
  void report() {
    auto on_closed = std::move(callbacks_.on_closed);
    callbacks_ = {};
    if (!on_closed) return;
    WsClosed closed;
    closed.error = error_;
    on_closed(closed);
  }
  Strand strand_;
  Callbacks callbacks_;
  Error error_;
};

}  // namespace

std::shared_ptr<WsConnection> WsConnection::open(Strand strand, const std::string &url, WsConfig config,
                                                 Callbacks callbacks) {
  std::string target;
  auto route = stream_route(url, config, target);
  auto failed = [&](Error error) {
    auto connection = std::make_shared<FailedConnection>(strand, std::move(callbacks), std::move(error));
    connection->start();
    return connection;
  };
  if (!route) return failed(route.error());
  if (route->tls) {
    auto ctx = tls_context(config.tls);
    if (!ctx) return failed(ctx.error());
    auto session = std::make_shared<Session<TlsWs>>(strand, std::move(config), std::move(callbacks),
                                                    std::move(*route), std::move(target), *ctx);
    session->start();
    return session;
  }
  auto session = std::make_shared<Session<PlainWs>>(strand, std::move(config), std::move(callbacks),
                                                    std::move(*route), std::move(target), nullptr);
  session->start();
  return session;
}

}  // namespace directline::core::net
