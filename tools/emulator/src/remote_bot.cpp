#include "remote_bot.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>

#include "log.hpp"
#include "store.hpp"

namespace dlemu {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace {
struct BotUrl {
  bool tls = false;
  std::string host, port, target;
};

BotUrl parse_bot_url(const std::string &url) {
  BotUrl out;
  out.tls = url.rfind("https://", 0) == 0;
  const std::string prefix = out.tls ? "https://" : "http://";
  if (url.rfind(prefix, 0) != 0) throw std::invalid_argument("--bot: expected an http(s):// URL");
  std::string rest = url.substr(prefix.size());
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  const std::string default_port = out.tls ? "443" : "80";
  out.target = slash == std::string::npos ? "/" : rest.substr(slash);
  if (!authority.empty() && authority.front() == '[') {  // [v6]:port
    size_t close = authority.find(']');
    if (close == std::string::npos) throw std::invalid_argument("--bot: bad host");
    out.host = authority.substr(1, close - 1);
    out.port = close + 1 < authority.size() && authority[close + 1] == ':' ? authority.substr(close + 2) : "80";
  } else {
    size_t colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    out.port = colon == std::string::npos ? default_port : authority.substr(colon + 1);
  }
  if (out.host.empty() || out.port.empty()) throw std::invalid_argument("--bot: bad URL");
  return out;
}

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

template <typename Stream>
Stream make_stream(const net::any_io_executor &ex, ssl::context *tls) {
  if constexpr (std::is_same_v<Stream, TlsStream>) return TlsStream(ex, *tls);
  else return PlainStream(ex);
}

// One POST to the bot: resolve, connect, (TLS handshake,) write, read, under one deadline.
template <typename Stream>
class BotCall : public std::enable_shared_from_this<BotCall<Stream>> {
 public:
  BotCall(net::io_context &io, ssl::context *tls, const BotUrl &url, std::string body,
          int64_t timeout_ms, BotDone done)
      : resolver_(net::make_strand(io)), stream_(make_stream<Stream>(resolver_.get_executor(), tls)), url_(url),
        timeout_(std::chrono::milliseconds(timeout_ms)), done_(std::move(done)) {
    request_.method(http::verb::post);
    request_.target(url.target);
    request_.set(http::field::host, url.host + ":" + url.port);
    request_.set(http::field::content_type, "application/json; charset=utf-8");
    request_.set(http::field::user_agent, "directline-emulator");
    request_.keep_alive(false);
    request_.body() = std::move(body);
    request_.prepare_payload();
  }

  void run() {
    deadline_ = std::chrono::steady_clock::now() + timeout_;
    auto self = this->shared_from_this();
    resolver_.async_resolve(url_.host, url_.port,
                            [self](beast::error_code ec, tcp::resolver::results_type results) {
                              if (ec) return self->finish_unreachable();
                              auto &tcp_layer = beast::get_lowest_layer(self->stream_);
                              tcp_layer.expires_at(self->deadline_);
                              tcp_layer.async_connect(results, [self](beast::error_code ec,
                                                                      const tcp::endpoint &) {
                                self->on_connect(ec);
                              });
                            });
  }

 private:
  void on_connect(beast::error_code ec) {
    if (ec == beast::error::timeout) return finish(BotResult{BotResult::Kind::timeout, 0, {}});
    if (ec) return finish_unreachable();
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      beast::error_code not_ip;
      net::ip::make_address(url_.host, not_ip);
      if (not_ip) SSL_set_tlsext_host_name(stream_.native_handle(), url_.host.c_str());  // SNI: names only
      stream_.set_verify_callback(ssl::host_name_verification(url_.host));
      auto self = this->shared_from_this();
      stream_.async_handshake(ssl::stream_base::client, [self](beast::error_code ec) {
        if (ec == beast::error::timeout) return self->finish(BotResult{BotResult::Kind::timeout, 0, {}});
        if (ec) {
          log(LogLevel::warn, "TLS handshake with the bot failed: ", ec.message());
          return self->finish_unreachable();
        }
        self->send();
      });
    } else {
      send();
    }
  }

  void send() {
    auto self = this->shared_from_this();
    http::async_write(stream_, request_, [self](beast::error_code ec, size_t) {
      if (ec == beast::error::timeout) return self->finish(BotResult{BotResult::Kind::timeout, 0, {}});
      if (ec) return self->finish_unreachable();
      self->parser_.body_limit(1 << 20);
      http::async_read(self->stream_, self->buffer_, self->parser_, [self](beast::error_code ec, size_t) {
        if (ec == beast::error::timeout) return self->finish(BotResult{BotResult::Kind::timeout, 0, {}});
        if (ec) return self->finish_unreachable();
        auto &res = self->parser_.get();
        int status = static_cast<int>(res.result_int());
        BotResult r{status >= 200 && status < 300 ? BotResult::Kind::delivered : BotResult::Kind::rejected,
                    status, res.body()};
        self->finish(std::move(r));
      });
    });
  }

  void finish_unreachable() { finish(BotResult{BotResult::Kind::unreachable, 0, {}}); }

  void finish(BotResult result) {
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(stream_).close();
    if (result.kind != BotResult::Kind::delivered)
      log(LogLevel::info, "bot call failed: kind=", static_cast<int>(result.kind), " status=", result.status);
    BotDone done = std::move(done_);
    if (done) done(std::move(result));
  }

  tcp::resolver resolver_;
  Stream stream_;
  BotUrl url_;
  std::chrono::milliseconds timeout_;
  std::chrono::steady_clock::time_point deadline_;
  http::request<http::string_body> request_;
  beast::flat_buffer buffer_;
  http::response_parser<http::string_body> parser_;
  BotDone done_;
};

class RemoteBot : public Bot {
 public:
  RemoteBot(net::io_context &io, BotUrl url, int64_t timeout_ms)
      : io_(io), url_(std::move(url)), timeout_ms_(timeout_ms) {
    if (url_.tls) {
      // Trust the system store (or SSL_CERT_FILE / SSL_CERT_DIR) for the bot's certificate.
      tls_ = std::make_unique<ssl::context>(ssl::context::tls_client);
      tls_->set_default_verify_paths();
      tls_->set_verify_mode(ssl::verify_peer);
    }
  }

  void deliver(const std::shared_ptr<Conversation> &, nlohmann::json activity, BotDone done) override {
    std::string body = activity.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (tls_)
      std::make_shared<BotCall<TlsStream>>(io_, tls_.get(), url_, std::move(body), timeout_ms_, std::move(done))->run();
    else
      std::make_shared<BotCall<PlainStream>>(io_, nullptr, url_, std::move(body), timeout_ms_, std::move(done))->run();
  }
  bool wants_conversation_updates() const override { return true; }

 private:
  net::io_context &io_;
  BotUrl url_;
  int64_t timeout_ms_;
  std::unique_ptr<ssl::context> tls_;
};
}  // namespace

std::unique_ptr<Bot> make_remote_bot(net::io_context &io, const std::string &url, int64_t timeout_ms) {
  return std::make_unique<RemoteBot>(io, parse_bot_url(url), timeout_ms);
}

}  // namespace dlemu
