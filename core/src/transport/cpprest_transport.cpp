// The only TU that includes cpprestsdk (8-13 s to compile; see toolchain.md).
#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <system_error>

#include <boost/asio/ssl.hpp>
#include <cpprest/http_client.h>
#include <pplx/threadpool.h>

#include "log.hpp"
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

enum class Stage { connect_and_headers, body };

Error classify(const std::string &what, const std::error_code &ec, Stage stage,
               const std::string &method, const std::string &host) {
  std::string text = lower(what + " " + ec.message());
  const std::string where = method + " to " + host;
  if (ec == std::errc::timed_out || text.find("timed out") != std::string::npos ||
      text.find("timeout") != std::string::npos)
    return Error::make(Code::timeout, where + " timed out");
  if (text.find("handshake") != std::string::npos || text.find("certificate") != std::string::npos ||
      text.find("ssl") != std::string::npos || text.find("tls") != std::string::npos)
    return Error::make(Code::tls, where + ": TLS failure (" + what + ")");
  if (stage == Stage::body)
    return Error::make(Code::protocol, where + ": truncated or unreadable response body (" + what + ")");
  return Error::make(Code::network, where + ": connection failed (" + what + ")");
}

class CpprestTransport final : public HttpTransport {
 public:
  explicit CpprestTransport(TransportOptions options) : options_(std::move(options)) {
    cap_thread_pool_once();
  }

  Outcome<HttpResponse> send(const HttpRequest &request) override {
    auto parsed = protocol::parse_url(request.url);
    if (!parsed || (parsed->scheme != "http" && parsed->scheme != "https"))
      return Error::make(Code::invalid, "not an http(s) URL");
    std::string origin = parsed->scheme + "://" +
                         (parsed->host.find(':') != std::string::npos ? "[" + parsed->host + "]"
                                                                      : parsed->host) +
                         ":" + std::to_string(parsed->port);
    auto scheme_end = request.url.find("://") + 3;
    auto path_start = request.url.find_first_of("/?", scheme_end);
    std::string path_and_query =
        path_start == std::string::npos ? "/" : request.url.substr(path_start);
    if (path_and_query[0] == '?') path_and_query = "/" + path_and_query;

    if (log_enabled(LogLevel::debug))
      log(LogLevel::debug, request.method + " " + origin + path_and_query);

    std::shared_ptr<http_client> client;
    web::http::http_request req;
    try {
      client = client_for(origin, request.idempotent);
      req.set_method(request.method);
      req.set_request_uri(web::uri(path_and_query));
      for (const auto &h : request.headers) req.headers().add(h.first, h.second);
      if (!options_.user_agent.empty()) req.headers().add("User-Agent", options_.user_agent);
      // Never pooled, so never silently resent by cpprest (see HttpRequest::idempotent).
      if (!request.idempotent) req.headers().add("Connection", "close");
      if (!request.body.empty() || !request.content_type.empty()) {
        req.set_body(std::vector<unsigned char>(request.body.begin(), request.body.end()));
        req.headers().set_content_type(request.content_type.empty() ? "application/octet-stream"
                                                                    : request.content_type);
      }
    } catch (const web::uri_exception &) {
      return Error::make(Code::invalid, "URL rejected by the HTTP client");
    }

    web::http::http_response response;
    try {
      response = client->request(req).get();
    } catch (const web::http::http_exception &e) {
      return classify(e.what(), e.error_code(), Stage::connect_and_headers, request.method, origin);
    } catch (const std::exception &e) {
      return classify(e.what(), {}, Stage::connect_and_headers, request.method, origin);
    }

    HttpResponse out;
    out.status = response.status_code();
    for (const auto &h : response.headers()) out.headers.emplace_back(h.first, h.second);
    try {
      std::vector<unsigned char> bytes = response.extract_vector().get();
      out.body.assign(bytes.begin(), bytes.end());
    } catch (const web::http::http_exception &e) {
      return classify(e.what(), e.error_code(), Stage::body, request.method, origin);
    } catch (const std::exception &e) {
      return classify(e.what(), {}, Stage::body, request.method, origin);
    }
    // A body shorter than its Content-Length means the connection was cut.
    if (auto length = out.header("Content-Length")) {
      try {
        if (std::stoull(*length) != out.body.size())
          return Error::make(Code::protocol, request.method + " to " + origin +
                                                 ": truncated response body");
      } catch (const std::exception &) {
      }
    }
    if (log_enabled(LogLevel::debug))
      log(LogLevel::debug, request.method + " " + origin + path_and_query + " -> " +
                               std::to_string(out.status));
    return out;
  }

 private:
  // Idempotent requests share one keep-alive client per origin; the others
  // get a client whose connections are closed after every request.
  std::shared_ptr<http_client> client_for(const std::string &origin, bool idempotent) {
    std::lock_guard<std::mutex> lock(mu_);
    const std::string key = (idempotent ? "reuse " : "fresh ") + origin;
    auto it = clients_.find(key);
    if (it != clients_.end()) return it->second;
    http_client_config config;
    config.set_timeout(std::chrono::milliseconds(options_.request_timeout_ms));
    config.set_validate_certificates(!options_.skip_tls_verify);
    if (options_.proxy && !options_.proxy->empty())
      config.set_proxy(web::web_proxy(web::uri(*options_.proxy)));
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
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<http_client>> clients_;
};

}  // namespace

std::shared_ptr<HttpTransport> make_cpprest_transport(const TransportOptions &options) {
  return std::make_shared<CpprestTransport>(options);
}

}  // namespace directline::core
