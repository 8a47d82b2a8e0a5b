// Activity sets (3.0), message sets (1.1) and stream frames (the same parser):
// parse_activity_set, then what the receiver does with a batch (ids, JSON
// kept verbatim, delivery). First byte: 0 = 3.0, else 1.1.
#include "fuzz_support.hpp"
#include "protocol/messages.hpp"
#include "receive/delivery_buffer.hpp"

using namespace directline::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, std::size_t size) {
  if (size == 0) return 0;
  const auto version = data[0] % 2 == 0 ? protocol::ApiVersion::v3 : protocol::ApiVersion::v1_1;
  auto batch = protocol::parse_activity_set(fuzz::text(data + 1, size - 1), version);
  if (!batch) {
    FUZZ_CHECK(batch.error().code == Code::protocol);
    return 0;
  }
  const std::size_t count = batch->activities.size();
  for (const auto &a : batch->activities) {
    // What dl_activity_json hands out must itself be readable JSON.
    auto again = protocol::parse_untrusted_json(a.json, Code::protocol, "activity");
    FUZZ_CHECK(again.ok() && again->is_object());
    if (version == protocol::ApiVersion::v1_1) FUZZ_CHECK(a.type == "message");
  }
  FUZZ_CHECK(!batch->watermark || !batch->watermark->empty());
  DeliveryBuffer buffer;
  const std::size_t added = buffer.accept(std::move(batch.value()));
  FUZZ_CHECK(added <= count);
  std::size_t popped = 0;
  while (buffer.pop()) ++popped;
  FUZZ_CHECK(popped == added);
  return 0;
}
