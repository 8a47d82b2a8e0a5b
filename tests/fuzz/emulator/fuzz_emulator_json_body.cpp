// JSON bodies as every emulator route parses them (users, bots, admin), under the one nesting
// limit. Invariants: an accepted body nests at most kMaxDepth levels and serializes again
// (the serializer recurses once per level); a refused one gets a JSON 400 in both versions.
#include "emu_fuzz.hpp"
#include "protocol/json_limits.hpp"
#include "responses.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string_view body = emu_fuzz::view(data, size);
  dlemu::json parsed;
  if (auto error = dlemu::parse_json_body(body, parsed, dlemu::ApiVersion::v3)) {
    FUZZ_CHECK(error->res.result_int() == 400);
    FUZZ_CHECK(emu_fuzz::valid_json(error->res.body()));
    auto v1 = dlemu::parse_json_body(body, parsed, dlemu::ApiVersion::v1);
    FUZZ_CHECK(v1 && emu_fuzz::valid_json(v1->res.body()));
    return 0;
  }
  FUZZ_CHECK(directline::json_limits::within_depth(dlemu::dump_json(parsed)));
  return 0;
}
