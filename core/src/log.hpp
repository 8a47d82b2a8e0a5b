// Process-wide logging. Every line is redacted before it reaches a sink; the
// sink is called outside any library lock.
#pragma once

#include <string>

namespace directline::core {

enum class LogLevel : int { debug = 0, info = 1, warn = 2, error = 3, off = 4 };

using LogSink = void (*)(int level, const char *message, void *user_data);

// sink nullptr: default (stderr when DIRECTLINE_LOG=debug|info|warn|error, else nothing).
void set_log_sink(LogSink sink, int min_level, void *user_data);

bool log_enabled(LogLevel level);
void log(LogLevel level, const std::string &message);

}  // namespace directline::core
