#include "io_pool.hpp"

namespace dlemu {

IoPool::IoPool(int threads) {
  for (int i = 0; i < std::max(threads, 1); ++i) {
    loops_.push_back(std::make_unique<boost::asio::io_context>(1));  // one thread per loop
    guards_.emplace_back(loops_.back()->get_executor());
  }
}

boost::asio::io_context &IoPool::next() {
  return *loops_[next_.fetch_add(1, std::memory_order_relaxed) % loops_.size()];
}

void IoPool::run() {
  std::vector<std::thread> threads;
  for (size_t i = 1; i < loops_.size(); ++i)
    threads.emplace_back([loop = loops_[i].get()] { loop->run(); });
  loops_.front()->run();
  for (auto &t : threads) t.join();
}

void IoPool::stop() {
  for (auto &guard : guards_) guard.reset();
  for (auto &loop : loops_) loop->stop();
}

}  // namespace dlemu
