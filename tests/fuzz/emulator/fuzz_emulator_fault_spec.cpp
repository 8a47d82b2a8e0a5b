// Fault specs (--fault and POST /admin/faults). Invariants: an accepted spec has exactly one
// action, a known route, values in their documented ranges, and matching it never throws.
#include "emu_fuzz.hpp"
#include "faults.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  dlemu::FaultRule rule;
  std::string error;
  if (!dlemu::parse_fault_spec(emu_fuzz::view(data, size), rule, error)) {
    FUZZ_CHECK(!error.empty());
    return 0;
  }
  FUZZ_CHECK(rule.status >= 100 && rule.status <= 599);
  FUZZ_CHECK(rule.delay_ms >= 0 && rule.delay_ms <= 600000);
  FUZZ_CHECK(rule.retry_after_s >= 0 && rule.retry_after_s <= 86400);
  FUZZ_CHECK(rule.rate >= 0.0 && rule.rate <= 1.0);
  FUZZ_CHECK(rule.times >= -1 && rule.after >= 0);
  dlemu::FaultInjector faults(1);
  faults.add(rule);
  for (const char *route : {"generate", "stream", "post-activity", "agent-token", "any"})
    for (int i = 0; i < 3; ++i) (void)faults.match(route);
  return 0;
}
