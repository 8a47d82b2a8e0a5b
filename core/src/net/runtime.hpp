// The process-wide threads behind every client: one io_context served by a
// small fixed pool (every socket and timer of REST and the stream: handlers
// never block) and a small worker pool for the receivers' blocking host calls
// (reconnect, poll, refresh). Started on first use, stopped and joined at
// process exit (the library links with -z nodelete, so the code stays mapped).
#pragma once

#include <functional>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

namespace directline::core::net {

using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;

class Runtime {
 public:
  static Runtime &instance();

  boost::asio::io_context &io() { return io_; }
  Strand make_strand() { return boost::asio::make_strand(io_); }

  // Runs a blocking task on a worker thread (never on an io thread). Tasks
  // queued after shutdown began are dropped.
  void run_blocking(std::function<void()> task);

  static constexpr int kIoThreads = 2;
  static constexpr int kWorkerThreads = 4;

 private:
  Runtime();
  struct Workers;
  void shutdown();
  static void shutdown_at_exit();

  boost::asio::io_context io_;
  std::vector<std::thread> io_threads_;
  Workers *workers_;
};

}  // namespace directline::core::net
