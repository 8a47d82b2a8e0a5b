// The event loops: one io_context per I/O thread, each run by exactly one thread. A connection
// lives on one loop for its whole life (round robin at accept), so a loop serves its
// connections in the order they became ready. One io_context shared by several threads let
// some connections wait seconds behind others under load (measured in bench/emulator).
#pragma once

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace dlemu {

class IoPool {
 public:
  explicit IoPool(int threads);
  // Loop 0: the listener, signals, timers and calls to the bot run here.
  boost::asio::io_context &main() { return *loops_.front(); }
  // The loop for a new connection.
  boost::asio::io_context &next();
  // Runs loop 0 on the calling thread and the others on their own; returns once stop() was
  // called and every loop returned.
  void run();
  void stop();

 private:
  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> loops_;
  std::vector<Guard> guards_;  // keep idle loops running until stop()
  std::atomic<size_t> next_{0};
};

}  // namespace dlemu
