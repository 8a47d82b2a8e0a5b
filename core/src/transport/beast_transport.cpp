// The default HttpTransport: HTTP/1.1 on Boost.Beast.
//
// Connections are pooled per origin (and proxy) and reused for every method.
// A new connection is dialed with the same code as the stream (resolve on the
// runtime, connect, proxy tunnel, TLS), driven by the caller's thread; the
// exchange itself then runs synchronously on the caller's thread too, so a
// request on a pooled connection costs no thread hand-off. Its deadline (and the conversation's close) is
// enforced from outside: the runtime's deadline thread, or the cancelling
// thread, shuts the socket down, and the blocked read or write fails.
//
// Idle connections: taking one from the pool first peeks at it; a connection
// the server closed (or wrote to unasked) is dropped before a byte is
// written to it, and so is one idle past idle_timeout_ms. A sweep on the
// runtime closes such connections while the client is idle, too. A request
// that finds a pooled connection dead when it writes its first byte moves to
// another connection: the only automatic re-send (nothing reached the server).
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <unordered_map>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "log.hpp"
#include "net/dial.hpp"
#include "net/errors.hpp"
#include "net/runtime.hpp"
#include "net/tls.hpp"
#include "protocol/url.hpp"
#include "transport/http_transport.hpp"

namespace directline::core {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;
using net::Route;
using tcp = asio::ip::tcp;

constexpr std::size_t kHeaderLimit = 64 * 1024;

// One keep-alive connection, used by one caller at a time. Its socket lives
// on an io_context of its own that only the caller dialing it runs: the
// runtime's I/O threads never see it, so a response arriving on it wakes
// nobody but the caller blocked on the read.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection() : io_(std::make_unique<asio::io_context>(1)) {}
  virtual ~Connection() = default;

  virtual beast::tcp_stream &tcp_layer() = 0;
  virtual bool is_tls() const = 0;
  // Blocking, on the caller's thread; interrupted by interrupt().
  virtual std::size_t write(http::request<http::string_body> &request, beast::error_code &ec) = 0;
  virtual void read(http::response_parser<http::string_body> &parser, beast::error_code &ec) = 0;

  // Resolves on the runtime, then connects (tunnel, TLS) on the caller's
  // thread; error if it failed. An abort closes the socket (interrupt(true)).
  std::optional<Error> dial(const Route &route, bool skip_verify, Clock::time_point connect_by) {
    auto endpoints = net::resolve(route, connect_by);
    if (!endpoints) return endpoints.error();
    std::optional<std::optional<Error>> result;
    net::connect(tcp_layer(), *endpoints, route, [this, &result, route, skip_verify](std::optional<Error> error) {
      if (error || !is_tls()) {
        result.emplace(std::move(error));
        return;
      }
      handshake(route, skip_verify, [&result](std::optional<Error> e) { result.emplace(std::move(e)); });
    });
    // The runtime's deadline closes the socket at connect_by; the margin only
    // matters if that thread is gone (process exit).
    io_->run_until(connect_by + std::chrono::seconds(5));
    if (!result) {
      close();
      io_->restart();
      io_->run();  // the pending step completes (aborted)
      return Error::make(Code::timeout, "connecting: no answer");
    }
    io_->restart();
    if (!*result) {
      // From now on only blocking calls: a blocking descriptor makes each read
      // one recv, where non-blocking mode costs recv, poll, recv.
      beast::error_code ignored;
      tcp_layer().socket().native_non_blocking(false, ignored);
    }
    return *result;
  }

  // From another thread: makes the pending step fail. While dialing, the
  // socket is closed by the dialing thread (through its io_context); during a
  // blocking exchange it is shut down, which wakes the blocked call (the
  // descriptor stays valid).
  void interrupt(bool dialing) {
    if (dialing) {
      // Weak: posted after the dial ended, it stays queued and must not keep the connection alive.
      asio::post(*io_, [weak = weak_from_this()] {
        if (auto self = weak.lock()) self->close();
      });
      return;
    }
    ::shutdown(tcp_layer().socket().native_handle(), SHUT_RDWR);
  }

  // Open with nothing to read: neither an answer nor the end of the stream waiting.
  bool quiet() {
    if (!tcp_layer().socket().is_open()) return false;
    char byte;
    const ssize_t n = ::recv(tcp_layer().socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }

  void close() {
    beast::error_code ignored;
    tcp_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
    tcp_layer().socket().close(ignored);
  }

  beast::flat_buffer buffer;
  Clock::time_point idle_since;

 protected:
  virtual void handshake(const Route &route, bool skip_verify, net::Done done) = 0;
  asio::io_context::executor_type executor() { return io_->get_executor(); }

 private:
  std::unique_ptr<asio::io_context> io_;  // declared first: destroyed after the stream
};

template <typename Stream>
class ConnectionOn final : public Connection {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, net::TlsStream>;

  explicit ConnectionOn(std::shared_ptr<asio::ssl::context> tls)
      : tls_(std::move(tls)), stream_(make(executor(), tls_.get())) {}

  beast::tcp_stream &tcp_layer() override { return beast::get_lowest_layer(stream_); }
  bool is_tls() const override { return kTls; }

  std::size_t write(http::request<http::string_body> &request, beast::error_code &ec) override {
    return http::write(stream_, request, ec);
  }
  void read(http::response_parser<http::string_body> &parser, beast::error_code &ec) override {
    http::read(stream_, buffer, parser, ec);
  }

 protected:
  void handshake(const Route &route, bool skip_verify, net::Done done) override {
    if constexpr (kTls)
      net::tls_handshake(stream_, route, skip_verify, std::move(done));
    else
      done(std::nullopt);
  }

 private:
  static Stream make(asio::io_context::executor_type executor, asio::ssl::context *tls) {
    if constexpr (kTls)
      return Stream(executor, *tls);
    else
      return Stream(executor);
  }

  std::shared_ptr<asio::ssl::context> tls_;
  Stream stream_;
};

// The pool of idle connections of one client.
class Pool : public std::enable_shared_from_this<Pool> {
 public:
  Pool(std::size_t max_idle, int idle_timeout_ms)
      : max_idle_(std::max<std::size_t>(1, max_idle)),
        idle_timeout_(std::chrono::milliseconds(std::max(1, idle_timeout_ms))),
        sweep_timer_(net::Runtime::instance().io()) {}

  // A live idle connection for key, or null.
  std::shared_ptr<Connection> take(const std::string &key) {
    std::vector<std::shared_ptr<Connection>> dead;
    std::shared_ptr<Connection> found;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = idle_.find(key);
      if (it == idle_.end()) return nullptr;
      auto &list = it->second;
      const auto now = Clock::now();
      while (!list.empty() && !found) {
        auto connection = std::move(list.back());  // most recently used: least likely timed out
        list.pop_back();
        if (now - connection->idle_since < idle_timeout_ && connection->quiet())
          found = std::move(connection);
        else
          dead.push_back(std::move(connection));
      }
    }
    for (auto &connection : dead) connection->close();
    return found;
  }

  void give_back(const std::string &key, std::shared_ptr<Connection> connection) {
    connection->idle_since = Clock::now();
    bool arm = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto &list = idle_[key];
      if (!closed_ && list.size() < max_idle_) {
        list.push_back(std::move(connection));
        arm = !sweeping_;
        sweeping_ = true;
      }
    }
    if (connection) connection->close();  // not kept
    if (arm) arm_sweep();
  }

  void close_all() {
    std::unordered_map<std::string, std::vector<std::shared_ptr<Connection>>> idle;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
      idle.swap(idle_);
    }
    for (auto &entry : idle)
      for (auto &connection : entry.second) connection->close();
    asio::post(sweep_timer_.get_executor(), [self = shared_from_this()] { self->sweep_timer_.cancel(); });
  }

 private:
  // While connections are idle: close the dead and the expired every half idle timeout.
  void arm_sweep() {
    asio::post(sweep_timer_.get_executor(), [self = shared_from_this()] {
      self->sweep_timer_.expires_after(self->idle_timeout_ / 2);
      self->sweep_timer_.async_wait([weak = std::weak_ptr<Pool>(self)](beast::error_code ec) {
        if (ec) return;
        if (auto pool = weak.lock()) pool->sweep();
      });
    });
  }

  void sweep() {
    std::vector<std::shared_ptr<Connection>> dead;
    bool again;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const auto now = Clock::now();
      for (auto &entry : idle_) {
        auto &list = entry.second;
        auto keep = std::partition(list.begin(), list.end(), [&](const std::shared_ptr<Connection> &c) {
          return now - c->idle_since < idle_timeout_ && c->quiet();
        });
        std::move(keep, list.end(), std::back_inserter(dead));
        list.erase(keep, list.end());
      }
      bool any = false;
      for (auto &entry : idle_) any = any || !entry.second.empty();
      again = any && !closed_;
      sweeping_ = again;
    }
    for (auto &connection : dead) connection->close();
    if (again) arm_sweep();
  }

  const std::size_t max_idle_;
  const std::chrono::milliseconds idle_timeout_;
  std::mutex mutex_;
  bool closed_ = false;
  bool sweeping_ = false;
  std::unordered_map<std::string, std::vector<std::shared_ptr<Connection>>> idle_;
  asio::steady_timer sweep_timer_;  // used on the runtime only
};

// The abort switch of one exchange, thrown by its deadline or by cancellation.
class Abort {
 public:
  void fire(Code why) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (reason_ == Code::ok) reason_ = why;
    if (connection_) connection_->interrupt(dialing_);
  }
  Code reason() {
    std::lock_guard<std::mutex> lock(mutex_);
    return reason_;
  }
  // Which connection an abort must interrupt, and how; null: none (nothing
  // blocks). Attaching after an abort interrupts at once.
  void attach(Connection *connection, bool dialing) {
    std::lock_guard<std::mutex> lock(mutex_);
    connection_ = connection;
    dialing_ = dialing;
    if (connection_ && reason_ != Code::ok) connection_->interrupt(dialing_);
  }

 private:
  std::mutex mutex_;
  Code reason_ = Code::ok;
  Connection *connection_ = nullptr;
  bool dialing_ = false;
};

// Arms a runtime deadline for the scope.
class DeadlineGuard {
 public:
  DeadlineGuard(Clock::time_point when, std::shared_ptr<Abort> abort)
      : id_(net::Runtime::instance().arm_deadline(when, [abort] { abort->fire(Code::timeout); })) {}
  ~DeadlineGuard() { net::Runtime::instance().disarm_deadline(id_); }
  DeadlineGuard(const DeadlineGuard &) = delete;
  DeadlineGuard &operator=(const DeadlineGuard &) = delete;

 private:
  uint64_t id_;
};

class BeastTransport final : public HttpTransport {
 public:
  BeastTransport(const TransportOptions &options, std::shared_ptr<const net::ProxyRules> proxy)
      : options_(options),
        tls_{options.ca_file, options.skip_tls_verify},
        proxy_(std::move(proxy)),
        pool_(std::make_shared<Pool>(options.max_idle_per_origin, options.idle_timeout_ms)) {}

  ~BeastTransport() override { pool_->close_all(); }

  using HttpTransport::send;

  Outcome<HttpResponse> send(const HttpRequest &request, SendReport &report) override {
    report.maybe_sent = false;
    auto parsed = protocol::parse_url(request.url);
    if (!parsed || (parsed->scheme != "http" && parsed->scheme != "https"))
      return Error::make(Code::invalid, "not an http(s) URL");
    Route route;
    route.tls = parsed->scheme == "https";
    route.host = parsed->host;
    route.port = static_cast<uint16_t>(parsed->port);
    if (const net::Proxy *proxy = proxy_ ? proxy_->proxy_for(route.tls, route.host) : nullptr) {
      route.proxy = *proxy;
      route.tunnel = route.tls;  // plain http goes to the proxy in absolute form
    }
    const std::string where = request.method + " to " + route.authority();
    const std::string key = parsed->scheme + "://" + route.authority() +
                            (route.proxy ? " via " + route.proxy->display + route.proxy->authorization : "");

    http::request<http::string_body> req;
    req.method_string(request.method);
    req.version(11);
    if (route.proxy && !route.tunnel) {
      req.target(parsed->scheme + "://" + route.host_header() + parsed->target);
      if (!route.proxy->authorization.empty()) req.set(http::field::proxy_authorization, route.proxy->authorization);
    } else {
      req.target(parsed->target);
    }
    req.set(http::field::host, route.host_header());
    if (!options_.user_agent.empty()) req.set(http::field::user_agent, options_.user_agent);
    for (const auto &h : request.headers) req.insert(h.first, h.second);
    if (!request.body.empty() || !request.content_type.empty()) {
      req.set(http::field::content_type,
              request.content_type.empty() ? "application/octet-stream" : request.content_type);
      req.body() = request.body;
    }
    req.prepare_payload();
    if (log_enabled(LogLevel::debug)) log(LogLevel::debug, where + " " + parsed->path);

    const auto started = Clock::now();
    const int connect_ms = std::max(1, options_.connect_timeout_ms);
    const int request_ms = std::max(1, options_.request_timeout_ms);
    const auto deadline = started + std::chrono::milliseconds(request_ms);
    auto abort = std::make_shared<Abort>();
    net::CancelSubscription on_cancel(request.cancel, [abort] { abort->fire(Code::cancelled); });
    auto aborted = [&](bool connecting) -> std::optional<Error> {
      switch (abort->reason()) {
        case Code::timeout:
          return connecting ? Error::make(Code::timeout, where + ": connecting timed out after " +
                                                             std::to_string(std::min(connect_ms, request_ms)) + " ms")
                            : Error::make(Code::timeout, where + ": no complete response within " +
                                                             std::to_string(request_ms) + " ms");
        case Code::cancelled:
          return Error::make(Code::cancelled, where + ": cancelled (the conversation was closed)");
        default:
          return std::nullopt;
      }
    };
    if (auto e = aborted(true)) return *e;

    for (;;) {
      std::shared_ptr<Connection> connection = pool_->take(key);
      const bool fresh = !connection;
      if (fresh) {
        auto made = make_connection(route);
        if (!made) return made.error();
        connection = std::move(*made);
        std::optional<Error> dial_error;
        {
          const auto connect_by = std::min(deadline, started + std::chrono::milliseconds(connect_ms));
          DeadlineGuard connect_deadline(connect_by, abort);
          abort->attach(connection.get(), /*dialing=*/true);
          dial_error = connection->dial(route, tls_.skip_verify, connect_by);
          abort->attach(nullptr, false);
        }
        if (auto e = aborted(true)) return *e;
        if (dial_error) return *dial_error;  // nothing was sent
      }

      DeadlineGuard response_deadline(deadline, abort);
      abort->attach(connection.get(), /*dialing=*/false);
      beast::error_code ec;
      const std::size_t written = connection->write(req, ec);
      if (ec && written == 0 && !fresh && abort->reason() == Code::ok) {
        // A pooled connection that died unseen: nothing reached the server, so another may carry it.
        abort->attach(nullptr, false);
        connection->close();
        continue;
      }
      // A failed write left the request incomplete unless some of it went out.
      report.maybe_sent = written > 0 || !ec;
      http::response_parser<http::string_body> parser;
      if (!ec) {
        parser.header_limit(kHeaderLimit);
        parser.body_limit(options_.max_response_bytes ? options_.max_response_bytes : (8u << 20));
        connection->read(parser, ec);
      }
      abort->attach(nullptr, false);
      if (auto e = aborted(false)) {
        connection->close();
        return *e;
      }
      if (ec) {
        connection->close();
        if (ec == http::error::end_of_stream)
          return Error::make(Code::network, where + ": the server closed the connection without a response");
        return net::error_from(ec, where);
      }
      auto message = parser.release();
      HttpResponse response;
      response.status = message.result_int();
      for (const auto &field : message)
        response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      response.body = std::move(message.body());
      if (message.keep_alive() && connection->buffer.size() == 0)
        pool_->give_back(key, std::move(connection));
      else
        connection->close();
      if (log_enabled(LogLevel::debug)) log(LogLevel::debug, where + " -> " + std::to_string(response.status));
      return response;
    }
  }

 private:
  Outcome<std::shared_ptr<Connection>> make_connection(const Route &route) {
    if (!route.tls) return std::shared_ptr<Connection>(std::make_shared<ConnectionOn<beast::tcp_stream>>(nullptr));
    auto ctx = net::tls_context(tls_);
    if (!ctx) return ctx.error();
    return std::shared_ptr<Connection>(std::make_shared<ConnectionOn<net::TlsStream>>(*ctx));
  }

  const TransportOptions options_;
  const net::TlsSettings tls_;
  const std::shared_ptr<const net::ProxyRules> proxy_;
  const std::shared_ptr<Pool> pool_;
};

}  // namespace

std::shared_ptr<HttpTransport> make_beast_transport(const TransportOptions &options,
                                                    std::shared_ptr<const net::ProxyRules> proxy) {
  return std::make_shared<BeastTransport>(options, std::move(proxy));
}

}  // namespace directline::core
