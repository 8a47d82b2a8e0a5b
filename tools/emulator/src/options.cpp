#include "options.hpp"

#include <fstream>
#include <iostream>
#include <thread>

#include "faults.hpp"
#include "util.hpp"

namespace dlemu {

namespace {
const char kUsage[] =
    "usage: directline-emulator --secret S [options]\n"
    "  --host ADDR               bind address (default 127.0.0.1)\n"
    "  --port N                  port (default 0 = pick a free one)\n"
    "  --secret S                accepted Direct Line secret (repeatable)\n"
    "  --secret-file F           file with one secret per line\n"
    "  --token-ttl SECONDS       token lifetime (default 1800)\n"
    "  --stream-url-ttl SECONDS  stream URL validity (default 60)\n"
    "  --keepalive SECONDS       empty WebSocket frame interval (default 30, 0 = off)\n"
    "  --bot echo|URL            built-in echo bot or a Bot Connector http(s) endpoint (default echo)\n"
    "  --bot-timeout MS          bot answer timeout (default 15000)\n"
    "  --bot-timeout-status 502|504\n"
    "  --v1-bot-error-status 500|502\n"
    "  --collision newer|older   which socket is closed on a second connection (default newer)\n"
    "  --lenient-upload          accept upload without ?userId=\n"
    "  --allow-post-after-end    accept POST activities after endOfConversation\n"
    "  --tls-cert F --tls-key F  serve https/wss\n"
    "  --fault SPEC              inject faults (repeatable), see docs/emulator.md\n"
    "  --seed N                  fault randomness seed (default 1)\n"
    "  --admin                   enable /admin/* (loopback peers only)\n"
    "  --idle-evict SECONDS      forget idle conversations (default 86400)\n"
    "  --threads N               I/O threads (default hardware concurrency)\n"
    "  --log-level error|warn|info|debug (default warn)\n";
}  // namespace

bool parse_options(int argc, char **argv, Options &o, int &exit_code) {
  exit_code = 2;
  auto fail = [&](const std::string &msg) {
    std::cerr << "directline-emulator: " << msg << "\n" << kUsage;
    return false;
  };
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    size_t eq = arg.find('=');
    bool inline_value = arg.rfind("--", 0) == 0 && eq != std::string::npos;
    if (inline_value) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    auto flag = [&](const char *name) { return arg == name; };
    auto need = [&]() -> bool {
      if (inline_value) return true;
      if (i + 1 >= argc) return false;
      value = argv[++i];
      return true;
    };
    int64_t n = 0;
    if (flag("--help") || flag("-h")) {
      std::cerr << kUsage;
      exit_code = 0;
      return false;
    } else if (flag("--admin")) {
      o.admin = true;
    } else if (flag("--lenient-upload")) {
      o.lenient_upload = true;
    } else if (flag("--allow-post-after-end")) {
      o.allow_post_after_end = true;
    } else if (!need()) {
      return fail("missing value for " + arg);
    } else if (flag("--host")) {
      o.host = value;
    } else if (flag("--port")) {
      if (!parse_int64_in_range(value, 0, 65535, n)) return fail("bad --port");
      o.port = static_cast<uint16_t>(n);
    } else if (flag("--secret")) {
      if (value.empty()) return fail("empty --secret");
      o.secrets.push_back(value);
    } else if (flag("--secret-file")) {
      std::ifstream in(value);
      if (!in) return fail("cannot read --secret-file");
      std::string line;
      while (std::getline(in, line)) {
        std::string s(trim(line));
        if (!s.empty()) o.secrets.push_back(s);
      }
    } else if (flag("--token-ttl")) {
      if (!parse_int64_in_range(value, 1, 100000000, o.token_ttl_s)) return fail("bad --token-ttl");
    } else if (flag("--stream-url-ttl")) {
      if (!parse_int64_in_range(value, 1, 100000000, o.stream_url_ttl_s)) return fail("bad --stream-url-ttl");
    } else if (flag("--keepalive")) {
      if (!parse_int64_in_range(value, 0, 86400, o.keepalive_s)) return fail("bad --keepalive");
    } else if (flag("--bot")) {
      if (value != "echo" && value.rfind("http://", 0) != 0 && value.rfind("https://", 0) != 0)
        return fail("--bot must be echo or an http(s) URL");
      o.bot = value;
    } else if (flag("--bot-timeout")) {
      if (!parse_int64_in_range(value, 1, 3600000, o.bot_timeout_ms)) return fail("bad --bot-timeout");
    } else if (flag("--bot-timeout-status")) {
      if (value != "502" && value != "504") return fail("--bot-timeout-status must be 502 or 504");
      o.bot_timeout_status = std::stoi(value);
    } else if (flag("--v1-bot-error-status")) {
      if (value != "500" && value != "502") return fail("--v1-bot-error-status must be 500 or 502");
      o.v1_bot_error_status = std::stoi(value);
    } else if (flag("--collision")) {
      if (value != "newer" && value != "older") return fail("--collision must be newer or older");
      o.collision_close_older = value == "older";
    } else if (flag("--tls-cert")) {
      o.tls_cert = value;
    } else if (flag("--tls-key")) {
      o.tls_key = value;
    } else if (flag("--fault")) {
      FaultRule rule;
      std::string error;
      if (!parse_fault_spec(value, rule, error)) return fail("--fault: " + error);
      o.faults.push_back(value);
    } else if (flag("--seed")) {
      uint64_t s = 0;
      if (!parse_uint64(value, s)) return fail("bad --seed");
      o.seed = s;
    } else if (flag("--idle-evict")) {
      if (!parse_int64_in_range(value, 1, 100000000, o.idle_evict_s)) return fail("bad --idle-evict");
    } else if (flag("--threads")) {
      if (!parse_int64_in_range(value, 1, 256, n)) return fail("bad --threads");
      o.threads = static_cast<int>(n);
    } else if (flag("--log-level")) {
      if (value == "error") o.log_level = LogLevel::error;
      else if (value == "warn") o.log_level = LogLevel::warn;
      else if (value == "info") o.log_level = LogLevel::info;
      else if (value == "debug") o.log_level = LogLevel::debug;
      else return fail("bad --log-level");
    } else {
      return fail("unknown option " + arg);
    }
  }
  if (o.secrets.empty()) return fail("at least one --secret or --secret-file is required");
  if (o.tls_cert.empty() != o.tls_key.empty()) return fail("--tls-cert and --tls-key go together");
  if (o.threads == 0) {
    unsigned hc = std::thread::hardware_concurrency();
    o.threads = hc == 0 ? 2 : static_cast<int>(hc);
  }
  return true;
}

}  // namespace dlemu
