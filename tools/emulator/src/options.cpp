#include "options.hpp"

#include <cctype>
#include <fstream>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "faults.hpp"
#include "util.hpp"

namespace dlemu {

namespace {
// Integers are plain decimals (no sign, no hex), as documented.
CLI::Validator integer(int64_t min, int64_t max) {
  return CLI::Validator(
      [min, max](std::string &value) -> std::string {
        int64_t n = 0;
        if (parse_int64_in_range(value, min, max, n)) return {};
        return "expected a whole number in " + std::to_string(min) + ".." + std::to_string(max);
      },
      std::to_string(min) + ".." + std::to_string(max));
}

CLI::Validator check(std::function<std::string(const std::string &)> why_bad, std::string name) {
  return CLI::Validator([why_bad](std::string &value) { return why_bad(value); }, std::move(name));
}

void read_secret_file(const std::string &path, std::vector<std::string> &secrets) {
  std::ifstream in(path);
  if (!in) throw CLI::ValidationError("--secret-file", "cannot read " + path);
  std::string line;
  while (std::getline(in, line)) {
    std::string s(trim(line));
    if (!s.empty()) secrets.push_back(s);
  }
}

LogLevel log_level_named(const std::string &name) {
  if (name == "error") return LogLevel::error;
  if (name == "info") return LogLevel::info;
  if (name == "debug") return LogLevel::debug;
  return LogLevel::warn;
}
}  // namespace

bool parse_options(int argc, char **argv, Options &o, int &exit_code) {
  CLI::App app{"A local Direct Line (3.0 and 1.1) server for tests and offline bots.",
               "directline-emulator"};
  // Repeated single-value flags: the last one wins; repeatable ones take one value each time.
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.get_formatter()->column_width(34);

  std::vector<std::string> secret_files;
  std::string bot_timeout_status = "502", v1_bot_error_status = "500", collision = "newer";
  std::string log_level = "warn";

  app.add_option("--host", o.host, "bind address")->capture_default_str();
  app.add_option("--port", o.port, "port; 0 picks a free one")->check(integer(0, 65535))->capture_default_str();
  app.add_option("--secret", o.secrets, "accepted Direct Line secret (repeatable)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false)
      ->check(check([](const std::string &v) { return v.empty() ? "empty secret" : ""; }, "S"));
  app.add_option("--secret-file", secret_files, "file with one secret per line (repeatable)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false);
  app.add_option("--token-ttl", o.token_ttl_s, "token lifetime, seconds")
      ->check(integer(1, 100000000))->capture_default_str();
  app.add_option("--stream-url-ttl", o.stream_url_ttl_s, "stream URL validity, seconds")
      ->check(integer(1, 100000000))->capture_default_str();
  app.add_option("--keepalive", o.keepalive_s, "empty WebSocket frame interval, seconds (0 = off)")
      ->check(integer(0, 86400))->capture_default_str();
  app.add_option("--bot", o.bot, "echo, or a Bot Connector http(s) endpoint")
      ->check(check(
          [](const std::string &v) -> std::string {
            if (v == "echo" || v.rfind("http://", 0) == 0 || v.rfind("https://", 0) == 0) return {};
            return "--bot must be echo or an http(s) URL";
          },
          "echo|URL"))
      ->capture_default_str();
  app.add_option("--bot-timeout", o.bot_timeout_ms, "bot answer timeout, ms")
      ->check(integer(1, 3600000))->capture_default_str();
  app.add_option("--bot-timeout-status", bot_timeout_status, "3.0 status of a bot timeout")
      ->check(CLI::IsMember({"502", "504"}))->capture_default_str();
  app.add_option("--v1-bot-error-status", v1_bot_error_status, "1.1 status of any bot failure")
      ->check(CLI::IsMember({"500", "502"}))->capture_default_str();
  app.add_option("--collision", collision, "which socket is closed when a second one opens")
      ->check(CLI::IsMember({"newer", "older"}))->capture_default_str();
  app.add_flag("--lenient-upload", o.lenient_upload, "accept upload without ?userId=");
  app.add_flag("--allow-post-after-end", o.allow_post_after_end,
               "accept activities after endOfConversation");
  app.add_option("--tls-cert", o.tls_cert, "PEM certificate chain: serve https and wss");
  app.add_option("--tls-key", o.tls_key, "PEM private key (with --tls-cert)");
  app.add_option("--fault", o.faults, "fault injection rule (repeatable), see docs/emulator.md")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false)
      ->check(check(
          [](const std::string &spec) {
            FaultRule rule;
            std::string error;
            return parse_fault_spec(spec, rule, error) ? std::string() : error;
          },
          "SPEC"));
  app.add_option("--seed", o.seed, "seed of the fault RNG")
      ->check(check(
          [](const std::string &v) {
            uint64_t n = 0;
            return parse_uint64(v, n) ? std::string() : std::string("expected a whole number");
          },
          "N"))
      ->capture_default_str();
  app.add_flag("--admin", o.admin, "enable /admin/* (loopback peers only)");
  app.add_option("--idle-evict", o.idle_evict_s, "forget conversations idle this long, seconds")
      ->check(integer(1, 100000000))->capture_default_str();
  app.add_option("--threads", o.threads, "I/O threads (default: the number of cores)")
      ->check(integer(1, 256));
  app.add_option("--agent-schema", o.agent_schemas,
                 "agent schema name the token endpoint knows besides emulator.agent (repeatable)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false)
      ->check(check(
          [](const std::string &v) -> std::string {
            bool ok = !v.empty() && v.size() <= 128;
            for (char c : v) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-');
            return ok ? "" : "an agent schema is 1-128 letters, digits, '_', '.' or '-'";
          },
          "NAME"));
  app.add_option("--stream-delay", o.stream_delay_ms, "echo bot: pause between streamed chunks, ms")
      ->check(integer(0, 10000))->capture_default_str();
  app.add_option("--log-level", log_level, "stderr logging")
      ->check(CLI::IsMember({"error", "warn", "info", "debug"}))->capture_default_str();

  try {
    app.parse(argc, argv);
    for (const auto &file : secret_files) read_secret_file(file, o.secrets);
    if (o.secrets.empty())
      throw CLI::ValidationError("--secret", "at least one --secret or --secret-file is required");
    if (o.tls_cert.empty() != o.tls_key.empty())
      throw CLI::ValidationError("--tls-cert", "--tls-cert and --tls-key go together");
  } catch (const CLI::ParseError &e) {
    // Help and errors go to stderr: stdout carries only the "listening on" line.
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      std::cerr << app.help();
      exit_code = 0;
      return false;
    }
    std::cerr << "directline-emulator: " << e.what() << "\n" << app.help();
    exit_code = 2;
    return false;
  }
  o.bot_timeout_status = std::stoi(bot_timeout_status);
  o.v1_bot_error_status = std::stoi(v1_bot_error_status);
  o.collision_close_older = collision == "older";
  o.log_level = log_level_named(log_level);
  if (o.threads == 0) {
    unsigned hc = std::thread::hardware_concurrency();
    o.threads = hc == 0 ? 2 : static_cast<int>(hc);
  }
  return true;
}

}  // namespace dlemu
