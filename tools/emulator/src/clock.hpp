// The emulator's clock: wall time plus an offset that POST /admin/clock moves forward,
// so token and stream-URL expiry can be tested without waiting.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace dlemu {

class Clock {
 public:
  std::chrono::system_clock::time_point now() const {
    return std::chrono::system_clock::now() + std::chrono::seconds(offset_s_.load(std::memory_order_relaxed));
  }
  int64_t now_seconds() const {
    return std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
  }
  void advance(int64_t seconds) { offset_s_.fetch_add(seconds, std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> offset_s_{0};
};

}  // namespace dlemu
