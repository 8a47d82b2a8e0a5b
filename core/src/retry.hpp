// The project's one backoff (exponential, full jitter, Retry-After as a
// floor), and the retry policy built on it for idempotent calls (GETs) and
// token calls (generate, refresh), bounded by max attempts and a total
// deadline. Stream reconnects and polling (receive/) and the token refresh
// schedule (credentials.hpp) use the same backoff. Requests that must not
// reach the service twice (start, post activity, upload) are retried only
// when the transport proves nothing was sent; the conversation settles the
// ambiguous rest (conversation.cpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>

#include "error.hpp"

namespace directline::core {

struct RetryPolicy {
  int max_attempts = 4;      // 1 = no retry
  int deadline_ms = 60000;   // total budget, sleeps included
  int base_delay_ms = 250;   // first backoff ceiling, doubles each retry
  int max_delay_ms = 30000;  // backoff ceiling cap (not applied to Retry-After)
};

// Whether an error may be retried for an idempotent call: network, timeout,
// 429 and 5xx (server and bot statuses).
bool is_retryable(const Error &error);

// Delay before attempt number `attempt` (1 = the first retry): uniform in
// [0, min(cap_ms, base_ms * 2^(attempt-1))] (full jitter, so many clients
// failing together come back spread out); at least Retry-After (seconds, -1
// if none), even above the cap. `unit` is a uniform draw in [0,1).
int64_t backoff_delay_ms(int attempt, int base_ms, int cap_ms, double unit, int retry_after_s = -1);

// The same for a RetryPolicy (base_delay_ms, max_delay_ms).
std::chrono::milliseconds backoff_delay(const RetryPolicy &policy, int retry, int retry_after_s,
                                        double unit);

// Runs `attempt` until it succeeds, fails with an error `retryable` rejects
// (default is_retryable), runs out of attempts, or the next wait would pass
// the deadline (then the last error is returned). `sleep` waits and returns
// false if cancelled (stops retrying).
template <typename T>
Outcome<T> with_retry(const RetryPolicy &policy, const std::function<Outcome<T>()> &attempt,
                      const std::function<bool(std::chrono::milliseconds)> &sleep,
                      const std::function<double()> &uniform,
                      const std::function<std::chrono::steady_clock::time_point()> &now =
                          [] { return std::chrono::steady_clock::now(); },
                      const std::function<bool(const Error &)> &retryable = is_retryable) {
  const auto start = now();
  const auto deadline = start + std::chrono::milliseconds(policy.deadline_ms);
  for (int tried = 1;; ++tried) {
    Outcome<T> result = attempt();
    if (result.ok() || !retryable(result.error()) || tried >= policy.max_attempts) return result;
    auto delay = backoff_delay(policy, tried, result.error().retry_after_s, uniform());
    if (now() + delay > deadline) return result;
    if (!sleep(delay)) return result;
  }
}

// Thread-safe uniform [0,1) for production use.
double random_unit();

}  // namespace directline::core
