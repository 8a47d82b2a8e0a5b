#include "net/runtime.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <optional>
#include <queue>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <openssl/ssl.h>

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

// Pending deadlines: a min-heap of (when, id) plus the live ones by id.
// Disarming only forgets the id (the heap entry is skipped when it comes up),
// so the common arm/disarm pair never wakes the thread; stale heap entries are
// pruned once they outnumber the live ones.
struct Runtime::Deadlines {
  using Clock = std::chrono::steady_clock;
  using Entry = std::pair<Clock::time_point, uint64_t>;
  std::mutex mutex;
  std::condition_variable wake;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap;
  std::unordered_map<uint64_t, std::pair<Clock::time_point, std::function<void()>>> live;
  uint64_t next_id = 1;
  bool stopping = false;
  std::thread thread;

  void run() {
    std::unique_lock<std::mutex> lock(mutex);
    while (!stopping) {
      if (heap.empty()) {
        wake.wait(lock);
        continue;
      }
      const Entry top = heap.top();
      if (live.find(top.second) == live.end()) {
        heap.pop();
        continue;
      }
      if (Clock::now() < top.first) {
        wake.wait_until(lock, top.first);
        continue;
      }
      heap.pop();
      auto fire = std::move(live[top.second].second);
      live.erase(top.second);
      lock.unlock();
      fire();
      fire = nullptr;
      lock.lock();
    }
  }

  void prune() {  // mutex held
    if (heap.size() < 64 || heap.size() < 2 * live.size()) return;
    decltype(heap) fresh;
    for (const auto &entry : live) fresh.emplace(entry.second.first, entry.first);
    heap.swap(fresh);
  }
};

Runtime::Runtime() : io_(kIoThreads), workers_(new Workers), deadlines_(new Deadlines) {}

uint64_t Runtime::arm_deadline(std::chrono::steady_clock::time_point when, std::function<void()> fire) {
  bool earliest;
  uint64_t id;
  {
    std::lock_guard<std::mutex> lock(deadlines_->mutex);
    id = deadlines_->next_id++;
    deadlines_->live.emplace(id, std::make_pair(when, std::move(fire)));
    earliest = deadlines_->heap.empty() || when < deadlines_->heap.top().first;
    deadlines_->heap.emplace(when, id);
  }
  if (earliest) deadlines_->wake.notify_one();
  return id;
}

void Runtime::disarm_deadline(uint64_t id) {
  std::function<void()> dropped;  // released outside the lock
  std::lock_guard<std::mutex> lock(deadlines_->mutex);
  auto it = deadlines_->live.find(id);
  if (it == deadlines_->live.end()) return;
  dropped = std::move(it->second.second);
  deadlines_->live.erase(it);
  deadlines_->prune();
}

Runtime &Runtime::instance() {
  std::call_once(g_once, [] {
    // OpenSSL registers its exit-time cleanup when first initialised. Doing it
    // now puts that cleanup after ours (atexit runs in reverse), so the I/O
    // threads are joined, and their per-thread OpenSSL state freed, first.
    OPENSSL_init_ssl(0, nullptr);
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
    rt->deadlines_->thread = std::thread([d = rt->deadlines_] { d->run(); });
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
  {
    std::lock_guard<std::mutex> lock(deadlines_->mutex);
    deadlines_->stopping = true;
  }
  deadlines_->wake.notify_all();
  if (deadlines_->thread.joinable()) deadlines_->thread.join();
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
