// Leveled logging to stderr. Callers never pass secrets or tokens.
#pragma once

#include <atomic>
#include <iostream>
#include <mutex>
#include <sstream>

#include "options.hpp"

namespace dlemu {

inline std::atomic<int> g_log_level{static_cast<int>(LogLevel::warn)};

inline bool log_enabled(LogLevel level) { return static_cast<int>(level) <= g_log_level.load(); }

template <typename... Args>
void log(LogLevel level, const Args &...args) {
  if (!log_enabled(level)) return;
  static std::mutex mu;
  static const char *names[] = {"error", "warn", "info", "debug"};
  std::ostringstream line;
  line << "directline-emulator [" << names[static_cast<int>(level)] << "] ";
  (line << ... << args);
  line << '\n';
  std::lock_guard<std::mutex> lock(mu);
  std::cerr << line.str() << std::flush;
}

}  // namespace dlemu
