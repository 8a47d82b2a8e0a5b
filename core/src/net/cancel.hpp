// A cancellation signal shared by everything one conversation has in flight:
// requests register a callback that aborts their socket, and waits between
// retries sleep on it, so closing the conversation stops both at once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace directline::core::net {

class Cancellation {
 public:
  bool cancelled() const;

  // Runs every registered callback once (outside the lock) and wakes sleepers.
  // Idempotent.
  void cancel();

  // fn runs on cancel(), on the cancelling thread; at once if already
  // cancelled. Returns a key for unsubscribe(). fn must not block.
  uint64_t subscribe(std::function<void()> fn);
  void unsubscribe(uint64_t key);

  // Sleeps for `delay`; false when cancelled before or during the wait.
  bool sleep_for(std::chrono::milliseconds delay);

 private:
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool cancelled_ = false;
  uint64_t next_key_ = 1;
  std::map<uint64_t, std::function<void()>> callbacks_;
};

// Keeps a subscription for the life of a scope.
class CancelSubscription {
 public:
  CancelSubscription(std::shared_ptr<Cancellation> source, std::function<void()> fn)
      : source_(std::move(source)) {
    if (source_) key_ = source_->subscribe(std::move(fn));
  }
  ~CancelSubscription() {
    if (source_) source_->unsubscribe(key_);
  }
  CancelSubscription(const CancelSubscription &) = delete;
  CancelSubscription &operator=(const CancelSubscription &) = delete;

 private:
  std::shared_ptr<Cancellation> source_;
  uint64_t key_ = 0;
};

}  // namespace directline::core::net
