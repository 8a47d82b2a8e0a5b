#include "stream/ws_client.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <openssl/ssl.h>

namespace directline::core::stream {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;

namespace {

std::string lower(std::string s) {
  for (auto &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Splits "scheme://authority/rest"; the authority may be [v6]:port.
bool split_url(const std::string &url, std::string &scheme, std::string &host, std::string &port,
               std::string &target) {
  const auto sep = url.find("://");
  if (sep == std::string::npos || sep == 0) return false;
  scheme = lower(url.substr(0, sep));
  const auto auth_begin = sep + 3;
  auto auth_end = url.find_first_of("/?#", auth_begin);
  if (auth_end == std::string::npos) auth_end = url.size();
  std::string authority = url.substr(auth_begin, auth_end - auth_begin);
  if (authority.find('@') != std::string::npos) return false;  // no credentials in stream URLs
  target = url.substr(auth_end);
  if (const auto hash = target.find('#'); hash != std::string::npos) target.erase(hash);
  if (target.empty() || target[0] != '/') target.insert(0, "/");
  if (!authority.empty() && authority[0] == '[') {
    const auto close = authority.find(']');
    if (close == std::string::npos) return false;
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return false;
      port = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.rfind(':');
    if (colon != std::string::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    } else {
      host = authority;
    }
  }
  if (host.empty()) return false;
  for (char c : port)
    if (c < '0' || c > '9') return false;
  if (!port.empty() && (port.size() > 5 || std::stoi(port) == 0 || std::stoi(port) > 65535))
    return false;
  return true;
}

bool is_ip_literal(const std::string &host) {
  beast::error_code ec;
  net::ip::make_address(host, ec);
  return !ec;
}

// One SSL context per (ca_file, skip_verify), shared by every connection:
// loading the system store per socket would cost memory and time.
std::shared_ptr<ssl::context> shared_tls_context(const std::string &ca_file, bool skip_verify,
                                                 Error &error) {
  // Leaked on purpose: io threads may still use it while static destructors run at exit.
  static auto *mutex = new std::mutex;
  static auto *cache = new std::map<std::pair<std::string, bool>, std::shared_ptr<ssl::context>>;
  std::lock_guard<std::mutex> lock(*mutex);
  auto key = std::make_pair(ca_file, skip_verify);
  if (auto it = cache->find(key); it != cache->end()) return it->second;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  beast::error_code ec;
  if (skip_verify) {
    ctx->set_verify_mode(ssl::verify_none);
  } else {
    if (ca_file.empty())
      ctx->set_default_verify_paths(ec);
    else
      ctx->load_verify_file(ca_file, ec);
    if (ec) {
      error = Error::make(Code::tls, "cannot load the trusted certificates: " + ec.message());
      return nullptr;
    }
    ctx->set_verify_mode(ssl::verify_peer);
  }
  cache->emplace(key, ctx);
  return ctx;
}

Error map_error(const beast::error_code &ec, const char *stage) {
  std::string what = std::string("stream ") + stage + ": " + ec.message();
  if (ec == beast::error::timeout || ec == net::error::timed_out)
    return Error::make(Code::timeout, what);
  if (ec.category() == net::error::get_ssl_category() ||
      ec.category() == net::ssl::error::get_stream_category())
    return Error::make(Code::tls, what);
  return Error::make(Code::network, what);
}

Code code_for_handshake_status(int status) {
  switch (status) {
    case 401: return Code::unauthorized;
    case 403: return Code::forbidden;
    case 404: return Code::not_found;
    case 429: return Code::throttled;
    default: return status >= 500 ? Code::server : Code::protocol;
  }
}

}  // namespace

bool is_loopback_host(const std::string &host) {
  const std::string h = lower(host);
  if (h == "localhost" || h == "::1") return true;
  beast::error_code ec;
  auto addr = net::ip::make_address(h, ec);
  return !ec && addr.is_loopback();
}

Outcome<WsUrl> parse_ws_url(const std::string &url) {
  std::string scheme, host, port, target;
  if (!split_url(url, scheme, host, port, target))
    return Error::make(Code::invalid, "malformed stream URL");
  WsUrl out;
  if (scheme == "ws" || scheme == "http") {
    out.tls = false;
  } else if (scheme == "wss" || scheme == "https") {
    out.tls = true;
  } else {
    return Error::make(Code::invalid, "unsupported stream URL scheme: " + scheme);
  }
  out.host = host;
  out.port = port.empty() ? (out.tls ? "443" : "80") : port;
  out.target = target;
  return out;
}

namespace {

using PlainStream = websocket::stream<beast::tcp_stream>;
using TlsStream = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

template <typename WsStream>
class Session final : public WsConnection, public std::enable_shared_from_this<Session<WsStream>> {
 public:
  static constexpr bool kTls = std::is_same_v<WsStream, TlsStream>;

  Session(Strand strand, WsConfig config, Callbacks callbacks, std::shared_ptr<ssl::context> tls)
      : strand_(strand),
        config_(std::move(config)),
        callbacks_(std::move(callbacks)),
        tls_context_(std::move(tls)),
        ws_(make_stream(strand, tls_context_.get())),
        ping_timer_(strand) {}

  void start(const std::string &url) {
    net::post(strand_, [self = this->shared_from_this(), url] { self->do_start(url); });
  }

  void close() override {
    net::post(strand_, [self = this->shared_from_this()] { self->do_close(); });
  }

 private:
  static WsStream make_stream(Strand strand, ssl::context *tls) {
    if constexpr (kTls)
      return WsStream(strand, *tls);
    else
      return WsStream(strand);
  }

  auto &tcp_layer() { return beast::get_lowest_layer(ws_); }

  void do_start(const std::string &url) {
    if (finished_) return;
    auto parsed = parse_ws_url(url);
    if (!parsed) return finish(parsed.error());
    url_ = parsed.value();
    if (!url_.tls && !config_.allow_insecure && !is_loopback_host(url_.host))
      return finish(Error::make(Code::insecure, "plain ws:// to a non-loopback host is not allowed"));
    std::string connect_host = url_.host, connect_port = url_.port;
    if (!config_.proxy.empty()) {
      auto proxy = parse_ws_url(config_.proxy);
      if (!proxy) return finish(Error::make(Code::invalid, "malformed proxy URL"));
      connect_host = proxy->host;
      connect_port = proxy->port;
      via_proxy_ = true;
    }
    tcp_layer().expires_after(std::chrono::milliseconds(config_.connect_timeout_ms));
    beast::error_code ec;
    auto address = net::ip::make_address(connect_host, ec);
    if (!ec) {
      // Numeric host: no resolver round trip.
      tcp::endpoint endpoint(address, static_cast<unsigned short>(std::stoi(connect_port)));
      tcp_layer().async_connect(endpoint, [self = this->shared_from_this()](beast::error_code e) {
        self->on_connected(e);
      });
      return;
    }
    resolver_ = std::make_unique<tcp::resolver>(strand_);
    resolver_->async_resolve(
        connect_host, connect_port,
        [self = this->shared_from_this()](beast::error_code e, tcp::resolver::results_type results) {
          self->resolver_.reset();
          if (self->finished_) return;
          if (e) return self->finish(map_error(e, "resolve"));
          self->tcp_layer().async_connect(
              results, [self](beast::error_code e2, const tcp::endpoint &) { self->on_connected(e2); });
        });
  }

  void on_connected(beast::error_code ec) {
    if (finished_) return;
    if (ec) return finish(map_error(ec, "connect"));
    if (via_proxy_) return proxy_connect();
    after_tunnel();
  }

  void proxy_connect() {
    auto request = std::make_shared<http::request<http::empty_body>>();
    const std::string authority =
        (url_.host.find(':') != std::string::npos ? "[" + url_.host + "]" : url_.host) + ":" + url_.port;
    request->method(http::verb::connect);
    request->target(authority);
    request->version(11);
    request->set(http::field::host, authority);
    http::async_write(tcp_layer(), *request,
                      [self = this->shared_from_this(), request](beast::error_code e, std::size_t) {
                        if (self->finished_) return;
                        if (e) return self->finish(map_error(e, "proxy"));
                        self->proxy_read();
                      });
  }

  void proxy_read() {
    auto parser = std::make_shared<http::response_parser<http::empty_body>>();
    parser->skip(true);  // a CONNECT response has no body
    auto buffer = std::make_shared<beast::flat_buffer>();
    http::async_read(tcp_layer(), *buffer, *parser,
                     [self = this->shared_from_this(), parser, buffer](beast::error_code e, std::size_t) {
                       if (self->finished_) return;
                       if (e) return self->finish(map_error(e, "proxy"));
                       const int status = parser->get().result_int();
                       if (status != 200)
                         return self->finish(Error::make(
                             Code::network, "stream proxy refused the tunnel (HTTP " +
                                                std::to_string(status) + ")"));
                       self->after_tunnel();
                     });
  }

  void after_tunnel() {
    if constexpr (kTls) {
      auto &tls = ws_.next_layer();
      if (!is_ip_literal(url_.host) &&
          !SSL_set_tlsext_host_name(tls.native_handle(), url_.host.c_str()))
        return finish(Error::make(Code::tls, "cannot set the TLS server name"));
      if (!config_.skip_verify) tls.set_verify_callback(ssl::host_name_verification(url_.host));
      tls.async_handshake(ssl::stream_base::client, [self = this->shared_from_this()](beast::error_code e) {
        if (self->finished_) return;
        if (e) return self->finish(Error::make(Code::tls, "stream TLS handshake: " + e.message()));
        self->ws_handshake();
      });
    } else {
      ws_handshake();
    }
  }

  void ws_handshake() {
    tcp_layer().expires_never();  // from here on the websocket timeouts apply
    websocket::stream_base::timeout timeouts;
    timeouts.handshake_timeout = std::chrono::milliseconds(config_.connect_timeout_ms);
    timeouts.idle_timeout = config_.idle_timeout_ms > 0
                                ? websocket::stream_base::duration(std::chrono::milliseconds(config_.idle_timeout_ms))
                                : websocket::stream_base::none();
    timeouts.keep_alive_pings = true;  // a control ping at half the idle timeout
    ws_.set_option(timeouts);
    const std::string agent = config_.user_agent;
    ws_.set_option(websocket::stream_base::decorator([agent](websocket::request_type &req) {
      req.set(http::field::user_agent, agent.empty() ? std::string("directline-c") : agent);
    }));
    ws_.read_message_max(64u << 20);
    const bool default_port = url_.port == (url_.tls ? "443" : "80");
    std::string host_header = url_.host.find(':') != std::string::npos ? "[" + url_.host + "]" : url_.host;
    if (!default_port) host_header += ":" + url_.port;
    ws_.async_handshake(handshake_response_, host_header, url_.target,
                        [self = this->shared_from_this()](beast::error_code e) { self->on_handshake(e); });
  }

  void on_handshake(beast::error_code ec) {
    if (finished_) return;
    if (ec) {
      const int status = handshake_response_.result_int();
      handshake_response_ = {};
      if (status != 0 && status != 101) {
        Error e = Error::make(code_for_handshake_status(status),
                              "stream handshake rejected (HTTP " + std::to_string(status) + ")", status);
        http_status_ = status;
        return finish(std::move(e));
      }
      return finish(map_error(ec, "handshake"));
    }
    handshake_response_ = {};
    opened_ = true;
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
      return finish(map_error(ec, "read"));
    }
    if (finished_) return;
    if (ws_.got_text() && buffer_.size() > 0) {
      std::string text = beast::buffers_to_string(buffer_.data());
      buffer_.consume(buffer_.size());
      if (callbacks_.on_text) callbacks_.on_text(std::move(text));
    } else {
      buffer_.consume(buffer_.size());  // keep-alive (empty) or binary frame: ignored
    }
    if (buffer_.capacity() > 16384) buffer_ = beast::flat_buffer();  // give back a large frame's memory
    if (!finished_) read_next();
  }

  void arm_ping() {
    if (config_.ping_interval_ms <= 0 || finished_) return;
    ping_timer_.expires_after(std::chrono::milliseconds(config_.ping_interval_ms));
    ping_timer_.async_wait([self = this->shared_from_this()](beast::error_code e) {
      if (e || self->finished_) return;
      if (!self->writing_) {
        self->writing_ = true;
        // An empty text frame: the service ignores it (PROTOCOL 1.5.8).
        self->ws_.text(true);
        self->ws_.async_write(net::const_buffer(nullptr, 0),
                              [self](beast::error_code, std::size_t) { self->writing_ = false; });
      }
      self->arm_ping();
    });
  }

  void do_close() {
    if (finished_ || closing_) return;
    closing_ = true;
    by_us_ = true;
    ping_timer_.cancel();
    if (resolver_) resolver_->cancel();
    if (!opened_ || writing_) {
      // Nothing to say to the server, or a write in flight: just drop the socket.
      beast::error_code ignored;
      tcp_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
      tcp_layer().close();
      return finish(std::nullopt);
    }
    ws_.async_close(websocket::close_code::normal, [self = this->shared_from_this()](beast::error_code) {
      beast::error_code ignored;
      self->tcp_layer().close();
      self->finish(std::nullopt);
    });
  }

  void finish(std::optional<Error> error) {
    if (finished_) return;
    finished_ = true;
    ping_timer_.cancel();
    if (!closing_) {
      beast::error_code ignored;
      tcp_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
      tcp_layer().close();
    }
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
  std::shared_ptr<ssl::context> tls_context_;
  WsStream ws_;
  net::steady_timer ping_timer_;
  std::unique_ptr<tcp::resolver> resolver_;
  beast::flat_buffer buffer_;
  websocket::response_type handshake_response_;
  WsUrl url_;
  bool via_proxy_ = false;
  bool opened_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool by_us_ = false;
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
  void start(const std::string &) {
    net::post(strand_, [self = shared_from_this()] { self->report(); });
  }
  void close() override {
    net::post(strand_, [self = shared_from_this()] { self->report(); });
  }

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
  auto parsed = parse_ws_url(url);
  if (!parsed) {
    auto failed = std::make_shared<FailedConnection>(strand, std::move(callbacks), parsed.error());
    failed->start(url);
    return failed;
  }
  if (parsed->tls) {
    Error error;
    auto ctx = shared_tls_context(config.ca_file, config.skip_verify, error);
    if (!ctx) {
      auto failed = std::make_shared<FailedConnection>(strand, std::move(callbacks), error);
      failed->start(url);
      return failed;
    }
    auto session = std::make_shared<Session<TlsStream>>(strand, std::move(config), std::move(callbacks), ctx);
    session->start(url);
    return session;
  }
  auto session = std::make_shared<Session<PlainStream>>(strand, std::move(config), std::move(callbacks), nullptr);
  session->start(url);
  return session;
}

}  // namespace directline::core::stream
