// The process-wide threads behind every client: one io_context served by a
// small fixed pool (the streams, connection setup, timers: handlers never
// block), a small worker pool for the receivers' blocking host calls
// (reconnect, poll, refresh), and one deadline thread that interrupts REST
// exchanges running on their callers' threads. Started on first use, stopped
// and joined at process exit (the library links with -z nodelete).
#pragma once

#include <chrono>
#include <cstdint>
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

  // Runs fire on the deadline thread at `when`, unless disarmed first. fire
  // must be quick and must not block. Arming and disarming cost no wakeup in
  // the common case (a deadline later than one already pending).
  uint64_t arm_deadline(std::chrono::steady_clock::time_point when, std::function<void()> fire);
  void disarm_deadline(uint64_t id);

  static constexpr int kIoThreads = 2;
  static constexpr int kWorkerThreads = 4;

 private:
  Runtime();
  struct Workers;
  struct Deadlines;
  void shutdown();
  static void shutdown_at_exit();

  boost::asio::io_context io_;
  std::vector<std::thread> io_threads_;
  Workers *workers_;
  Deadlines *deadlines_;
};

}  // namespace directline::core::net
