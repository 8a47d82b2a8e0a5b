// Command-line options of directline-emulator (the contract in docs/emulator.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dlemu {

enum class LogLevel { error = 0, warn = 1, info = 2, debug = 3 };

struct Options {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::vector<std::string> secrets;
  int64_t token_ttl_s = 1800;
  int64_t stream_url_ttl_s = 60;
  int64_t keepalive_s = 30;
  std::string bot = "echo";  // "echo" or an http(s) URL
  int64_t bot_timeout_ms = 15000;
  int bot_timeout_status = 502;
  int v1_bot_error_status = 500;
  bool collision_close_older = false;
  bool lenient_upload = false;
  bool allow_post_after_end = false;
  std::string tls_cert, tls_key;
  std::vector<std::string> faults;
  uint64_t seed = 1;
  bool admin = false;
  int64_t idle_evict_s = 86400;
  int threads = 0;  // 0: hardware concurrency
  std::vector<std::string> agent_schemas;  // besides emulator.agent
  int64_t stream_delay_ms = 30;            // between the echo bot's streamed chunks
  LogLevel log_level = LogLevel::warn;

  bool tls() const { return !tls_cert.empty(); }
};

// Parses argv; on error or --help writes to stderr and returns false with exit_code set
// (2 for bad flags, 0 for --help).
bool parse_options(int argc, char **argv, Options &out, int &exit_code);

}  // namespace dlemu
