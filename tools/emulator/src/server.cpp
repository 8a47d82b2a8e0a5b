#include "server.hpp"

#include <deque>
#include <mutex>
#include <sstream>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "log.hpp"
#include "util.hpp"

namespace dlemu {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

// The loop's concrete executor instead of the type-erased any_io_executor: copying and
// dispatching through the erased one was a measurable share of each request.
using Executor = net::io_context::executor_type;
using Socket = net::basic_stream_socket<tcp, Executor>;
using PlainStream = beast::basic_stream<tcp, Executor, beast::unlimited_rate_policy>;
using TlsStream = beast::ssl_stream<PlainStream>;

namespace {
constexpr auto kReadTimeout = std::chrono::seconds(30);
constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr uint64_t kBodyLimit = 1u << 20;          // ~1 MB for JSON routes
constexpr uint64_t kUploadBodyLimit = 8u << 20;    // uploads carry files
constexpr size_t kMaxQueuedFrames = 20000;         // a reader this far behind is dropped

void shutdown_stream(PlainStream &s) {
  beast::error_code ec;
  s.socket().shutdown(tcp::socket::shutdown_both, ec);
  s.close();
}
void shutdown_stream(TlsStream &s) {
  beast::error_code ec;
  beast::get_lowest_layer(s).socket().shutdown(tcp::socket::shutdown_both, ec);
  beast::get_lowest_layer(s).close();
}

// A live WebSocket registry so shutdown can close them all.
struct SocketRegistry {
  std::mutex mu;
  std::vector<std::weak_ptr<StreamSink>> sinks;
  void add(const std::shared_ptr<StreamSink> &s) {
    std::lock_guard<std::mutex> lock(mu);
    if (sinks.size() > 64 && sinks.size() % 64 == 0)
      sinks.erase(std::remove_if(sinks.begin(), sinks.end(), [](auto &w) { return w.expired(); }),
                  sinks.end());
    sinks.push_back(s);
  }
  void close_all() {
    std::vector<std::shared_ptr<StreamSink>> live;
    {
      std::lock_guard<std::mutex> lock(mu);
      for (auto &w : sinks)
        if (auto s = w.lock()) live.push_back(s);
      sinks.clear();
    }
    for (auto &s : live) s->close(1001, "server shutting down");
  }
};
}  // namespace

// ---------------------------------------------------------------------------
// WebSocket session: sends ActivitySet frames queued by the conversation.
template <typename Stream>
class WsSession : public StreamSink, public std::enable_shared_from_this<WsSession<Stream>> {
 public:
  WsSession(Stream &&stream, std::shared_ptr<Service> service, StreamGrant grant)
      : ws_(std::move(stream)), service_(std::move(service)), grant_(std::move(grant)),
        timer_(ws_.get_executor()) {}

  void run(HttpRequest request, SocketRegistry &registry) {
    registry.add(this->shared_from_this());
    beast::get_lowest_layer(ws_).expires_never();
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.keep_alive_pings = true;  // reaps half-open peers
    ws_.set_option(timeouts);
    ws_.read_message_max(64 * 1024);
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type &res) {
      res.set(http::field::server, "directline-emulator");
    }));
    request_ = std::move(request);
    auto self = this->shared_from_this();
    if (grant_.delay_ms > 0) {
      timer_.expires_after(std::chrono::milliseconds(grant_.delay_ms));
      timer_.async_wait([self](beast::error_code) { self->accept(); });
    } else {
      accept();
    }
  }

  void send_frame(std::shared_ptr<const std::string> frame, bool carries_activities) override {
    hand_over(Item{std::move(frame), carries_activities, false, 0, {}});
  }

  void close(uint16_t code, std::string reason) override {
    hand_over(Item{nullptr, false, true, code, std::move(reason)});
  }

 private:
  struct Item {
    std::shared_ptr<const std::string> frame;
    bool carries_activities;
    bool is_close;
    uint16_t code;
    std::string reason;
  };

  // Frames come from any thread, in the conversation's order (callers hold its
  // lock). A post per frame would not keep that order: posts made from inside
  // a running handler wait in that thread's private queue, so another
  // thread's later frame could be written first and move the watermark past
  // frames the client never got. The inbox keeps the order; a post drains it.
  void hand_over(Item item) {
    {
      std::lock_guard<std::mutex> lock(inbox_mutex_);
      inbox_.push_back(std::move(item));
    }
    net::post(ws_.get_executor(), [self = this->shared_from_this()] { self->drain_inbox(); });
  }

  void drain_inbox() {
    std::deque<Item> items;
    {
      std::lock_guard<std::mutex> lock(inbox_mutex_);
      items.swap(inbox_);
    }
    for (auto &item : items) enqueue(std::move(item));
  }

  void accept() {
    auto self = this->shared_from_this();
    // Attached before the 101 goes out: frames (typing too, which is never replayed) queue
    // until the handshake is done, so a client that posts right after the 101 misses nothing.
    attached_ = service_->attach_stream(grant_, self);
    if (log_enabled(LogLevel::debug))
      log(LogLevel::debug, "stream ", attached_ ? "attached" : "refused (collision)", " from ", grant_.replay_from);
    // A socket whose close has begun no longer owns the conversation's stream: detached
    // before the close reply goes out, so a client that reconnects at once meets no collision.
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::close) detach();
    });
    ws_.async_accept(request_, [self](beast::error_code ec) {
      self->request_ = {};
      if (ec) return self->finish();
      self->accepted_ = true;
      self->schedule_keepalive();
      self->read();
      self->write_next();
    });
  }

  void read() {
    auto self = this->shared_from_this();
    ws_.async_read(read_buffer_, [self](beast::error_code ec, size_t) {
      if (ec) return self->finish();
      // Client frames (empty pings or anything else) are ignored (docs/protocol.md 1.5.8).
      self->read_buffer_.consume(self->read_buffer_.size());
      self->read();
    });
  }

  void schedule_keepalive() {
    int64_t interval = service_->options().keepalive_s;
    if (interval <= 0 || finished_) return;
    timer_.expires_after(std::chrono::seconds(interval));
    auto self = this->shared_from_this();
    timer_.async_wait([self](beast::error_code ec) {
      if (ec || self->finished_) return;
      static const auto empty = std::make_shared<const std::string>();
      self->enqueue(Item{empty, false, false, 0, {}});
      self->schedule_keepalive();
    });
  }

  void enqueue(Item item) {
    if (close_started_ || finished_) return;
    if (queue_.size() >= kMaxQueuedFrames) {
      log(LogLevel::warn, "dropping a WebSocket that does not read its frames");
      queue_.clear();
      queue_.push_back(Item{nullptr, false, true, 1008, "too slow"});
    } else {
      queue_.push_back(std::move(item));
    }
    write_next();
  }

  void write_next() {
    if (!accepted_ || writing_ || queue_.empty() || close_started_ || finished_) return;
    Item &item = queue_.front();
    writing_ = true;
    auto self = this->shared_from_this();
    if (item.is_close) {
      close_started_ = true;
      detach();
      if (log_enabled(LogLevel::debug)) log(LogLevel::debug, "stream closing with ", item.code);
      websocket::close_reason reason;
      reason.code = item.code;
      reason.reason = item.reason.substr(0, 120);
      queue_.clear();
      ws_.async_close(reason, [self](beast::error_code) {
        self->writing_ = false;
        self->finish();
      });
      return;
    }
    ws_.text(true);
    ws_.async_write(net::buffer(*item.frame), [self](beast::error_code ec, size_t) {
      self->writing_ = false;
      if (ec) return self->finish();
      bool counted = self->queue_.front().carries_activities;
      self->queue_.pop_front();
      int n = self->grant_.ws_close_after;
      if (counted && n > 0 && ++self->activity_frames_ % n == 0) {
        self->queue_.push_front(Item{nullptr, false, true, 1001, "injected fault"});
      }
      self->write_next();
    });
  }

  void detach() {
    if (!attached_) return;
    attached_ = false;
    service_->detach_stream(*grant_.conversation, this);
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    if (log_enabled(LogLevel::debug)) log(LogLevel::debug, "stream finished after ", activity_frames_, " frames");
    timer_.cancel();
    detach();
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(ws_).close();
  }

  websocket::stream<Stream> ws_;
  std::shared_ptr<Service> service_;
  StreamGrant grant_;
  net::steady_timer timer_;
  HttpRequest request_;
  beast::flat_buffer read_buffer_;
  std::deque<Item> queue_;
  std::mutex inbox_mutex_;
  std::deque<Item> inbox_;  // handed over by other threads, not yet queued
  bool accepted_ = false, attached_ = false, writing_ = false, close_started_ = false, finished_ = false;
  uint64_t activity_frames_ = 0;
};

// ---------------------------------------------------------------------------
// HTTP session: keep-alive request loop; hands WebSocket upgrades to WsSession.
template <typename Stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  HttpSession(Stream &&stream, std::shared_ptr<Service> service, SocketRegistry &registry,
               bool tls, bool loopback)
      : stream_(std::move(stream)), service_(std::move(service)), registry_(registry), tls_(tls),
        loopback_(loopback) {}

  void start() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      beast::get_lowest_layer(stream_).expires_after(kReadTimeout);
      auto self = this->shared_from_this();
      stream_.async_handshake(ssl::stream_base::server, [self](beast::error_code ec) {
        if (ec) return self->close();
        self->read();
      });
    } else {
      read();
    }
  }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    parser_->body_limit(kUploadBodyLimit);  // lowered below for routes other than upload
    beast::get_lowest_layer(stream_).expires_after(kReadTimeout);
    auto self = this->shared_from_this();
    http::async_read_header(stream_, buffer_, *parser_, [self](beast::error_code ec, size_t) {
      if (ec) return self->on_read_error(ec);
      auto &header = self->parser_->get();
      if (header.target().find("/upload") == std::string_view::npos) {
        // Beast checks Content-Length against the limit while parsing the header, so the
        // smaller limit of non-upload routes is enforced here (and by body_limit when chunked).
        auto length = self->parser_->content_length();
        if (length && *length > kBodyLimit) return self->on_read_error(http::error::body_limit);
        self->parser_->body_limit(kBodyLimit);
      }
      auto expect = header.find(http::field::expect);
      if (expect != header.end() && iequals(expect->value(), "100-continue") && !self->parser_->is_done()) {
        // Clients that wait for permission before sending a large body (curl, .NET).
        static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        net::async_write(self->stream_, net::buffer(kContinue), [self](beast::error_code ec, size_t) {
          if (ec) return self->close();
          self->read_body();
        });
        return;
      }
      self->read_body();
    });
  }

  void read_body() {
    auto self = this->shared_from_this();
    http::async_read(stream_, buffer_, *parser_, [self](beast::error_code ec, size_t) {
      if (ec) return self->on_read_error(ec);
      self->on_request();
    });
  }

  void on_read_error(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      bool v1 = parser_->get().target().rfind("/api/", 0) == 0;
      return send_and_close(error_outcome(413, "MalformedData", "The request body is too large",
                                          v1 ? ApiVersion::v1 : ApiVersion::v3));
    }
    bool http_error = ec.category() == http::make_error_code(http::error::end_of_stream).category();
    if (http_error && ec != http::error::end_of_stream && ec != http::error::partial_message)
      return send_and_close(error_outcome(400, "MalformedData", "Malformed HTTP request", ApiVersion::v3));
    close();  // peer closed, timed out, or broke the connection
  }

  void send_and_close(Outcome out) {
    keep_alive_ = false;
    write(std::move(out));
  }

  void on_request() {
    auto ctx = std::make_shared<RequestContext>();
    ctx->msg = parser_->release();
    ctx->tls = tls_;
    ctx->loopback_peer = loopback_;
    route_request(*ctx);
    // The query is left out: stream URLs carry a token in it.
    if (log_enabled(LogLevel::debug)) log(LogLevel::debug, ctx->msg.method_string(), " ", ctx->path);
    keep_alive_ = ctx->msg.keep_alive();
    version_ = ctx->msg.version();

    if (websocket::is_upgrade(ctx->msg)) {
      if (ctx->route.id != RouteId::stream) {
        return send_and_close(error_outcome(404, "NotFound", "No WebSocket at this path", ApiVersion::v3));
      }
      StreamGrant grant;
      if (auto reject = service_->authorize_stream(*ctx, grant)) return send_and_close(std::move(*reject));
      auto ws = std::make_shared<WsSession<Stream>>(std::move(stream_), service_, std::move(grant));
      ws->run(std::move(ctx->msg), registry_);
      return;
    }
    auto self = this->shared_from_this();
    service_->handle(ctx, [self](Outcome out) {
      // Handlers may answer from any thread: continue on this connection's strand.
      net::dispatch(self->stream_.get_executor(),
                    [self, out = std::move(out)]() mutable { self->write(std::move(out)); });
    });
  }

  void write(Outcome out) {
    if (out.delivery == Delivery::drop) return close();
    auto self = this->shared_from_this();
    beast::get_lowest_layer(stream_).expires_after(kWriteTimeout);
    out.res.version(version_);
    out.res.keep_alive(keep_alive_ && out.delivery == Delivery::normal);
    if (out.delivery == Delivery::truncate) {
      // Headers announce the full length; only half of the body follows, then the close.
      out.res.prepare_payload();
      std::ostringstream head;
      head << out.res.base();
      auto raw = std::make_shared<std::string>(head.str());
      raw->append(out.res.body().substr(0, out.res.body().size() / 2));
      net::async_write(stream_, net::buffer(*raw), [self, raw](beast::error_code, size_t) { self->close(); });
      return;
    }
    response_ = std::make_shared<HttpResponse>(std::move(out.res));
    http::async_write(stream_, *response_, [self](beast::error_code ec, size_t) {
      bool again = !ec && self->response_->keep_alive();
      self->response_.reset();
      if (again) self->read();
      else self->close();
    });
  }

  void close() { shutdown_stream(stream_); }

  Stream stream_;
  std::shared_ptr<Service> service_;
  SocketRegistry &registry_;
  bool tls_, loopback_;
  bool keep_alive_ = false;
  unsigned version_ = 11;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<HttpResponse> response_;
};

// ---------------------------------------------------------------------------
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(IoPool &pool, std::shared_ptr<Service> service, const Options &options,
           std::shared_ptr<ssl::context> tls)
      : pool_(pool), acceptor_(pool.main()), service_(std::move(service)), tls_(std::move(tls)),
        retry_timer_(acceptor_.get_executor()) {
    tcp::endpoint endpoint(net::ip::make_address(options.host), options.port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
  }

  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  void start() { accept(); }
  void stop() {
    auto self = shared_from_this();
    net::post(acceptor_.get_executor(), [self] {
      self->stopped_ = true;
      beast::error_code ec;
      self->acceptor_.close(ec);
      self->retry_timer_.cancel();
    });
    registry_.close_all();
  }

 private:
  void accept() {
    if (stopped_) return;
    auto self = shared_from_this();
    // The connection runs on its own loop; the accept handler stays on the main loop.
    acceptor_.async_accept(pool_.next(), [self](beast::error_code ec, Socket socket) {
      if (self->stopped_) return;
      if (ec) {
        // E.g. out of file descriptors: back off briefly instead of spinning.
        log(LogLevel::warn, "accept failed: ", ec.message());
        self->retry_timer_.expires_after(std::chrono::milliseconds(50));
        self->retry_timer_.async_wait([self](beast::error_code) { self->accept(); });
        return;
      }
      beast::error_code ignored;
      bool loopback = false;
      auto peer = socket.remote_endpoint(ignored);
      if (!ignored) {
        auto addr = peer.address();
        loopback = addr.is_loopback() ||
                   (addr.is_v6() && addr.to_v6().is_v4_mapped() &&
                    net::ip::make_address_v4(net::ip::v4_mapped, addr.to_v6()).is_loopback());
      }
      socket.set_option(tcp::no_delay(true), ignored);
      if (self->tls_) {
        std::make_shared<HttpSession<TlsStream>>(TlsStream(std::move(socket), *self->tls_), self->service_,
                                                 self->registry_, true, loopback)
            ->start();
      } else {
        std::make_shared<HttpSession<PlainStream>>(PlainStream(std::move(socket)), self->service_,
                                                   self->registry_, false, loopback)
            ->start();
      }
      self->accept();
    });
  }

  IoPool &pool_;
  tcp::acceptor acceptor_;
  std::shared_ptr<Service> service_;
  std::shared_ptr<ssl::context> tls_;
  net::steady_timer retry_timer_;
  SocketRegistry registry_;
  bool stopped_ = false;
};

Server::Server(IoPool &pool, std::shared_ptr<Service> service, const Options &options,
               std::shared_ptr<ssl::context> tls)
    : listener_(std::make_shared<Listener>(pool, std::move(service), options, std::move(tls))) {}

uint16_t Server::port() const { return listener_->port(); }
void Server::start() { listener_->start(); }
void Server::stop() { listener_->stop(); }

}  // namespace dlemu
