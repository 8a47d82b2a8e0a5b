// Export states handed back to dl_resume_conversation (caller input, often
// stored on disk): invalid or a state that survives a round trip unchanged.
#include "fuzz_support.hpp"
#include "protocol/state.hpp"

using namespace directline::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, std::size_t size) {
  auto state = protocol::state_from_json(fuzz::text(data, size));
  if (!state) {
    FUZZ_CHECK(state.error().code == Code::invalid);
    return 0;
  }
  FUZZ_CHECK(!state->conversation_id.empty());
  FUZZ_CHECK(state->delivered_ids.size() <= protocol::kMaxStateDeliveredIds);
  auto again = protocol::state_from_json(protocol::state_to_json(*state));
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->conversation_id == state->conversation_id);
  FUZZ_CHECK(again->token == state->token);
  FUZZ_CHECK(again->watermark == state->watermark);
  FUZZ_CHECK(again->endpoint == state->endpoint);
  FUZZ_CHECK(again->api_version == state->api_version);
  FUZZ_CHECK(again->expires_in == state->expires_in);
  FUZZ_CHECK(again->delivered_ids == state->delivered_ids);
  return 0;
}
