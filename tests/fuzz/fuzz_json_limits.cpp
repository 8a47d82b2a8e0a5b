// The nesting limit itself: the text scan must never under-count. For any JSON
// the parser accepts, nesting_depth is at least its nesting (more when a
// duplicate key replaced a deeper value), so nothing deeper than kMaxDepth
// ever reaches the recursive parts of nlohmann.
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"
#include "protocol/json_limits.hpp"

using Json = nlohmann::ordered_json;
namespace limits = directline::json_limits;

namespace {
// Iterative, so it cannot overflow the stack itself.
std::size_t real_depth(const Json &root) {
  std::size_t deepest = 0;
  std::vector<std::pair<const Json *, std::size_t>> todo{{&root, 0}};
  while (!todo.empty()) {
    auto [value, depth] = todo.back();
    todo.pop_back();
    if (!value->is_structured()) continue;
    deepest = std::max(deepest, depth + 1);
    for (const auto &child : *value) todo.push_back({&child, depth + 1});
  }
  return deepest;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, std::size_t size) {
  const std::string text = fuzz::text(data, size);
  auto parsed = limits::parse_untrusted<Json>(text);
  if (parsed) {
    FUZZ_CHECK(real_depth(*parsed) <= limits::kMaxDepth);
    FUZZ_CHECK(real_depth(*parsed) <= limits::nesting_depth(text));
    return 0;
  }
  // Refused as too deep: the parser (unbounded) must see it as deep or invalid
  // (without NUL bytes, which the unbounded parser takes for the end).
  if (!limits::within_depth(text) && size < 4096 && text.find('\0') == std::string::npos) {
    Json unbounded = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    FUZZ_CHECK(unbounded.is_discarded() || real_depth(unbounded) > limits::kMaxDepth);
  }
  return 0;
}
