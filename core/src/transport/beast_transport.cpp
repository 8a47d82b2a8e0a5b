// The default HttpTransport: HTTP/1.1 on Boost.Beast over the shared runtime.
//
// Connections are pooled per origin (and proxy) and reused for every method.
// An idle pooled connection has a readiness wait outstanding: a peer that
// closes it (or sends anything unasked) is noticed and the connection dropped
// before anyone writes to it. Taking a connection cancels that wait, and the
// wait's completion decides: cancelled -> write the request; readable -> the
// connection was dead before a byte was written, so the request moves to
// another connection. That is the only automatic re-send.
//
// Deadlines: one timer per exchange, armed at min(connect deadline, request
// deadline) while connecting and at the request deadline afterwards; chunks of
// a slow body never move it. Abort (deadline or cancellation) closes the socket.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <unordered_map>
#include <vector>

#include <sys/socket.h>

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
using net::Strand;

constexpr std::size_t kHeaderLimit = 64 * 1024;

class Pool;
class Connection;

// One request, from the caller's thread to its completion on a connection.
struct Exchange : std::enable_shared_from_this<Exchange> {
  http::request<http::string_body> request;
  std::string where;  // "POST to host:port"
  Route route;
  std::string pool_key;
  Clock::time_point connect_deadline;
  Clock::time_point deadline;
  int connect_timeout_ms = 0;
  int request_timeout_ms = 0;
  std::size_t body_limit = 0;

  std::mutex mutex;
  std::condition_variable finished;
  bool done = false;
  std::optional<Outcome<HttpResponse>> result;
  bool maybe_sent = false;
  Code abort_reason = Code::ok;            // timeout or cancelled once aborted
  std::shared_ptr<Connection> connection;  // where it runs now

  void complete(Outcome<HttpResponse> outcome) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (done) return;
      done = true;
      result.emplace(std::move(outcome));
      connection.reset();
    }
    finished.notify_all();
  }
  void abort(Code reason);
};

class Pool : public std::enable_shared_from_this<Pool> {
 public:
  Pool(net::TlsSettings tls, std::size_t max_idle, int idle_timeout_ms)
      : tls_(std::move(tls)), max_idle_(std::max<std::size_t>(1, max_idle)), idle_timeout_ms_(idle_timeout_ms) {}

  const net::TlsSettings &tls() const { return tls_; }
  int idle_timeout_ms() const { return idle_timeout_ms_; }

  std::shared_ptr<Connection> take(const std::string &key) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = idle_.find(key);
    if (it == idle_.end() || it->second.empty()) return nullptr;
    auto connection = std::move(it->second.back());  // most recently used: least likely timed out
    it->second.pop_back();
    return connection;
  }

  bool give_back(const std::string &key, std::shared_ptr<Connection> connection) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return false;
    auto &list = idle_[key];
    if (list.size() >= max_idle_) return false;
    list.push_back(std::move(connection));
    return true;
  }

  void forget(const std::string &key, const Connection *connection) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = idle_.find(key);
    if (it == idle_.end()) return;
    auto &list = it->second;
    list.erase(std::remove_if(list.begin(), list.end(), [&](const auto &c) { return c.get() == connection; }),
               list.end());
  }

  void close_all();

 private:
  const net::TlsSettings tls_;
  const std::size_t max_idle_;
  const int idle_timeout_ms_;
  std::mutex mutex_;
  bool closed_ = false;
  std::unordered_map<std::string, std::vector<std::shared_ptr<Connection>>> idle_;
};

void run_exchange(const std::shared_ptr<Pool> &pool, const std::shared_ptr<Exchange> &ex);

// One keep-alive connection; everything below runs on its strand.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Strand strand, std::weak_ptr<Pool> pool, std::string key, bool skip_verify)
      : skip_verify_(skip_verify),
        strand_(std::move(strand)),
        pool_(std::move(pool)),
        key_(std::move(key)),
        timer_(strand_) {}
  virtual ~Connection() = default;

  // Starts ex here: a fresh connection dials first, a pooled one leaves idle first.
  void run(std::shared_ptr<Exchange> ex, bool fresh) {
    asio::post(strand_, [self = shared_from_this(), ex = std::move(ex), fresh]() mutable {
      if (fresh)
        self->connect(std::move(ex));
      else
        self->resume(std::move(ex));
    });
  }

  // Deadline passed or cancelled: closing the socket makes the pending step fail.
  void abort(std::shared_ptr<Exchange> ex) {
    asio::post(strand_, [self = shared_from_this(), ex = std::move(ex)] {
      if (self->current_ == ex) self->close();
    });
  }

  void shut() {
    asio::post(strand_, [self = shared_from_this()] {
      self->dead_ = true;
      self->close();
    });
  }

 protected:
  using tcp = asio::ip::tcp;
  virtual beast::tcp_stream &tcp_layer() = 0;
  virtual bool is_tls() const = 0;
  virtual void handshake(net::Done done) = 0;
  virtual void write(std::function<void(beast::error_code, std::size_t)> done) = 0;
  virtual void read(std::function<void(beast::error_code, std::size_t)> done) = 0;

  std::shared_ptr<Exchange> current_;
  beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::string_body>> parser_;
  const bool skip_verify_;

 private:
  void close() {
    if (resolver_) resolver_->cancel();
    beast::error_code ignored;
    tcp_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
    tcp_layer().close();
  }

  void arm_timer(Clock::time_point when) {
    timer_.expires_at(when);
    timer_.async_wait([self = shared_from_this(), ex = current_](beast::error_code ec) {
      if (ec || self->current_ != ex) return;
      {
        std::lock_guard<std::mutex> lock(ex->mutex);
        if (ex->abort_reason == Code::ok) ex->abort_reason = Code::timeout;
      }
      self->close();
    });
  }

  void connect(std::shared_ptr<Exchange> ex) {
    current_ = std::move(ex);
    connecting_ = true;
    if (aborted()) return fail({});
    arm_timer(std::min(current_->connect_deadline, current_->deadline));
    net::dial(tcp_layer(), resolver_, current_->route, [self = shared_from_this()](std::optional<Error> error) {
      self->resolver_.reset();
      if (error) return self->fail_connect(std::move(*error));
      if (!self->is_tls()) return self->connected();
      self->handshake([self](std::optional<Error> e) {
        if (e) return self->fail_connect(std::move(*e));
        self->connected();
      });
    });
  }

  void connected() {
    connecting_ = false;
    arm_timer(current_->deadline);
    send_request();
  }

  void resume(std::shared_ptr<Exchange> ex) {
    ++idle_generation_;
    if (dead_) return moved_on(std::move(ex));
    pending_ = std::move(ex);
    timer_.cancel();
    beast::error_code ignored;
    tcp_layer().socket().cancel(ignored);  // ends the readiness wait: on_idle_event decides
  }

  // The idle readiness wait completed: cancelled by resume() (reuse the
  // connection), or the peer closed or spoke (dead). Readiness can be stale
  // (an event left from the last response), so a peek decides.
  void on_idle_event(beast::error_code ec) {
    const bool alive = ec == asio::error::operation_aborted || (!ec && quiet());
    if (pending_) {
      auto ex = std::move(pending_);
      if (alive && !dead_) {
        current_ = std::move(ex);
        connecting_ = false;
        if (aborted()) return fail({});
        arm_timer(current_->deadline);
        return send_request();
      }
      dead_ = true;
      close();
      return moved_on(std::move(ex));
    }
    if (ec == asio::error::operation_aborted || dead_) return;  // shut down
    if (alive) return watch_idle();
    dead_ = true;
    close();
    if (auto pool = pool_.lock()) pool->forget(key_, this);
  }

  // Open with nothing to read: neither data nor end of stream waiting.
  bool quiet() {
    char byte;
    const ssize_t n = ::recv(tcp_layer().socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }

  void watch_idle() {
    tcp_layer().socket().async_wait(tcp::socket::wait_read,
                                    [self = shared_from_this()](beast::error_code ec) { self->on_idle_event(ec); });
  }

  // A pooled connection was dead before anything was written: the exchange
  // moves to another connection (the one safe re-send).
  void moved_on(std::shared_ptr<Exchange> ex) {
    if (auto pool = pool_.lock()) return run_exchange(pool, ex);
    ex->complete(Error::make(Code::cancelled, ex->where + ": the client was freed"));
  }

  void send_request() {
    if (is_tls()) mark_maybe_sent();  // encrypted progress does not prove what the peer received
    write([self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
      if (!ec || bytes > 0) self->mark_maybe_sent();
      if (ec) return self->fail(ec);
      self->read_response();
    });
  }

  void read_response() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(current_->body_limit);
    read([self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->fail(ec);
      self->finish_response();
    });
  }

  void finish_response() {
    auto message = parser_->release();
    parser_.reset();
    HttpResponse response;
    response.status = message.result_int();
    for (const auto &field : message)
      response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    response.body = std::move(message.body());
    const bool reusable = message.keep_alive() && buffer_.size() == 0 && !aborted() && !dead_;

    auto ex = std::move(current_);
    timer_.cancel();
    if (reusable) {
      go_idle();
    } else {
      dead_ = true;
      close();
    }
    ex->complete(std::move(response));  // after go_idle(): the caller's next request finds this connection
  }

  void go_idle() {
    auto pool = pool_.lock();
    if (!pool || !pool->give_back(key_, shared_from_this())) {
      dead_ = true;
      close();
      return;
    }
    watch_idle();
    const uint64_t generation = ++idle_generation_;
    timer_.expires_after(std::chrono::milliseconds(pool->idle_timeout_ms()));
    timer_.async_wait([self = shared_from_this(), generation](beast::error_code ec) {
      if (ec || self->idle_generation_ != generation || self->pending_ || self->dead_) return;
      self->dead_ = true;
      self->close();
      if (auto p = self->pool_.lock()) p->forget(self->key_, self.get());
    });
  }

  bool aborted() {
    std::lock_guard<std::mutex> lock(current_->mutex);
    return current_->abort_reason != Code::ok;
  }

  void mark_maybe_sent() {
    std::lock_guard<std::mutex> lock(current_->mutex);
    current_->maybe_sent = true;
  }

  void fail_connect(Error error) {
    if (aborted()) return fail({});
    fail_with(std::move(error));
  }

  void fail(beast::error_code ec) {
    Code reason;
    {
      std::lock_guard<std::mutex> lock(current_->mutex);
      reason = current_->abort_reason;
    }
    const Exchange &ex = *current_;
    if (reason == Code::timeout && connecting_)
      return fail_with(Error::make(Code::timeout, ex.where + ": connecting timed out after " +
                                                      std::to_string(ex.connect_timeout_ms) + " ms"));
    if (reason == Code::timeout)
      return fail_with(Error::make(Code::timeout, ex.where + ": no complete response within " +
                                                      std::to_string(ex.request_timeout_ms) + " ms"));
    if (reason == Code::cancelled)
      return fail_with(Error::make(Code::cancelled, ex.where + ": cancelled (the conversation was closed)"));
    if (ec == http::error::end_of_stream)
      return fail_with(Error::make(Code::network, ex.where + ": the server closed the connection without a response"));
    fail_with(net::error_from(ec, ex.where));
  }

  void fail_with(Error error) {
    auto ex = std::move(current_);
    parser_.reset();
    buffer_.clear();
    timer_.cancel();
    dead_ = true;
    close();
    ex->complete(std::move(error));
  }

  Strand strand_;
  std::weak_ptr<Pool> pool_;
  std::string key_;
  asio::steady_timer timer_;  // the exchange's deadline, or the idle timeout
  std::shared_ptr<tcp::resolver> resolver_;
  std::shared_ptr<Exchange> pending_;  // taken from the pool, waiting for the idle wait to end
  uint64_t idle_generation_ = 0;
  bool connecting_ = false;
  bool dead_ = false;
};

template <typename Stream>
class ConnectionOn final : public Connection {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, net::TlsStream>;

  ConnectionOn(Strand strand, std::weak_ptr<Pool> pool, std::string key, bool skip_verify,
               std::shared_ptr<asio::ssl::context> tls)
      : Connection(strand, std::move(pool), std::move(key), skip_verify),
        tls_(std::move(tls)),
        stream_(make(strand, tls_.get())) {}

 protected:
  beast::tcp_stream &tcp_layer() override { return beast::get_lowest_layer(stream_); }
  bool is_tls() const override { return kTls; }

  void handshake(net::Done done) override {
    if constexpr (kTls)
      net::tls_handshake(stream_, current_->route, skip_verify_, std::move(done));
    else
      done(std::nullopt);
  }
  void write(std::function<void(beast::error_code, std::size_t)> done) override {
    // The exchange owns the request: keep it alive until the write completes.
    http::async_write(stream_, current_->request,
                      [ex = current_, done = std::move(done)](beast::error_code ec, std::size_t n) { done(ec, n); });
  }
  void read(std::function<void(beast::error_code, std::size_t)> done) override {
    http::async_read(stream_, buffer_, *parser_, std::move(done));
  }

 private:
  static Stream make(const Strand &strand, asio::ssl::context *tls) {
    if constexpr (kTls)
      return Stream(strand, *tls);
    else
      return Stream(strand);
  }

  std::shared_ptr<asio::ssl::context> tls_;
  Stream stream_;
};

void Pool::close_all() {
  std::unordered_map<std::string, std::vector<std::shared_ptr<Connection>>> idle;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    idle.swap(idle_);
  }
  for (auto &entry : idle)
    for (auto &connection : entry.second) connection->shut();
}

void Exchange::abort(Code reason) {
  std::shared_ptr<Connection> on;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (done) return;
    if (abort_reason == Code::ok) abort_reason = reason;
    on = connection;
  }
  // Not on a connection yet: the connection checks abort_reason when it starts.
  if (on) on->abort(shared_from_this());
}

void run_exchange(const std::shared_ptr<Pool> &pool, const std::shared_ptr<Exchange> &ex) {
  std::shared_ptr<Connection> connection = pool->take(ex->pool_key);
  const bool fresh = !connection;
  if (fresh) {
    auto strand = net::Runtime::instance().make_strand();
    if (ex->route.tls) {
      auto ctx = net::tls_context(pool->tls());
      if (!ctx) return ex->complete(ctx.error());
      connection = std::make_shared<ConnectionOn<net::TlsStream>>(strand, pool, ex->pool_key,
                                                                   pool->tls().skip_verify, *ctx);
    } else {
      connection = std::make_shared<ConnectionOn<beast::tcp_stream>>(strand, pool, ex->pool_key, false, nullptr);
    }
  }
  {
    std::lock_guard<std::mutex> lock(ex->mutex);
    if (ex->done) return;
    ex->connection = connection;
  }
  connection->run(ex, fresh);
}

class BeastTransport final : public HttpTransport {
 public:
  BeastTransport(const TransportOptions &options, std::shared_ptr<const net::ProxyRules> proxy)
      : options_(options),
        proxy_(std::move(proxy)),
        pool_(std::make_shared<Pool>(net::TlsSettings{options.ca_file, options.skip_tls_verify},
                                     options.max_idle_per_origin, std::max(1, options.idle_timeout_ms))) {}

  ~BeastTransport() override { pool_->close_all(); }

  Outcome<HttpResponse> send(const HttpRequest &request, SendReport &report) override {
    report.maybe_sent = false;
    auto parsed = protocol::parse_url(request.url);
    if (!parsed || (parsed->scheme != "http" && parsed->scheme != "https"))
      return Error::make(Code::invalid, "not an http(s) URL");
    auto ex = std::make_shared<Exchange>();
    Route &route = ex->route;
    route.tls = parsed->scheme == "https";
    route.host = parsed->host;
    route.port = static_cast<uint16_t>(parsed->port);
    if (const net::Proxy *proxy = proxy_ ? proxy_->proxy_for(route.tls, route.host) : nullptr) {
      route.proxy = *proxy;
      route.tunnel = route.tls;  // plain http goes to the proxy in absolute form
    }
    ex->where = request.method + " to " + route.authority();
    ex->pool_key = parsed->scheme + "://" + route.authority() +
                   (route.proxy ? " via " + route.proxy->display + route.proxy->authorization : "");

    auto &req = ex->request;
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

    const auto now = Clock::now();
    ex->connect_timeout_ms = std::max(1, options_.connect_timeout_ms);
    ex->request_timeout_ms = std::max(1, options_.request_timeout_ms);
    ex->connect_deadline = now + std::chrono::milliseconds(ex->connect_timeout_ms);
    ex->deadline = now + std::chrono::milliseconds(ex->request_timeout_ms);
    ex->body_limit = options_.max_response_bytes ? options_.max_response_bytes : (8u << 20);

    if (log_enabled(LogLevel::debug)) log(LogLevel::debug, ex->where + " " + std::string(parsed->path));
    {
      std::weak_ptr<Exchange> weak = ex;
      net::CancelSubscription subscription(request.cancel, [weak] {
        if (auto e = weak.lock()) e->abort(Code::cancelled);
      });
      run_exchange(pool_, ex);
      std::unique_lock<std::mutex> lock(ex->mutex);
      // The runtime's timer ends every exchange by its deadline; the margin
      // only matters if the runtime is gone (process exit).
      if (!ex->finished.wait_until(lock, ex->deadline + std::chrono::seconds(5), [&] { return ex->done; }))
        return Error::make(Code::timeout, ex->where + ": no response (the I/O runtime is not running)");
    }
    std::lock_guard<std::mutex> lock(ex->mutex);
    report.maybe_sent = ex->maybe_sent;
    if (ex->result->ok() && log_enabled(LogLevel::debug))
      log(LogLevel::debug, ex->where + " -> " + std::to_string(ex->result->value().status));
    return std::move(*ex->result);
  }

  using HttpTransport::send;

 private:
  const TransportOptions options_;
  const std::shared_ptr<const net::ProxyRules> proxy_;
  const std::shared_ptr<Pool> pool_;
};

}  // namespace

std::shared_ptr<HttpTransport> make_beast_transport(const TransportOptions &options,
                                                    std::shared_ptr<const net::ProxyRules> proxy) {
  return std::make_shared<BeastTransport>(options, std::move(proxy));
}

}  // namespace directline::core
