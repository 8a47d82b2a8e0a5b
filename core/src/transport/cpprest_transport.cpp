// The cpprestsdk backend (-DDL_HTTP_BACKEND=cpprest), the only TU that
// includes cpprestsdk (8-13 s to compile). Kept behind the same interface as
// the default Beast transport; differences are noted where they matter:
// - cpprestsdk silently re-sends a request when a pooled keep-alive connection
//   turns out closed, even after writing it. Requests that must not reach the
//   service twice therefore go out with "Connection: close" on a connection
//   of their own, and every failure counts as possibly sent (SendReport).
// - Its timeout restarts with every chunk: the request deadline is enforced
//   from outside (a runtime timer cancels the request).
// - It reports failures as text, so errors are classified by their wording.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <map>
#include <mutex>
#include <system_error>

#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cpprest/http_client.h>
#include <pplx/threadpool.h>

#include "log.hpp"
#include "net/proxy.hpp"
#include "net/runtime.hpp"
#include "protocol/url.hpp"
#include "transport/http_transport.hpp"

namespace directline::core {

namespace {

using web::http::client::http_client;
using web::http::client::http_client_config;

// cpprest's pplx pool defaults to 40 threads; cap it once, before any other
// cpprest use in this process (later calls would throw, which we ignore).
void cap_thread_pool_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    try {
      crossplat::threadpool::initialize_with_threads(4);
    } catch (...) {
      // Someone (another library in the process) already used cpprest.
    }
  });
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

Error classify(const std::string &what, const std::error_code &ec, bool body, const std::string &where) {
  std::string text = lower(what + " " + ec.message());
  if (ec == std::errc::timed_out || text.find("timed out") != std::string::npos ||
      text.find("timeout") != std::string::npos)
    return Error::make(Code::timeout, where + " timed out");
  if (text.find("handshake") != std::string::npos || text.find("certificate") != std::string::npos ||
      text.find("ssl") != std::string::npos || text.find("tls") != std::string::npos)
    return Error::make(Code::tls, where + ": TLS failure (" + what + ")");
  if (body) return Error::make(Code::protocol, where + ": truncated or unreadable response body (" + what + ")");
  return Error::make(Code::network, where + ": connection failed (" + what + ")");
}

class CpprestTransport final : public HttpTransport {
 public:
  CpprestTransport(TransportOptions options, std::shared_ptr<const net::ProxyRules> proxy)
      : options_(std::move(options)), proxy_(std::move(proxy)) {
    cap_thread_pool_once();
  }

  Outcome<HttpResponse> send(const HttpRequest &request, SendReport &report) override {
    report.maybe_sent = true;  // cpprestsdk cannot say how far a failed request got
    auto parsed = protocol::parse_url(request.url);
    if (!parsed || (parsed->scheme != "http" && parsed->scheme != "https"))
      return Error::make(Code::invalid, "not an http(s) URL");
    const bool v6 = parsed->host.find(':') != std::string::npos;
    const std::string origin = parsed->scheme + "://" + (v6 ? "[" + parsed->host + "]" : parsed->host) + ":" +
                               std::to_string(parsed->port);
    const std::string where = request.method + " to " + origin;
    if (log_enabled(LogLevel::debug)) log(LogLevel::debug, where + parsed->path);
    if (request.cancel && request.cancel->cancelled()) {
      report.maybe_sent = false;
      return Error::make(Code::cancelled, where + ": cancelled (the conversation was closed)");
    }

    std::shared_ptr<http_client> client;
    web::http::http_request req;
    try {
      client = client_for(origin, parsed->scheme == "https", parsed->host, request.idempotent);
      req.set_method(request.method);
      req.set_request_uri(web::uri(parsed->target));
      for (const auto &h : request.headers) req.headers().add(h.first, h.second);
      if (!options_.user_agent.empty()) req.headers().add("User-Agent", options_.user_agent);
      if (!request.idempotent) req.headers().add("Connection", "close");
      if (!request.body.empty() || !request.content_type.empty()) {
        req.set_body(std::vector<unsigned char>(request.body.begin(), request.body.end()));
        req.headers().set_content_type(request.content_type.empty() ? "application/octet-stream"
                                                                    : request.content_type);
      }
    } catch (const web::uri_exception &) {
      report.maybe_sent = false;
      return Error::make(Code::invalid, "URL rejected by the HTTP client");
    }

    // One deadline for the whole exchange, and cancellation, both through a token.
    pplx::cancellation_token_source cts;
    auto aborted = std::make_shared<std::atomic<int>>(0);  // 1 timeout, 2 cancelled
    net::CancelSubscription subscription(request.cancel, [cts, aborted]() mutable {
      int expected = 0;
      aborted->compare_exchange_strong(expected, 2);
      cts.cancel();
    });
    auto timer = std::make_shared<boost::asio::steady_timer>(net::Runtime::instance().io());
    timer->expires_after(std::chrono::milliseconds(std::max(1, options_.request_timeout_ms)));
    timer->async_wait([cts, aborted](const boost::system::error_code &ec) mutable {
      if (ec) return;
      int expected = 0;
      aborted->compare_exchange_strong(expected, 1);
      cts.cancel();
    });
    struct CancelTimer {
      std::shared_ptr<boost::asio::steady_timer> timer;
      ~CancelTimer() {
        boost::asio::post(timer->get_executor(), [t = timer] { t->cancel(); });
      }
    } cancel_timer{timer};
    auto abort_error = [&](const Outcome<HttpResponse> &fallback) -> Outcome<HttpResponse> {
      if (*aborted == 1)
        return Error::make(Code::timeout, where + ": no complete response within " +
                                              std::to_string(options_.request_timeout_ms) + " ms");
      if (*aborted == 2) return Error::make(Code::cancelled, where + ": cancelled (the conversation was closed)");
      return fallback;
    };

    web::http::http_response response;
    try {
      response = client->request(req, cts.get_token()).get();
    } catch (const web::http::http_exception &e) {
      return abort_error(classify(e.what(), e.error_code(), false, where));
    } catch (const std::exception &e) {
      return abort_error(classify(e.what(), {}, false, where));
    }

    HttpResponse out;
    out.status = response.status_code();
    for (const auto &h : response.headers()) out.headers.emplace_back(h.first, h.second);
    const std::size_t cap = options_.max_response_bytes ? options_.max_response_bytes : (8u << 20);
    try {
      auto body = response.body().streambuf();
      std::vector<uint8_t> chunk(64 * 1024);
      for (;;) {
        const std::size_t n = body.getn(chunk.data(), chunk.size()).get();
        if (n == 0) break;
        out.body.append(reinterpret_cast<const char *>(chunk.data()), n);
        if (out.body.size() > cap)
          return Error::make(Code::protocol,
                             where + ": the response body is larger than the limit (max_response_bytes)");
      }
    } catch (const web::http::http_exception &e) {
      return abort_error(classify(e.what(), e.error_code(), true, where));
    } catch (const std::exception &e) {
      return abort_error(classify(e.what(), {}, true, where));
    }
    if (*aborted) return abort_error(Error::make(Code::internal, where));
    // A body shorter than its Content-Length means the connection was cut.
    if (auto length = out.header("Content-Length")) {
      try {
        if (std::stoull(*length) != out.body.size())
          return Error::make(Code::protocol, where + ": truncated response body");
      } catch (const std::exception &) {
      }
    }
    if (log_enabled(LogLevel::debug)) log(LogLevel::debug, where + parsed->path + " -> " + std::to_string(out.status));
    return out;
  }

  using HttpTransport::send;

 private:
  // Idempotent requests share one keep-alive client per origin; the others
  // get a client whose connections are closed after every request.
  std::shared_ptr<http_client> client_for(const std::string &origin, bool tls, const std::string &host,
                                          bool idempotent) {
    std::lock_guard<std::mutex> lock(mu_);
    const std::string key = (idempotent ? "reuse " : "fresh ") + origin;
    auto it = clients_.find(key);
    if (it != clients_.end()) return it->second;
    http_client_config config;
    config.set_timeout(std::chrono::milliseconds(options_.request_timeout_ms));
    config.set_validate_certificates(!options_.skip_tls_verify);
    config.set_max_redirects(0);  // never follow: credentials stay with the endpoint
    if (const net::Proxy *proxy = proxy_ ? proxy_->proxy_for(tls, host) : nullptr) {
      web::web_proxy web_proxy(web::uri(proxy->display));
      if (!proxy->authorization.empty()) web_proxy.set_credentials(web::credentials(proxy->user, proxy->password));
      config.set_proxy(web_proxy);
    } else {
      config.set_proxy(web::web_proxy(web::web_proxy::disabled));
    }
    if (!options_.ca_file.empty()) {
      std::string ca = options_.ca_file;
      config.set_ssl_context_callback([ca](boost::asio::ssl::context &ctx) {
        boost::system::error_code ec;
        ctx.load_verify_file(ca, ec);  // an unreadable file makes verification fail (tls)
      });
    }
    auto client = std::make_shared<http_client>(web::uri(origin), config);
    clients_.emplace(key, client);
    return client;
  }

  TransportOptions options_;
  std::shared_ptr<const net::ProxyRules> proxy_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<http_client>> clients_;
};

}  // namespace

std::shared_ptr<HttpTransport> make_cpprest_transport(const TransportOptions &options,
                                                      std::shared_ptr<const net::ProxyRules> proxy) {
  return std::make_shared<CpprestTransport>(options, std::move(proxy));
}

}  // namespace directline::core
