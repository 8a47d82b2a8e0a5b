// Randomised exponential backoff shared by stream reconnects, polling and
// token refresh. Pure (the caller supplies the random number) so it is unit-tested.
#pragma once

#include <algorithm>
#include <cstdint>

namespace directline::core {

// failures: consecutive failures so far (0 = the first retry after a healthy
// period: a short random pause that still spreads many clients apart).
// random: any 64-bit random value. retry_after_s: the service's Retry-After
// (-1 if none), which is a floor. Result in milliseconds, at most cap_ms
// unless Retry-After asks for more.
inline int64_t backoff_delay_ms(int failures, int base_ms, int cap_ms, uint64_t random,
                                int retry_after_s = -1) {
  base_ms = std::max(1, base_ms);
  cap_ms = std::max(base_ms, cap_ms);
  int64_t delay;
  if (failures <= 0) {
    delay = static_cast<int64_t>(random % static_cast<uint64_t>(base_ms + 1));  // [0, base]
  } else {
    int64_t ceiling = base_ms;
    for (int i = 1; i < failures && ceiling < cap_ms; ++i) ceiling *= 2;
    ceiling = std::min<int64_t>(ceiling, cap_ms);
    const int64_t half = ceiling / 2;
    delay = half + static_cast<int64_t>(random % static_cast<uint64_t>(ceiling - half + 1));  // [c/2, c]
  }
  if (retry_after_s >= 0) delay = std::max<int64_t>(delay, int64_t{retry_after_s} * 1000);
  return delay;
}

}  // namespace directline::core
