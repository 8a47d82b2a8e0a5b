#include "net/dial.hpp"

#include <condition_variable>
#include <mutex>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "net/errors.hpp"
#include "net/runtime.hpp"
#include "net/tls.hpp"

namespace directline::core::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

namespace {

std::string bracketed(const std::string &host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

void open_tunnel(beast::tcp_stream &stream, const Route &route, Done done) {
  struct Tunnel {
    http::request<http::empty_body> request;
    http::response_parser<http::empty_body> parser;
    beast::flat_buffer buffer;
  };
  auto state = std::make_shared<Tunnel>();
  state->request.method(http::verb::connect);
  state->request.target(route.authority());
  state->request.version(11);
  state->request.set(http::field::host, route.authority());
  if (!route.proxy->authorization.empty())
    state->request.set(http::field::proxy_authorization, route.proxy->authorization);
  state->parser.skip(true);  // a CONNECT answer has no body
  const std::string where = "proxy " + route.proxy->display;
  http::async_write(stream, state->request, [&stream, state, where, route, done](beast::error_code ec, std::size_t) {
    if (ec) return done(error_from(ec, where));
    http::async_read(stream, state->buffer, state->parser,
                     [state, where, route, done](beast::error_code ec2, std::size_t) {
                       if (ec2) return done(error_from(ec2, where));
                       const int status = state->parser.get().result_int();
                       if (status == 407)
                         return done(Error::make(Code::network,
                                                 where + (route.proxy->authorization.empty()
                                                              ? " requires authentication (HTTP 407)"
                                                              : " rejected the credentials (HTTP 407)")));
                       if (status < 200 || status > 299)
                         return done(Error::make(Code::network, where + " refused the tunnel to " +
                                                                    route.authority() + " (HTTP " +
                                                                    std::to_string(status) + ")"));
                       if (state->buffer.size() != 0)
                         return done(Error::make(Code::protocol, where + " sent data before the tunnel opened"));
                       done(std::nullopt);
                     });
  });
}

}  // namespace

std::string Route::authority() const { return bracketed(host) + ":" + std::to_string(port); }

std::string Route::host_header() const {
  const bool default_port = port == (tls ? 443 : 80);
  return default_port ? bracketed(host) : authority();
}

namespace {

std::string lookup_host(const Route &route) { return route.proxy ? route.proxy->host : route.host; }
uint16_t lookup_port(const Route &route) { return route.proxy ? route.proxy->port : route.port; }
std::string peer(const Route &route) { return route.proxy ? "proxy " + route.proxy->display : route.authority(); }

// A numeric host as a lookup result; nullopt for a name.
std::optional<Endpoints> numeric(const Route &route) {
  beast::error_code ec;
  const auto address = asio::ip::make_address(lookup_host(route), ec);
  if (ec) return std::nullopt;
  return Endpoints::create(tcp::endpoint(address, lookup_port(route)), lookup_host(route),
                           std::to_string(lookup_port(route)));
}

}  // namespace

void connect(beast::tcp_stream &stream, const Endpoints &endpoints, const Route &route, Done done) {
  const std::string where = peer(route);
  stream.async_connect(endpoints, [&stream, route, where, done](beast::error_code ec, const tcp::endpoint &) {
    if (ec) return done(error_from(ec, "connect to " + where));
    stream.socket().set_option(tcp::no_delay(true), ec);
    if (route.proxy && route.tunnel) return open_tunnel(stream, route, done);
    done(std::nullopt);
  });
}

void dial(beast::tcp_stream &stream, std::shared_ptr<tcp::resolver> &resolver, const Route &route, Done done) {
  if (auto endpoints = numeric(route)) return connect(stream, *endpoints, route, std::move(done));
  resolver = std::make_shared<tcp::resolver>(stream.get_executor());
  resolver->async_resolve(lookup_host(route), std::to_string(lookup_port(route)),
                          [&stream, route, done, keep = resolver](beast::error_code e, const Endpoints &results) {
                            if (e) return done(error_from(e, "resolve " + peer(route)));
                            connect(stream, results, route, done);
                          });
}

Outcome<Endpoints> resolve(const Route &route, std::chrono::steady_clock::time_point deadline) {
  if (auto endpoints = numeric(route)) return *endpoints;
  struct Wait {
    std::mutex mutex;
    std::condition_variable cv;
    bool done = false;
    beast::error_code ec;
    Endpoints results;
  };
  auto wait = std::make_shared<Wait>();
  auto &io = Runtime::instance().io();
  auto resolver = std::make_shared<tcp::resolver>(io);
  asio::post(io, [resolver, wait, host = lookup_host(route), port = std::to_string(lookup_port(route))] {
    resolver->async_resolve(host, port, [resolver, wait](beast::error_code ec, const Endpoints &results) {
      std::lock_guard<std::mutex> lock(wait->mutex);
      wait->ec = ec;
      wait->results = results;
      wait->done = true;
      wait->cv.notify_all();
    });
  });
  std::unique_lock<std::mutex> lock(wait->mutex);
  if (!wait->cv.wait_until(lock, deadline, [&] { return wait->done; })) {
    asio::post(io, [resolver] { resolver->cancel(); });
    return Error::make(Code::timeout, "resolve " + peer(route) + " timed out");
  }
  if (wait->ec) return error_from(wait->ec, "resolve " + peer(route));
  return wait->results;
}

void tls_handshake(TlsStream &stream, const Route &route, bool skip_verify, Done done) {
  if (auto st = prepare_tls(stream.native_handle(), route.host, skip_verify); !st) return done(st.error());
  stream.async_handshake(asio::ssl::stream_base::client, [&stream, route, done](beast::error_code ec) {
    if (ec) return done(tls_handshake_error(stream.native_handle(), ec, route.authority()));
    done(std::nullopt);
  });
}

}  // namespace directline::core::net
