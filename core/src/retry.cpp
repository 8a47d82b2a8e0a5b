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

std::chrono::milliseconds backoff_delay(const RetryPolicy &policy, int retry, int retry_after_s,
                                        double unit) {
  long long ceiling = std::max(1, policy.base_delay_ms);
  for (int i = 1; i < retry && ceiling < policy.max_delay_ms; ++i) ceiling *= 2;
  ceiling = std::min<long long>(ceiling, std::max(1, policy.max_delay_ms));
  unit = std::clamp(unit, 0.0, 1.0);
  long long jittered = static_cast<long long>(unit * static_cast<double>(ceiling));
  if (retry_after_s >= 0) jittered = std::max<long long>(jittered, retry_after_s * 1000LL);
  return std::chrono::milliseconds(jittered);
}

double random_unit() {
  static std::mutex mu;
  static std::mt19937_64 engine{std::random_device{}()};
  std::lock_guard<std::mutex> lock(mu);
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

}  // namespace directline::core
