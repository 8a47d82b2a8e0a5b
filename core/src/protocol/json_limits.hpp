// The one policy for JSON that comes from outside the process (a server, a bot,
// a network, a caller's activity or state string):
//  - Depth: at most kMaxDepth nested objects/arrays, checked on the text before
//    parsing, because nlohmann's parser, copy and dump recurse once per level,
//    so ~100,000 levels (200 KB of brackets) would overflow the stack.
//  - Size: bounded before it gets here. A response body or stream message is
//    capped by the transport (the client option max_response_bytes, default
//    8 MiB); the emulator caps request bodies. Caller input is the caller's.
//  - Past either limit the core reports DL_EPROTOCOL for server data and
//    DL_EINVALID for a caller's input (core/README.md, "Untrusted input").
// Core code parses through protocol::parse_untrusted_json (messages.hpp), which
// applies this header. Header-only so the emulator applies the same limits to
// what it reads from users and bots.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace directline::json_limits {

// Real activities (Adaptive Cards included) nest well under 32 levels.
inline constexpr std::size_t kMaxDepth = 64;

// The deepest bracket nesting outside strings, stopping early past `limit`
// (so the scan of a hostile body ends as soon as the answer is known).
inline std::size_t nesting_depth(std::string_view text, std::size_t limit = kMaxDepth) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

inline bool within_depth(std::string_view text, std::size_t limit = kMaxDepth) {
  return nesting_depth(text, limit) <= limit;
}

// Parses untrusted text into any nlohmann json type; nullopt when it is not
// JSON or nests deeper than `limit`. A NUL byte is never valid JSON, and
// nlohmann would take it for the end of the text and ignore what follows.
template <typename JsonT>
std::optional<JsonT> parse_untrusted(std::string_view text, std::size_t limit = kMaxDepth) {
  if (text.find('\0') != std::string_view::npos || !within_depth(text, limit)) return std::nullopt;
  JsonT value = JsonT::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return std::nullopt;
  return value;
}

}  // namespace directline::json_limits
