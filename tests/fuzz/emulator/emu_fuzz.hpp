// Shared by the emulator's libFuzzer targets, on top of the library targets' support
// (FUZZ_CHECK: a broken invariant aborts with a message, recorded like any crash).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "../fuzz_support.hpp"  // FUZZ_CHECK

namespace emu_fuzz {

inline std::string_view view(const uint8_t *data, std::size_t size) {
  return std::string_view(reinterpret_cast<const char *>(data), size);
}

// Splits off the first line (up to '\n'); `rest` keeps what follows.
inline std::string_view first_line(std::string_view &rest) {
  const auto nl = rest.find('\n');
  std::string_view line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  return line;
}

// What every JSON the emulator sends must be: UTF-8 that parses.
inline bool valid_json(const std::string &text) {
  return !nlohmann::json::parse(text, nullptr, false).is_discarded();
}

}  // namespace emu_fuzz
