// directline-emulator: a local Direct Line (3.0 and 1.1) server for tests and offline bots.
#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "log.hpp"
#include "options.hpp"
#include "server.hpp"
#include "service.hpp"

namespace net = boost::asio;

namespace {
// Thousands of sockets need more than the usual 1024 descriptors.
void raise_fd_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

void schedule_eviction(net::steady_timer &timer, std::shared_ptr<dlemu::Service> service,
                       int64_t interval_s) {
  timer.expires_after(std::chrono::seconds(interval_s));
  timer.async_wait([&timer, service, interval_s](boost::system::error_code ec) {
    if (ec) return;
    service->evict_idle();
    schedule_eviction(timer, service, interval_s);
  });
}
}  // namespace

int main(int argc, char **argv) {
  dlemu::Options options;
  int exit_code = 0;
  if (!dlemu::parse_options(argc, argv, options, exit_code)) return exit_code;
  dlemu::g_log_level = static_cast<int>(options.log_level);
  raise_fd_limit();
  std::signal(SIGPIPE, SIG_IGN);

  try {
    dlemu::IoPool pool(options.threads);
    net::io_context &io = pool.main();
    std::shared_ptr<net::ssl::context> tls;
    if (options.tls()) {
      tls = std::make_shared<net::ssl::context>(net::ssl::context::tls_server);
      tls->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                       net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                       net::ssl::context::no_tlsv1_1);
      tls->use_certificate_chain_file(options.tls_cert);
      tls->use_private_key_file(options.tls_key, net::ssl::context::pem);
    }
    auto service = std::make_shared<dlemu::Service>(options, io);
    dlemu::Server server(pool, service, options, tls);
    std::string host = options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
    if (host == "0.0.0.0") host = "127.0.0.1";
    if (host == "[::]") host = "[::1]";
    std::string base = std::string(tls ? "https" : "http") + "://" + host + ":" + std::to_string(server.port());
    service->set_base_url(base);
    server.start();

    net::steady_timer eviction(io);
    schedule_eviction(eviction, service, std::clamp<int64_t>(options.idle_evict_s / 4, 1, 60));

    net::signal_set signals(io, SIGINT, SIGTERM);
    net::steady_timer grace(io);
    signals.async_wait([&](boost::system::error_code ec, int) {
      if (ec) return;
      dlemu::log(dlemu::LogLevel::info, "shutting down");
      server.stop();
      eviction.cancel();
      // A short grace period lets close frames reach the peers.
      grace.expires_after(std::chrono::milliseconds(200));
      grace.async_wait([&pool](boost::system::error_code) { pool.stop(); });
    });

    std::cout << "listening on " << base << std::endl;  // the only stdout line
    dlemu::log(dlemu::LogLevel::info, "threads=", options.threads, " bot=",
               options.bot == "echo" ? "echo" : "url");

    pool.run();
  } catch (const std::exception &e) {
    std::cerr << "directline-emulator: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
