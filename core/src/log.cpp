#include "log.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "redact.hpp"

namespace directline::core {

namespace {

struct SinkState {
  LogSink sink = nullptr;
  int min_level = static_cast<int>(LogLevel::off);
  void *user_data = nullptr;
};

std::mutex &sink_mutex() {
  static auto *mu = new std::mutex();
  return *mu;
}

// DIRECTLINE_LOG=debug|info|warn|error enables the stderr default.
int level_from_environment() {
  const char *env = std::getenv("DIRECTLINE_LOG");
  if (!env) return static_cast<int>(LogLevel::off);
  if (!std::strcmp(env, "debug")) return static_cast<int>(LogLevel::debug);
  if (!std::strcmp(env, "info")) return static_cast<int>(LogLevel::info);
  if (!std::strcmp(env, "warn")) return static_cast<int>(LogLevel::warn);
  if (!std::strcmp(env, "error")) return static_cast<int>(LogLevel::error);
  return static_cast<int>(LogLevel::off);
}

SinkState &state() {
  static SinkState s = [] {
    SinkState init;
    init.min_level = level_from_environment();
    return init;
  }();
  return s;
}

void stderr_sink(int level, const char *message, void *) {
  static const char *names[] = {"debug", "info", "warn", "error"};
  std::fprintf(stderr, "directline %s: %s\n", names[level < 0 || level > 3 ? 3 : level], message);
}

}  // namespace

void set_log_sink(LogSink sink, int min_level, void *user_data) {
  std::lock_guard<std::mutex> lock(sink_mutex());
  SinkState &s = state();
  if (sink) {
    s.sink = sink;
    s.min_level = min_level;
    s.user_data = user_data;
  } else {
    s = SinkState();
    s.min_level = level_from_environment();
  }
}

bool log_enabled(LogLevel level) {
  std::lock_guard<std::mutex> lock(sink_mutex());
  return static_cast<int>(level) >= state().min_level && level != LogLevel::off;
}

void log(LogLevel level, const std::string &message) {
  SinkState copy;
  {
    std::lock_guard<std::mutex> lock(sink_mutex());
    copy = state();
  }
  if (level == LogLevel::off || static_cast<int>(level) < copy.min_level) return;
  std::string clean = redact(message);
  (copy.sink ? copy.sink : stderr_sink)(static_cast<int>(level), clean.c_str(), copy.user_data);
}

}  // namespace directline::core
