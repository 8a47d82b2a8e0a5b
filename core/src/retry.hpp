// Retry policy for idempotent calls (GETs) and token calls (generate,
// refresh): exponential backoff with full jitter, honouring Retry-After
// (never waiting less), bounded by max attempts and a total deadline.
// POSTs of activities, uploads, start and end are never retried: once a
// request may have reached the service a retry could duplicate a message,
// and the transport cannot prove that nothing was sent.
#pragma once

#include <chrono>
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

// Delay before retry number `retry` (1 = first retry): uniform in
// [0, min(max_delay, base * 2^(retry-1))]; at least Retry-After when given.
// `unit` is a uniform draw in [0,1) (injectable for tests).
std::chrono::milliseconds backoff_delay(const RetryPolicy &policy, int retry, int retry_after_s,
                                        double unit);

// Runs `attempt` until it succeeds, fails with a non-retryable error, runs out
// of attempts, or the next wait would pass the deadline (then the last error
// is returned). `sleep` waits and returns false if cancelled (stops retrying).
template <typename T>
Outcome<T> with_retry(const RetryPolicy &policy, const std::function<Outcome<T>()> &attempt,
                      const std::function<bool(std::chrono::milliseconds)> &sleep,
                      const std::function<double()> &uniform,
                      const std::function<std::chrono::steady_clock::time_point()> &now =
                          [] { return std::chrono::steady_clock::now(); }) {
  const auto start = now();
  const auto deadline = start + std::chrono::milliseconds(policy.deadline_ms);
  for (int tried = 1;; ++tried) {
    Outcome<T> result = attempt();
    if (result.ok() || !is_retryable(result.error()) || tried >= policy.max_attempts) return result;
    auto delay = backoff_delay(policy, tried, result.error().retry_after_s, uniform());
    if (now() + delay > deadline) return result;
    if (!sleep(delay)) return result;
  }
}

// Thread-safe uniform [0,1) for production use.
double random_unit();

}  // namespace directline::core
