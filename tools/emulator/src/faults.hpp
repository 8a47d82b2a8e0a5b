// Fault injection (--fault SPEC, POST /admin/faults): error statuses, delays, dropped
// connections, truncated bodies and WebSocket closes on chosen routes, deterministic
// for a given --seed.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace dlemu {

// lose_response: the request is handled in full (stored, sent to the bot), then the
// connection is closed without a response byte: the ambiguous outcome a client must settle.
enum class FaultAction { status, delay, drop, truncate, lose_response, ws_close_after };

struct FaultRule {
  int id = 0;
  std::string route = "any";
  FaultAction action = FaultAction::status;
  int status = 500;
  int64_t delay_ms = 0;
  int retry_after_s = 1;
  int ws_close_after = 0;
  int64_t times = -1;  // -1: unlimited
  int64_t after = 0;
  double rate = 1.0;
  int64_t seen = 0, fired = 0;
};

struct FaultHit {
  FaultAction action;
  int status;
  int64_t delay_ms;
  int retry_after_s;
  int ws_close_after;
};

// Parses a SPEC ("route=post-activity,status=429,retry_after=2,times=1").
bool parse_fault_spec(std::string_view spec, FaultRule &out, std::string &error);

class FaultInjector {
 public:
  explicit FaultInjector(uint64_t seed) : rng_(seed) {}
  int add(FaultRule rule);
  void clear();
  // The fault to apply to one request of `route`, if any. Lock-free when no rule exists.
  std::optional<FaultHit> match(std::string_view route);

 private:
  std::mutex mu_;
  std::vector<FaultRule> rules_;
  std::atomic<size_t> count_{0};
  int next_id_ = 1;
  std::mt19937_64 rng_;
};

}  // namespace dlemu
