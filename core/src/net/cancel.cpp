#include "net/cancel.hpp"

#include <vector>

namespace directline::core::net {

bool Cancellation::cancelled() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return cancelled_;
}

void Cancellation::cancel() {
  std::map<uint64_t, std::function<void()>> run;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (cancelled_) return;
    cancelled_ = true;
    run.swap(callbacks_);
  }
  wake_.notify_all();
  for (auto &entry : run) entry.second();
}

uint64_t Cancellation::subscribe(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!cancelled_) {
      const uint64_t key = next_key_++;
      callbacks_.emplace(key, std::move(fn));
      return key;
    }
  }
  fn();
  return 0;
}

void Cancellation::unsubscribe(uint64_t key) {
  std::lock_guard<std::mutex> lock(mutex_);
  callbacks_.erase(key);
}

bool Cancellation::sleep_for(std::chrono::milliseconds delay) {
  std::unique_lock<std::mutex> lock(mutex_);
  return !wake_.wait_for(lock, delay, [&] { return cancelled_; });
}

}  // namespace directline::core::net
