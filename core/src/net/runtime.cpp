#include "net/runtime.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>

namespace directline::core::net {

namespace {
// The runtime is created once and never destroyed: its threads may still be
// finishing a handler while static destructors run.
std::once_flag g_once;
Runtime *g_runtime = nullptr;
}  // namespace

struct Runtime::Workers {
  std::mutex mutex;
  std::condition_variable wake;
  std::condition_variable idle;
  std::deque<std::function<void()>> tasks;
  std::vector<std::thread> threads;
  int running = 0;  // threads still inside run()
  bool stopping = false;

  void run() {
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      wake.wait(lock, [&] { return stopping || !tasks.empty(); });
      if (stopping) break;
      auto task = std::move(tasks.front());
      tasks.pop_front();
      lock.unlock();
      try {
        task();
      } catch (...) {
        // A task must not take the worker down; the receiver retries.
      }
      task = nullptr;  // release captures outside the lock
      lock.lock();
    }
    --running;
    idle.notify_all();
  }
};

Runtime::Runtime() : io_(kIoThreads), workers_(new Workers) {}

Runtime &Runtime::instance() {
  std::call_once(g_once, [] {
    auto *rt = new Runtime();
    static auto guard = boost::asio::make_work_guard(rt->io_);
    for (int i = 0; i < kIoThreads; ++i)
      rt->io_threads_.emplace_back([rt] { rt->io_.run(); });
    {
      std::lock_guard<std::mutex> lock(rt->workers_->mutex);
      rt->workers_->running = kWorkerThreads;
    }
    for (int i = 0; i < kWorkerThreads; ++i)
      rt->workers_->threads.emplace_back([w = rt->workers_] { w->run(); });
    g_runtime = rt;
    std::atexit(&Runtime::shutdown_at_exit);
  });
  return *g_runtime;
}

void Runtime::run_blocking(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(workers_->mutex);
    if (workers_->stopping) return;
    workers_->tasks.push_back(std::move(task));
  }
  workers_->wake.notify_one();
}

void Runtime::shutdown_at_exit() {
  if (g_runtime) g_runtime->shutdown();
}

void Runtime::shutdown() {
  io_.stop();
  for (auto &t : io_threads_)
    if (t.joinable()) t.join();
  std::deque<std::function<void()>> dropped;
  {
    std::unique_lock<std::mutex> lock(workers_->mutex);
    workers_->stopping = true;
    dropped.swap(workers_->tasks);
    workers_->wake.notify_all();
    // A worker may be inside a blocking request: wait a little, then let the
    // process exit without it rather than hang.
    workers_->idle.wait_for(lock, std::chrono::seconds(2), [&] { return workers_->running == 0; });
    const bool all_done = workers_->running == 0;
    lock.unlock();
    for (auto &t : workers_->threads) {
      if (!t.joinable()) continue;
      if (all_done)
        t.join();
      else
        t.detach();
    }
  }
}

}  // namespace directline::core::net
