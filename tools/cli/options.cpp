#include "options.hpp"

#include <getopt.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace dlcli {
namespace {

enum OptionId {
  kHelp = 'h',
  kEndpoint = 256, kApi, kUserId, kTimeout, kRetries, kInsecureHttp, kInsecureTls, kCaFile,
  kPolling, kPollInterval, kLogLevel, kVersion,
  kToken, kTokenFile, kSecretFile, kSecretStdin,
  kConversation, kWatermark,
  kUserName, kTrustedOrigin,
  kText, kActivity, kActivityFile, kFile, kContentType,
  kFromStart, kSkipOwn, kJson, kMax, kWait, kType,
};

struct Command {
  const char *name;
  const char *summary;
  const char *synopsis;
};

const Command kCommands[] = {
    {"generate-token", "exchange a secret for a token bound to one new conversation",
     "directline generate-token [--user-id ID] [--user-name NAME] [--trusted-origin URL]..."},
    {"start-conversation", "start a conversation with a secret or a token",
     "directline start-conversation"},
    {"refresh-token", "refresh (3.0) or renew (1.1, needs --conversation) a token",
     "directline refresh-token --token T [--conversation ID]"},
    {"reconnect", "get a fresh stream URL for a conversation (3.0)",
     "directline reconnect --conversation ID [--watermark W]"},
    {"send", "post one activity (a text message, or any activity JSON)",
     "directline send --conversation ID (--text TEXT | TEXT... | --activity JSON | --activity-file F)"},
    {"activities", "one poll: print the service's activity set after a watermark",
     "directline activities --conversation ID [--watermark W]"},
    {"upload", "upload files as one message",
     "directline upload --conversation ID --file PATH... [--content-type TYPE] [--text TEXT | --activity JSON]"},
    {"end", "end the conversation (post endOfConversation)", "directline end --conversation ID"},
    {"listen", "print activities as they arrive, one JSON per line (NDJSON)",
     "directline listen --conversation ID [--watermark W | --from-start] [--max N] [--wait S] [--type T]... [--skip-own]"},
    {"chat", "interactive: send each stdin line, print the bot's replies; exits on EOF",
     "directline chat [--conversation ID] [--wait S] [--json]"},
};

// Which subcommands accept each option ("*" = all).
struct OptionSpec {
  OptionId id;
  const char *name;
  int has_arg;
  const char *commands;  // space separated, "*" for every subcommand
  const char *arg;
  const char *help;
};

const char *const kConversationCommands = "reconnect send activities upload end listen chat refresh-token";
const char *const kCredentialCommands =
    "start-conversation refresh-token reconnect send activities upload end listen chat";

const OptionSpec kSpecs[] = {
    {kHelp, "help", no_argument, "*", nullptr, "show help (for a subcommand: directline CMD --help)"},
    {kEndpoint, "endpoint", required_argument, "*", "URL",
     "Direct Line base URL, e.g. http://127.0.0.1:PORT/v3/directline (default $DIRECTLINE_ENDPOINT, else the public service)"},
    {kApi, "api", required_argument, "*", "3.0|1.1", "protocol version (default 3.0)"},
    {kUserId, "user-id", required_argument, "*", "ID",
     "the user sending activities (default $DIRECTLINE_USER_ID, else user1); for generate-token, "
     "the user bound into the token (default $DIRECTLINE_USER_ID, else none)"},
    {kTimeout, "timeout", required_argument, "*", "SECONDS", "bound on each request, retries included"},
    {kRetries, "retries", required_argument, "*", "N", "attempts for retryable calls (1: no retry)"},
    {kInsecureHttp, "insecure-http", no_argument, "*", nullptr, "allow plain http/ws to a non-loopback host"},
    {kInsecureTls, "insecure-skip-tls-verify", no_argument, "*", nullptr, "do not verify certificates (tests only)"},
    {kCaFile, "ca-file", required_argument, "*", "FILE", "PEM bundle of trusted certificate authorities"},
    {kPolling, "polling", no_argument, "listen chat", nullptr, "receive by polling instead of the WebSocket stream"},
    {kPollInterval, "poll-interval", required_argument, "listen chat", "MS", "polling interval (default 1000)"},
    {kLogLevel, "log-level", required_argument, "*", "LEVEL", "library log to stderr: debug|info|warn|error (redacted)"},
    {kVersion, "version", no_argument, "*", nullptr, "print the library version"},
    {kToken, "token", required_argument, kCredentialCommands, "TOKEN", "a Direct Line token (or $DIRECTLINE_TOKEN)"},
    {kTokenFile, "token-file", required_argument, kCredentialCommands, "FILE", "read the token from FILE"},
    {kSecretFile, "secret-file", required_argument, "generate-token start-conversation reconnect send activities upload end listen chat",
     "FILE", "read the secret from FILE (first line); or set $DIRECTLINE_SECRET"},
    {kSecretStdin, "secret-stdin", no_argument, "generate-token start-conversation reconnect send activities upload end listen",
     nullptr, "read the secret from the first line of stdin"},
    {kConversation, "conversation", required_argument, kConversationCommands, "ID", "the conversation id"},
    {kWatermark, "watermark", required_argument, "reconnect activities listen", "W",
     "resume after this watermark"},
    {kUserName, "user-name", required_argument, "generate-token", "NAME", "user name bound into the token"},
    {kTrustedOrigin, "trusted-origin", required_argument, "generate-token", "URL", "trusted origin (repeatable)"},
    {kText, "text", required_argument, "send upload", "TEXT", "message text"},
    {kActivity, "activity", required_argument, "send upload", "JSON", "the activity JSON to post"},
    {kActivityFile, "activity-file", required_argument, "send upload", "FILE", "read the activity JSON from FILE (- for stdin)"},
    {kFile, "file", required_argument, "upload", "PATH", "a file to upload (repeatable)"},
    {kContentType, "content-type", required_argument, "upload", "TYPE", "media type of the files (default: by extension)"},
    {kFromStart, "from-start", no_argument, "listen", nullptr, "first print every retained activity"},
    {kSkipOwn, "skip-own", no_argument, "listen", nullptr, "skip activities sent by --user-id"},
    {kJson, "json", no_argument, "chat", nullptr, "print replies as NDJSON instead of text"},
    {kMax, "max", required_argument, "listen", "N", "stop after N activities (exit 12 if the wait ends first)"},
    {kWait, "wait", required_argument, "listen chat", "SECONDS",
     "listen: stop when nothing arrives for this long; chat: how long to wait for a reply (default 15)"},
    {kType, "type", required_argument, "listen", "TYPE", "print only activities of this type (repeatable)"},
};

bool applies(const OptionSpec &spec, const std::string &command) {
  if (std::strcmp(spec.commands, "*") == 0 || command.empty()) return true;
  std::istringstream in(spec.commands);
  std::string c;
  while (in >> c)
    if (c == command) return true;
  return false;
}

const OptionSpec *find_spec(int id) {
  for (const auto &s : kSpecs)
    if (s.id == id) return &s;
  return nullptr;
}

int parse_int(const char *text, const char *option, int min, const std::string &command) {
  errno = 0;
  char *end = nullptr;
  long v = std::strtol(text, &end, 10);
  if (errno || end == text || *end || v < min || v > 1000000000)
    throw UsageError(std::string("--") + option + ": expected an integer >= " + std::to_string(min) +
                         ", got '" + text + "'",
                     command);
  return static_cast<int>(v);
}

double parse_seconds(const char *text, const char *option, const std::string &command) {
  errno = 0;
  char *end = nullptr;
  double v = std::strtod(text, &end);
  if (errno || end == text || *end || !(v >= 0) || v > 86400.0 * 365)
    throw UsageError(std::string("--") + option + ": expected seconds >= 0, got '" + text + "'", command);
  return v;
}

}  // namespace

bool is_command(const std::string &name) {
  for (const auto &c : kCommands)
    if (name == c.name) return true;
  return false;
}

std::string usage(const std::string &command) {
  std::ostringstream out;
  auto print_options = [&](bool global) {
    for (const auto &s : kSpecs) {
      bool is_global = std::strcmp(s.commands, "*") == 0;
      if (is_global != global || (!global && !applies(s, command))) continue;
      std::string flag = std::string("  --") + s.name + (s.arg ? std::string(" ") + s.arg : "");
      out << flag;
      if (flag.size() < 32) out << std::string(32 - flag.size(), ' ');
      else out << "\n" << std::string(32, ' ');
      out << s.help << "\n";
    }
  };
  if (command.empty() || !is_command(command)) {
    out << "usage: directline [options] COMMAND [command options]\n\n"
           "A client for the Bot Framework Direct Line API (3.0 and 1.1).\n\ncommands:\n";
    for (const auto &c : kCommands) {
      std::string name = std::string("  ") + c.name;
      out << name << std::string(22 - name.size(), ' ') << c.summary << "\n";
    }
    out << "\nglobal options:\n";
    print_options(true);
    out << "\ncredentials: a token (--token, --token-file or $DIRECTLINE_TOKEN) or a secret\n"
           "(--secret-file, --secret-stdin or $DIRECTLINE_SECRET); a secret is never taken from argv.\n"
           "output: the service's JSON on stdout; errors on stderr as\n"
           "  directline: MESSAGE (CODE, HTTP STATUS, SERVICE CODE)\n"
           "exit codes: 0 ok, 1 local failure, 2 usage or invalid argument, 3 unauthorized (401),\n"
           "  4 forbidden (403), 5 token expired, 6 not found (404), 7 rejected request (400/409/413),\n"
           "  8 throttled (429), 9 bot error (502/504), 10 server error (5xx), 11 network or TLS,\n"
           "  12 timeout, 13 malformed response, 14 conversation ended, 130 interrupted.\n"
           "Run 'directline COMMAND --help' for the options of a command.\n";
    return out.str();
  }
  for (const auto &c : kCommands) {
    if (command != c.name) continue;
    out << "usage: " << c.synopsis << "\n\n" << c.summary << ".\n";
    if (command == "listen")
      out << "Without --watermark or --from-start, prints what arrives from now on. Stops at\n"
             "endOfConversation, after --max activities, after --wait seconds idle, or on Ctrl-C.\n";
    if (command == "chat")
      out << "Without --conversation, starts a new one (its id goes to stderr). Each line read from\n"
             "stdin is sent as a message; the bot's replies are printed as they arrive.\n";
  }
  out << "\noptions:\n";
  print_options(false);
  out << "\nglobal options:\n";
  print_options(true);
  return out.str();
}

Options parse_options(int argc, char **argv) {
  Options o;
  // Find the subcommand first, so each option can be checked against it.
  std::vector<option> table;
  for (const auto &s : kSpecs) table.push_back({s.name, s.has_arg, nullptr, s.id});
  table.push_back({nullptr, 0, nullptr, 0});

  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") break;
    if (a.rfind("-", 0) == 0) {
      // Skip the value of an option that takes one in a separate argument.
      if (a.rfind("--", 0) == 0 && a.find('=') == std::string::npos) {
        for (const auto &s : kSpecs)
          if (a.substr(2) == s.name && s.has_arg == required_argument) { ++i; break; }
      }
      continue;
    }
    o.command = a;
    break;
  }
  if (!o.command.empty() && o.command != "help" && !is_command(o.command))
    throw UsageError("unknown command '" + o.command + "'", "");

  optind = 0;   // full reset, GNU permutation on
  opterr = 0;
  int index = 0;
  int c;
  while ((c = getopt_long(argc, argv, ":h", table.data(), &index)) != -1) {
    if (c == '?') {
      std::string bad = (optind > 0 && optind <= argc) ? argv[optind - 1] : "?";
      throw UsageError("unknown option '" + bad + "'", o.command);
    }
    if (c == ':') {
      std::string bad = (optind > 0 && optind <= argc) ? argv[optind - 1] : "?";
      throw UsageError("option '" + bad + "' needs a value", o.command);
    }
    const OptionSpec *spec = find_spec(c);
    if (spec && !applies(*spec, o.command))
      throw UsageError(std::string("option --") + spec->name + " does not apply to '" + o.command + "'",
                       o.command);
    const char *v = optarg;
    switch (c) {
      case kHelp: o.help = true; break;
      case kEndpoint: o.endpoint = v; break;
      case kApi:
        o.api = v;
        if (o.api != "3.0" && o.api != "1.1")
          throw UsageError("--api: expected 3.0 or 1.1, got '" + o.api + "'", o.command);
        break;
      case kUserId:
        o.user_id = v;
        if (o.user_id.empty()) throw UsageError("--user-id is empty", o.command);
        break;
      case kTimeout: o.timeout_s = parse_seconds(v, "timeout", o.command); break;
      case kRetries: o.retries = parse_int(v, "retries", 1, o.command); break;
      case kInsecureHttp: o.insecure_http = true; break;
      case kInsecureTls: o.insecure_tls = true; break;
      case kCaFile: o.ca_file = v; break;
      case kPolling: o.polling = true; break;
      case kPollInterval: o.poll_interval_ms = parse_int(v, "poll-interval", 1, o.command); break;
      case kLogLevel: o.log_level = v; break;
      case kVersion: o.version = true; break;
      case kToken: o.token = v; break;
      case kTokenFile: o.token_file = v; break;
      case kSecretFile: o.secret_file = v; break;
      case kSecretStdin: o.secret_stdin = true; break;
      case kConversation: o.conversation = v; break;
      case kWatermark: o.watermark = v; break;
      case kUserName: o.user_name = v; break;
      case kTrustedOrigin: o.trusted_origins.push_back(v); break;
      case kText: o.text = v; break;
      case kActivity: o.activity = v; break;
      case kActivityFile: o.activity_file = v; break;
      case kFile: o.files.push_back(v); break;
      case kContentType: o.content_type = v; break;
      case kFromStart: o.from_start = true; break;
      case kSkipOwn: o.skip_own = true; break;
      case kJson: o.json_output = true; break;
      case kMax: o.max_count = parse_int(v, "max", 0, o.command); break;
      case kWait: o.wait_s = parse_seconds(v, "wait", o.command); break;
      case kType: o.types.push_back(v); break;
      default: throw UsageError("unexpected option", o.command);
    }
  }
  bool seen_command = false;
  for (int i = optind; i < argc; ++i) {
    if (!seen_command && argv[i] == o.command) { seen_command = true; continue; }
    o.positional.push_back(argv[i]);
  }
  if (o.command == "help") {  // `directline help CMD`
    o.help = true;
    o.command = o.positional.empty() ? "" : o.positional.front();
    o.positional.clear();
  }
  return o;
}

}  // namespace dlcli
