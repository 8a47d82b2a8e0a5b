// Shared by the libFuzzer targets: invariants abort with a message, so a
// broken invariant is a crash libFuzzer records like any other.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#define FUZZ_CHECK(condition)                                                        \
  do {                                                                               \
    if (!(condition)) {                                                              \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                  \
    }                                                                                \
  } while (0)

namespace fuzz {

inline std::string text(const uint8_t *data, std::size_t size) {
  return std::string(reinterpret_cast<const char *>(data), size);
}

// Splits off the first line (up to '\n'); the rest stays in `rest`.
inline std::string first_line(std::string &rest) {
  const auto nl = rest.find('\n');
  std::string line = rest.substr(0, nl);
  rest = nl == std::string::npos ? std::string() : rest.substr(nl + 1);
  return line;
}

}  // namespace fuzz
