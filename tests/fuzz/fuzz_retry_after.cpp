// Retry-After header values: delta-seconds or an HTTP-date, relative to a fixed now.
#include "fuzz_support.hpp"
#include "protocol/status.hpp"

using namespace directline::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, std::size_t size) {
  const std::string value = fuzz::text(data, size);
  for (std::time_t now : {std::time_t{0}, std::time_t{1700000000}}) {
    auto seconds = protocol::parse_retry_after(value, now);
    if (seconds) FUZZ_CHECK(*seconds >= 0 && *seconds <= 86400);
  }
  return 0;
}
