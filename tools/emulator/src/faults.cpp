#include "faults.hpp"

#include <set>

#include "util.hpp"

namespace dlemu {

namespace {
const std::set<std::string> kRoutes = {
    "generate", "refresh", "start", "reconnect", "get-activities", "post-activity", "upload",
    "stream", "sessionid", "v1-token", "v1-renew", "v1-start", "v1-get-messages",
    "v1-post-message", "v1-upload", "bot-reply", "agent-token", "regional-settings", "any"};
}  // namespace

bool parse_fault_spec(std::string_view spec, FaultRule &out, std::string &error) {
  FaultRule rule;
  int actions = 0;
  spec = trim(spec);
  if (spec.empty()) {
    error = "empty fault spec";
    return false;
  }
  while (!spec.empty()) {
    size_t comma = spec.find(',');
    std::string_view item = trim(spec.substr(0, comma));
    spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
    if (item.empty()) continue;
    size_t eq = item.find('=');
    std::string key(trim(item.substr(0, eq)));
    std::string value(eq == std::string_view::npos ? "" : trim(item.substr(eq + 1)));
    int64_t n = 0;
    auto bad = [&]() {
      error = "bad fault item '" + key + "=" + value + "'";
      return false;
    };
    if (key == "route") {
      if (!kRoutes.count(value)) return bad();
      rule.route = value;
    } else if (key == "status") {
      if (!parse_int64_in_range(value, 100, 599, n)) return bad();
      rule.action = FaultAction::status;
      rule.status = static_cast<int>(n);
      ++actions;
    } else if (key == "delay") {
      if (!parse_int64_in_range(value, 0, 600000, n)) return bad();
      rule.action = FaultAction::delay;
      rule.delay_ms = n;
      ++actions;
    } else if (key == "drop" && eq == std::string_view::npos) {
      rule.action = FaultAction::drop;
      ++actions;
    } else if (key == "truncate" && eq == std::string_view::npos) {
      rule.action = FaultAction::truncate;
      ++actions;
    } else if (key == "lose_response" && eq == std::string_view::npos) {
      rule.action = FaultAction::lose_response;
      ++actions;
    } else if (key == "ws_close_after") {
      if (!parse_int64_in_range(value, 1, 1000000000, n)) return bad();
      rule.action = FaultAction::ws_close_after;
      rule.ws_close_after = static_cast<int>(n);
      ++actions;
    } else if (key == "retry_after") {
      if (!parse_int64_in_range(value, 0, 86400, n)) return bad();
      rule.retry_after_s = static_cast<int>(n);
    } else if (key == "times") {
      if (!parse_int64_in_range(value, 0, INT64_MAX / 2, rule.times)) return bad();
    } else if (key == "after") {
      if (!parse_int64_in_range(value, 0, INT64_MAX / 2, rule.after)) return bad();
    } else if (key == "rate") {
      try {
        size_t used = 0;
        double r = std::stod(value, &used);
        if (used != value.size() || !(r >= 0.0 && r <= 1.0)) return bad();
        rule.rate = r;
      } catch (...) {
        return bad();
      }
    } else {
      error = "unknown fault key '" + key + "'";
      return false;
    }
  }
  if (actions != 1) {
    error = "a fault needs exactly one action (status, delay, drop, truncate, lose_response, ws_close_after)";
    return false;
  }
  if (rule.action == FaultAction::ws_close_after && rule.route != "stream" && rule.route != "any") {
    error = "ws_close_after applies to route=stream only";
    return false;
  }
  out = rule;
  return true;
}

int FaultInjector::add(FaultRule rule) {
  std::lock_guard<std::mutex> lock(mu_);
  rule.id = next_id_++;
  rules_.push_back(rule);
  count_.store(rules_.size());
  return rule.id;
}

void FaultInjector::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  rules_.clear();
  count_.store(0);
}

std::optional<FaultHit> FaultInjector::match(std::string_view route) {
  if (count_.load(std::memory_order_acquire) == 0) return std::nullopt;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto &rule : rules_) {
    if (rule.route != "any" && rule.route != route) continue;
    // A socket-close rule only concerns WebSocket handshakes.
    if (rule.action == FaultAction::ws_close_after && route != "stream") continue;
    ++rule.seen;
    if (rule.seen <= rule.after) continue;
    if (rule.times >= 0 && rule.fired >= rule.times) continue;
    if (rule.rate < 1.0) {
      double draw = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
      if (draw >= rule.rate) continue;
    }
    ++rule.fired;
    return FaultHit{rule.action, rule.status, rule.delay_ms, rule.retry_after_s, rule.ws_close_after};
  }
  return std::nullopt;
}

}  // namespace dlemu
