// The transport: one listener, HTTP/1.1 sessions and WebSocket sessions on the same
// port (plain or TLS), all asynchronous, each connection on one of the pool's loops.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "io_pool.hpp"
#include "service.hpp"

namespace dlemu {

class Listener;

class Server {
 public:
  // Binds (throws on failure). `tls` may be null for plain http.
  Server(IoPool &pool, std::shared_ptr<Service> service, const Options &options,
         std::shared_ptr<boost::asio::ssl::context> tls);
  uint16_t port() const;
  void start();
  // Stops accepting and closes open WebSockets (code 1001).
  void stop();

 private:
  std::shared_ptr<Listener> listener_;
};

}  // namespace dlemu
