// The delivery buffer fed batches a server chose: ids and watermarks in any
// order and repetition. Nothing is delivered twice (ids stay within the
// de-duplication window), pops come in order, an integer watermark never
// moves back. Input: a byte program, see below.
#include <set>

#include "fuzz_support.hpp"
#include "receive/delivery_buffer.hpp"

using namespace directline::core;

namespace {
bool is_number(const std::optional<std::string> &w) {
  return w && !w->empty() && w->find_first_not_of("0123456789") == std::string::npos;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, std::size_t size) {
  DeliveryBuffer buffer;
  std::set<std::string> delivered;
  std::size_t i = 0;
  auto next = [&]() -> uint8_t { return i < size ? data[i++] : 0; };
  while (i < size) {
    const uint8_t op = next();
    if (op % 4 == 0) {  // pop a few
      for (int n = next() % 8; n > 0; --n) {
        auto a = buffer.pop();
        if (!a) break;
        if (!a->id.empty()) FUZZ_CHECK(delivered.insert(a->id).second);
      }
      continue;
    }
    // A batch: count, ids (< kWindow distinct values, "" = no id), then a watermark.
    ReceivedBatch batch;
    for (int n = next() % 6; n > 0; --n) {
      ReceivedActivity a;
      const uint8_t id = next();
      if (id != 0) a.id = "c|" + std::to_string(id % 200);
      a.type = id % 17 == 0 ? "endOfConversation" : "message";
      batch.activities.push_back(std::move(a));
    }
    const uint8_t wm = next();
    if (wm % 5 == 1) batch.watermark = "w" + std::to_string(wm);  // opaque
    else if (wm % 5 != 0) batch.watermark = std::string(wm % 3, '0') + std::to_string(wm / 5);
    std::vector<bool> is_end;
    for (const auto &a : batch.activities) is_end.push_back(a.type == "endOfConversation");
    const auto before = buffer.received_watermark();
    const auto incoming = batch.watermark;
    buffer.accept(std::move(batch), op % 2 ? is_end : std::vector<bool>{});
    const auto after = buffer.received_watermark();
    if (is_number(before) && is_number(incoming) && is_number(after)) {
      auto value = [](const std::string &s) { return std::stoull("0" + s.substr(0, 18)); };
      FUZZ_CHECK(value(*after) >= value(*before));
    }
  }
  while (auto a = buffer.pop())
    if (!a->id.empty()) FUZZ_CHECK(delivered.insert(a->id).second);
  return 0;
}
