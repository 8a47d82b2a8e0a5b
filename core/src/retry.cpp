#include "retry.hpp"

#include <algorithm>
#include <mutex>

namespace directline::core {

bool is_retryable(const Error &error) {
  switch (error.code) {
    case Code::network:
    case Code::timeout:
    case Code::throttled:
    case Code::server:
      return true;
    case Code::bot:  // 502/504 on a GET or token call: the service side failed
      return true;
    default:
      return false;
  }
}

int64_t backoff_delay_ms(int attempt, int base_ms, int cap_ms, double unit, int retry_after_s) {
  const int64_t cap = std::max(1, cap_ms);
  int64_t ceiling = std::max(1, base_ms);
  for (int i = 1; i < attempt && ceiling < cap; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, cap);
  unit = std::clamp(unit, 0.0, 1.0);
  int64_t jittered = static_cast<int64_t>(unit * static_cast<double>(ceiling));
  if (retry_after_s >= 0) jittered = std::max<int64_t>(jittered, int64_t{retry_after_s} * 1000);
  return jittered;
}

std::chrono::milliseconds backoff_delay(const RetryPolicy &policy, int retry, int retry_after_s,
                                        double unit) {
  return std::chrono::milliseconds(
      backoff_delay_ms(retry, policy.base_delay_ms, policy.max_delay_ms, unit, retry_after_s));
}

double random_unit() {
  static std::mutex mu;
  static std::mt19937_64 engine{std::random_device{}()};
  std::lock_guard<std::mutex> lock(mu);
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

}  // namespace directline::core
