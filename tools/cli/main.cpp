// directline: command-line client for the Bot Framework Direct Line API.
// Built on directline.hpp (the C ABI) only. Prints the service's JSON on
// stdout; errors go to stderr with a distinct exit code per error class.
#include <directline.hpp>

#include <nlohmann/json.hpp>

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "options.hpp"

namespace dlcli {
namespace {

using json = nlohmann::ordered_json;

enum ExitCode {
  kExitOk = 0, kExitLocal = 1, kExitUsage = 2, kExitUnauthorized = 3, kExitForbidden = 4,
  kExitTokenExpired = 5, kExitNotFound = 6, kExitRejected = 7, kExitThrottled = 8, kExitBot = 9,
  kExitServer = 10, kExitNetwork = 11, kExitTimeout = 12, kExitProtocol = 13, kExitEnded = 14,
  kExitInterrupted = 130,
};

// A local failure (unreadable file, bad input): exit 1, or another code.
struct LocalError : std::runtime_error {
  explicit LocalError(const std::string &m, int exit_code = kExitLocal)
      : std::runtime_error(m), exit_code(exit_code) {}
  int exit_code;
};

const char *code_name(int code) {
  switch (code) {
    case DL_OK: return "DL_OK";
    case DL_EINVALID: return "DL_EINVALID";
    case DL_EUNAUTHORIZED: return "DL_EUNAUTHORIZED";
    case DL_EFORBIDDEN: return "DL_EFORBIDDEN";
    case DL_ETOKEN_EXPIRED: return "DL_ETOKEN_EXPIRED";
    case DL_ENOTFOUND: return "DL_ENOTFOUND";
    case DL_ECONFLICT: return "DL_ECONFLICT";
    case DL_ETHROTTLED: return "DL_ETHROTTLED";
    case DL_EBOT: return "DL_EBOT";
    case DL_ESERVER: return "DL_ESERVER";
    case DL_ENETWORK: return "DL_ENETWORK";
    case DL_ETIMEOUT: return "DL_ETIMEOUT";
    case DL_ETLS: return "DL_ETLS";
    case DL_EPROTOCOL: return "DL_EPROTOCOL";
    case DL_EENDED: return "DL_EENDED";
    case DL_ECANCELLED: return "DL_ECANCELLED";
    case DL_ENOMEM: return "DL_ENOMEM";
    case DL_EBAD_REQUEST: return "DL_EBAD_REQUEST";
    case DL_EINSECURE: return "DL_EINSECURE";
    case DL_EINTERNAL: return "DL_EINTERNAL";
    default: return "DL_E?";
  }
}

int exit_code_for(int code) {
  switch (code) {
    case DL_EINVALID: case DL_EINSECURE: return kExitUsage;
    case DL_EUNAUTHORIZED: return kExitUnauthorized;
    case DL_EFORBIDDEN: return kExitForbidden;
    case DL_ETOKEN_EXPIRED: return kExitTokenExpired;
    case DL_ENOTFOUND: return kExitNotFound;
    case DL_ECONFLICT: case DL_EBAD_REQUEST: return kExitRejected;
    case DL_ETHROTTLED: return kExitThrottled;
    case DL_EBOT: return kExitBot;
    case DL_ESERVER: return kExitServer;
    case DL_ENETWORK: case DL_ETLS: return kExitNetwork;
    case DL_ETIMEOUT: return kExitTimeout;
    case DL_EPROTOCOL: return kExitProtocol;
    case DL_EENDED: return kExitEnded;
    case DL_ECANCELLED: return kExitInterrupted;
    default: return kExitLocal;
  }
}

// "directline: MESSAGE (CODE, HTTP STATUS, SERVICE CODE[, retry after N s])"
int report(const directline::Error &e) {
  std::string detail = code_name(e.code());
  if (e.http_status()) detail += ", HTTP " + std::to_string(e.http_status());
  if (!e.service_code().empty()) detail += ", " + e.service_code();
  if (auto ra = e.retry_after()) detail += ", retry after " + std::to_string(ra->count()) + " s";
  std::cerr << "directline: " << e.what() << " (" << detail << ")\n";
  if (e.code() == DL_EINSECURE) std::cerr << "directline: --insecure-http allows plain http to that host\n";
  return exit_code_for(e.code());
}

std::mutex g_output_mutex;

void print_line(const std::string &line) {
  std::lock_guard<std::mutex> lock(g_output_mutex);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

// The service's JSON as one compact line (field order and unknown fields kept).
std::string one_line(const std::string &service_json) {
  json parsed = json::parse(service_json, nullptr, false);
  return parsed.is_discarded() ? service_json : parsed.dump();
}

// ---------------------------------------------------------------- input

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t'))
    s.pop_back();
  size_t start = s.find_first_not_of(" \t");
  return start == std::string::npos ? std::string() : s.substr(start);
}

std::string read_file(const std::string &path, const char *what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw LocalError(std::string("cannot read ") + what + " file '" + path + "'");
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw LocalError(std::string("cannot read ") + what + " file '" + path + "'");
  return data;
}

// The first line of a credential file; never echoes the content.
std::string read_credential_file(const std::string &path, const char *what) {
  struct stat st {};
  if (stat(path.c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)))
    std::cerr << "directline: warning: " << what << " file '" << path
              << "' is accessible by other users (chmod 600 it)\n";
  std::string data = read_file(path, what);
  std::string first = trim(data.substr(0, data.find('\n')));
  if (first.empty()) throw LocalError(std::string(what) + " file '" + path + "' is empty", kExitUsage);
  return first;
}

std::string read_stdin_line(const char *what) {
  std::string line;
  if (!std::getline(std::cin, line) || trim(line).empty())
    throw LocalError(std::string("no ") + what + " on stdin", kExitUsage);
  return trim(line);
}

const char *env(const char *name) {
  const char *v = std::getenv(name);
  return (v && *v) ? v : nullptr;
}

enum class Need { Secret, Token, Either };

struct Credential {
  std::string value;
  bool is_secret = false;
};

Credential resolve_credential(const Options &o, Need need) {
  int explicit_sources = (o.token ? 1 : 0) + (o.token_file ? 1 : 0) + (o.secret_file ? 1 : 0) +
                         (o.secret_stdin ? 1 : 0);
  if (explicit_sources > 1)
    throw UsageError("give only one of --token, --token-file, --secret-file, --secret-stdin", o.command);
  bool explicit_token = o.token || o.token_file;
  bool explicit_secret = o.secret_file || o.secret_stdin;
  if (need == Need::Secret && explicit_token)
    throw UsageError(o.command + " needs a secret (--secret-file, --secret-stdin or $DIRECTLINE_SECRET)",
                     o.command);
  if (need == Need::Token && explicit_secret)
    throw UsageError(o.command + " needs a token (--token, --token-file or $DIRECTLINE_TOKEN)", o.command);

  if (o.token) {
    if (o.token->empty()) throw UsageError("--token is empty", o.command);
    return {*o.token, false};
  }
  if (o.token_file) return {read_credential_file(*o.token_file, "token"), false};
  if (o.secret_file) return {read_credential_file(*o.secret_file, "secret"), true};
  if (o.secret_stdin) return {read_stdin_line("secret"), true};
  if (need != Need::Secret)
    if (const char *t = env("DIRECTLINE_TOKEN")) return {trim(t), false};
  if (need != Need::Token)
    if (const char *s = env("DIRECTLINE_SECRET")) return {trim(s), true};
  switch (need) {
    case Need::Secret:
      throw UsageError("no secret: use --secret-file, --secret-stdin or $DIRECTLINE_SECRET", o.command);
    case Need::Token:
      throw UsageError("no token: use --token, --token-file or $DIRECTLINE_TOKEN", o.command);
    default:
      throw UsageError("no credential: a token (--token, --token-file, $DIRECTLINE_TOKEN) or a secret "
                       "(--secret-file, --secret-stdin, $DIRECTLINE_SECRET)",
                       o.command);
  }
}

std::string user_id(const Options &o) {
  if (!o.user_id.empty()) return o.user_id;
  if (const char *u = env("DIRECTLINE_USER_ID")) return u;
  return "user1";
}

// ---------------------------------------------------------------- client

void log_to_stderr(int level, const char *message, void *) {
  static const char *const names[] = {"debug", "info", "warn", "error"};
  std::lock_guard<std::mutex> lock(g_output_mutex);
  std::fprintf(stderr, "directline[%s]: %s\n", (level >= 0 && level < 4) ? names[level] : "log", message);
}

directline::ClientOptions client_options(const Options &o) {
  directline::ClientOptions c;
  if (!o.endpoint.empty()) c.endpoint = o.endpoint;
  else if (const char *e = env("DIRECTLINE_ENDPOINT")) c.endpoint = e;
  c.api_version = o.api == "1.1" ? directline::ApiVersion::V1_1 : directline::ApiVersion::V3;
  if (o.timeout_s) {
    auto ms = std::chrono::milliseconds(std::max<long long>(1, static_cast<long long>(*o.timeout_s * 1000)));
    c.request_timeout = ms;
    c.retry_deadline = ms;
    if (ms < std::chrono::seconds(10)) c.connect_timeout = ms;
  }
  if (o.retries) c.retry_max_attempts = *o.retries;
  c.allow_insecure_http = o.insecure_http;
  c.insecure_skip_tls_verify = o.insecure_tls;
  if (!o.ca_file.empty() && access(o.ca_file.c_str(), R_OK) != 0)
    throw LocalError("cannot read CA file '" + o.ca_file + "'");
  c.ca_file = o.ca_file;
  c.receive_mode = o.polling ? directline::ReceiveMode::Polling : directline::ReceiveMode::Auto;
  c.polling_interval = std::chrono::milliseconds(o.poll_interval_ms);
  c.user_agent = "directline-cli";
  return c;
}

void require_conversation(const Options &o) {
  if (o.conversation.empty()) throw UsageError(o.command + " needs --conversation ID", o.command);
}

void no_positional(const Options &o) {
  if (!o.positional.empty())
    throw UsageError("unexpected argument '" + o.positional.front() + "'", o.command);
}

// ---------------------------------------------------------------- one-shot commands

json token_json(const directline::Token &t) {
  json out = json::object();
  if (auto id = t.conversation_id()) out["conversationId"] = *id;
  out["token"] = t.value();
  if (t.expires_in() > 0) out["expires_in"] = t.expires_in();
  return out;
}

json conversation_json(const directline::Conversation &c) {
  json out = json::object();
  out["conversationId"] = c.id();
  if (auto t = c.token()) out["token"] = *t;
  if (c.expires_in() > 0) out["expires_in"] = c.expires_in();
  if (auto s = c.stream_url()) out["streamUrl"] = *s;
  return out;
}

json id_json(const std::optional<std::string> &id) {
  json out = json::object();
  if (id) out["id"] = *id;  // 1.1 assigns none: {}
  return out;
}

int cmd_generate_token(const Options &o) {
  no_positional(o);
  Credential secret = resolve_credential(o, Need::Secret);
  directline::Client client(client_options(o));
  directline::TokenOptions t;
  t.user_id = o.user_id.empty() ? (env("DIRECTLINE_USER_ID") ? env("DIRECTLINE_USER_ID") : "") : o.user_id;
  t.user_name = o.user_name;
  t.trusted_origins = o.trusted_origins;
  print_line(token_json(client.generate_token(secret.value, t)).dump());
  return kExitOk;
}

int cmd_start_conversation(const Options &o) {
  no_positional(o);
  Credential cred = resolve_credential(o, Need::Either);
  directline::Client client(client_options(o));
  auto conversation = client.start_conversation(cred.value);
  print_line(conversation_json(conversation).dump());
  return kExitOk;
}

int cmd_refresh_token(const Options &o) {
  no_positional(o);
  Credential token = resolve_credential(o, Need::Token);
  if (o.api == "1.1" && o.conversation.empty())
    throw UsageError("refresh-token with --api 1.1 needs --conversation ID", o.command);
  directline::Client client(client_options(o));
  std::optional<std::string> conversation;
  if (!o.conversation.empty()) conversation = o.conversation;
  print_line(token_json(client.refresh_token(token.value, conversation)).dump());
  return kExitOk;
}

// --conversation ID with the credential; no request until the first call.
directline::Conversation open_existing(directline::Client &client, const Options &o) {
  require_conversation(o);
  Credential cred = resolve_credential(o, Need::Either);
  return client.open_conversation(cred.value, o.conversation);
}

int cmd_reconnect(const Options &o) {
  no_positional(o);
  directline::Client client(client_options(o));
  auto conversation = open_existing(client, o);
  conversation.reconnect(o.watermark);
  print_line(conversation_json(conversation).dump());
  return kExitOk;
}

std::string read_activity_arg(const Options &o) {
  if (o.activity && o.activity_file) throw UsageError("give --activity or --activity-file, not both", o.command);
  std::string text;
  if (o.activity) text = *o.activity;
  else if (*o.activity_file == "-") text.assign(std::istreambuf_iterator<char>(std::cin), {});
  else text = read_file(*o.activity_file, "activity");
  json parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object())
    throw LocalError("the activity is not a JSON object", kExitUsage);
  // The sender defaults to --user-id, so `--activity '{"type":"event","name":"x"}'` works.
  if (!parsed.contains("from")) parsed["from"] = json{{"id", user_id(o)}};
  return parsed.dump();
}

int cmd_send(const Options &o) {
  bool has_activity = o.activity || o.activity_file;
  std::optional<std::string> text = o.text;
  if (!o.positional.empty()) {
    if (text || has_activity) throw UsageError("unexpected argument '" + o.positional.front() + "'", o.command);
    std::string joined;
    for (const auto &p : o.positional) joined += (joined.empty() ? "" : " ") + p;
    text = joined;
  }
  if (text && has_activity) throw UsageError("give --text or --activity, not both", o.command);
  if (!text && !has_activity) throw UsageError("send needs --text TEXT or --activity JSON", o.command);
  std::string activity = has_activity ? read_activity_arg(o) : std::string();
  directline::Client client(client_options(o));
  auto conversation = open_existing(client, o);
  auto id = text ? conversation.send_message(user_id(o), *text) : conversation.post_activity(activity);
  print_line(id_json(id).dump());
  return kExitOk;
}

int cmd_activities(const Options &o) {
  no_positional(o);
  directline::Client client(client_options(o));
  auto conversation = open_existing(client, o);
  print_line(one_line(conversation.get_activities(o.watermark)));
  return kExitOk;
}

std::string guess_content_type(const std::string &path) {
  static const std::pair<const char *, const char *> known[] = {
      {".png", "image/png"},        {".jpg", "image/jpeg"},      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},        {".webp", "image/webp"},     {".svg", "image/svg+xml"},
      {".txt", "text/plain"},       {".md", "text/markdown"},    {".html", "text/html"},
      {".csv", "text/csv"},         {".json", "application/json"}, {".pdf", "application/pdf"},
      {".zip", "application/zip"},  {".mp3", "audio/mpeg"},      {".wav", "audio/wav"},
      {".mp4", "video/mp4"},
  };
  size_t dot = path.rfind('.');
  if (dot != std::string::npos && path.find('/', dot) == std::string::npos) {
    std::string ext = path.substr(dot);
    for (auto &c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const auto &k : known)
      if (ext == k.first) return k.second;
  }
  return "application/octet-stream";
}

int cmd_upload(const Options &o) {
  no_positional(o);
  if (o.files.empty()) throw UsageError("upload needs at least one --file PATH", o.command);
  if (o.text && (o.activity || o.activity_file)) throw UsageError("give --text or --activity, not both", o.command);
  std::vector<directline::UploadFile> files;
  for (const auto &path : o.files) {
    directline::UploadFile f;
    size_t slash = path.rfind('/');
    f.name = slash == std::string::npos ? path : path.substr(slash + 1);
    f.content_type = o.content_type.empty() ? guess_content_type(path) : o.content_type;
    f.data = read_file(path, "upload");
    files.push_back(std::move(f));
  }
  std::optional<std::string> activity;
  if (o.activity || o.activity_file) activity = read_activity_arg(o);
  else if (o.text)
    activity = json{{"type", "message"}, {"from", {{"id", user_id(o)}}}, {"text", *o.text}}.dump();
  directline::Client client(client_options(o));
  auto conversation = open_existing(client, o);
  print_line(id_json(conversation.upload(user_id(o), files, activity)).dump());
  return kExitOk;
}

int cmd_end(const Options &o) {
  no_positional(o);
  directline::Client client(client_options(o));
  auto conversation = open_existing(client, o);
  print_line(id_json(conversation.end(user_id(o))).dump());
  return kExitOk;
}

// ---------------------------------------------------------------- receiving

// Ctrl-C / SIGTERM while listening or chatting: the first signal closes the
// conversation (waking next_activity) and the stdin wait; a second one exits.
// Signals are blocked in every thread and taken by one sigwait thread, so no
// library call ever runs in a signal handler.
class InterruptWatcher {
 public:
  InterruptWatcher() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGUSR1);  // our own wake-up to stop the watcher
    // Before any library thread exists, so they all inherit the mask.
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
    if (pipe(wake_) != 0) wake_[0] = wake_[1] = -1;
    thread_ = std::thread([this] { run(); });
  }
  ~InterruptWatcher() {
    stopping_ = true;
    pthread_kill(thread_.native_handle(), SIGUSR1);
    thread_.join();
    if (wake_[0] >= 0) { ::close(wake_[0]); ::close(wake_[1]); }
  }
  void watch(directline::Conversation *conversation) {
    std::lock_guard<std::mutex> lock(mutex_);
    target_ = conversation;
    if (interrupted_ && target_) target_->close();
  }
  bool interrupted() const { return interrupted_; }
  // Wakes a LineReader waiting on stdin (e.g. when the bot ended the chat).
  void wake() {
    if (wake_[1] >= 0) (void)!write(wake_[1], "x", 1);
  }
  int wake_fd() const { return wake_[0]; }

 private:
  void run() {
    while (true) {
      int sig = 0;
      if (sigwait(&set_, &sig) != 0) continue;
      if (sig == SIGUSR1) {
        if (stopping_) return;
        continue;
      }
      if (interrupted_) _exit(kExitInterrupted);  // second Ctrl-C: give up waiting
      interrupted_ = true;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (target_) target_->close();
      }
      if (wake_[1] >= 0) (void)!write(wake_[1], "x", 1);
    }
  }
  sigset_t set_{};
  int wake_[2] = {-1, -1};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> interrupted_{false};
  std::mutex mutex_;
  directline::Conversation *target_ = nullptr;
  std::thread thread_;
};

struct PollPage {
  std::vector<json> activities;
  std::optional<std::string> watermark;
};

PollPage parse_page(const std::string &set_json) {
  json set = json::parse(set_json, nullptr, false);
  if (set.is_discarded() || !set.is_object())
    throw LocalError("malformed activity set from the service", kExitProtocol);
  PollPage page;
  const char *list = set.contains("messages") ? "messages" : "activities";  // 1.1 : 3.0
  if (set.contains(list) && set[list].is_array())
    for (auto &a : set[list]) page.activities.push_back(a);
  if (set.contains("watermark") && set["watermark"].is_string()) page.watermark = set["watermark"].get<std::string>();
  return page;
}

// Pages through GET activities from the start to the end; each activity goes to
// `emit`. Returns the last watermark (the point "now" for a new receiver).
template <typename Emit>
std::optional<std::string> drain_history(directline::Conversation &c, Emit emit) {
  std::optional<std::string> after;
  for (int guard = 0; guard < 100000; ++guard) {
    PollPage page = parse_page(c.get_activities(after));
    for (auto &a : page.activities) emit(a);
    if (page.watermark) after = page.watermark;
    if (page.activities.empty() || !page.watermark) break;
  }
  return after;
}

// The receiving conversation for listen/chat: resumes after --watermark, or
// after the current end of the history ("from now"), or replays all of it.
directline::Conversation open_for_receiving(directline::Client &client, const Options &o,
                                            const std::function<void(const json &)> &emit_history) {
  Credential cred = resolve_credential(o, Need::Either);
  std::optional<std::string> watermark = o.watermark;
  if (!watermark) {
    auto probe = client.open_conversation(cred.value, o.conversation);
    watermark = drain_history(probe, [&](const json &a) {
      if (o.from_start) emit_history(a);
    });
  }
  return client.open_conversation(cred.value, o.conversation, watermark);
}

std::chrono::milliseconds to_ms(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

int cmd_listen(const Options &o, InterruptWatcher &interrupts) {
  no_positional(o);
  require_conversation(o);
  if (o.from_start && o.watermark) throw UsageError("give --watermark or --from-start, not both", o.command);
  const std::string me = user_id(o);
  const std::set<std::string> types(o.types.begin(), o.types.end());
  int printed = 0;
  bool ended = false;
  // Prints one activity if it passes the filters; notes endOfConversation.
  auto emit = [&](const json &a, bool own) {
    std::string type = a.value("type", "");
    if (type == "endOfConversation") ended = true;
    std::string from = (a.contains("from") && a["from"].is_object()) ? a["from"].value("id", "")
                       : (a.contains("from") && a["from"].is_string()) ? a["from"].get<std::string>() : "";
    if (o.skip_own && (own || from == me)) return;
    if (!types.empty() && !types.count(type)) return;
    if (o.max_count > 0 && printed >= o.max_count) return;
    print_line(a.dump());
    ++printed;
  };
  auto done = [&] { return ended || (o.max_count > 0 && printed >= o.max_count); };

  directline::Client client(client_options(o));
  auto conversation = open_for_receiving(client, o, [&](const json &a) { emit(a, false); });
  interrupts.watch(&conversation);
  // On stderr, so scripts can tell when activities sent from now on will be seen.
  {
    std::lock_guard<std::mutex> lock(g_output_mutex);
    std::cerr << "directline: listening to conversation " << conversation.id() << "\n" << std::flush;
  }
  struct Unwatch {
    InterruptWatcher &w;
    ~Unwatch() { w.watch(nullptr); }
  } unwatch{interrupts};

  const auto wait = o.wait_s ? to_ms(*o.wait_s) : std::chrono::milliseconds(-1);
  while (!done()) {
    std::optional<directline::Activity> activity;
    try {
      activity = conversation.next_activity(wait);
    } catch (const directline::Error &e) {
      if (e.code() == DL_EENDED) break;  // the bot ended it: a normal stop
      if (e.code() == DL_ECANCELLED && interrupts.interrupted()) return kExitInterrupted;
      throw;
    }
    if (!activity) {  // idle for --wait
      if (o.max_count > 0) {
        std::cerr << "directline: only " << printed << " of " << o.max_count << " activities within "
                  << *o.wait_s << " s (DL_ETIMEOUT)\n";
        return kExitTimeout;
      }
      break;
    }
    json parsed = json::parse(activity->json(), nullptr, false);
    if (parsed.is_discarded()) throw LocalError("malformed activity from the service", kExitProtocol);
    emit(parsed, activity->is_own());
  }
  return kExitOk;
}

// Reads lines from stdin while staying interruptible (poll on stdin + the
// watcher's wake pipe). Returns false at EOF or on interrupt.
class LineReader {
 public:
  explicit LineReader(int wake_fd) : wake_fd_(wake_fd) {}
  bool next(std::string &line) {
    while (true) {
      size_t nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return true;
      }
      if (eof_) {
        if (buffer_.empty()) return false;
        line.swap(buffer_);
        buffer_.clear();
        return true;
      }
      pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
      int n = ::poll(fds, wake_fd_ >= 0 ? 2 : 1, -1);
      if (n < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      if (wake_fd_ >= 0 && (fds[1].revents & POLLIN)) return false;
      char chunk[4096];
      ssize_t got = ::read(STDIN_FILENO, chunk, sizeof chunk);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) eof_ = true;
      else buffer_.append(chunk, static_cast<size_t>(got));
    }
  }

 private:
  int wake_fd_;
  std::string buffer_;
  bool eof_ = false;
};

int cmd_chat(const Options &o, InterruptWatcher &interrupts) {
  no_positional(o);
  const std::string me = user_id(o);
  const auto reply_wait = to_ms(o.wait_s.value_or(15.0));
  directline::Client client(client_options(o));
  std::optional<directline::Conversation> holder;
  if (o.conversation.empty()) {
    Credential cred = resolve_credential(o, Need::Either);
    holder.emplace(client.start_conversation(cred.value));
  } else {
    holder.emplace(open_for_receiving(client, o, [](const json &) {}));
  }
  std::cerr << "directline: listening to conversation " << holder->id() << "\n" << std::flush;
  directline::Conversation &conversation = *holder;
  interrupts.watch(&conversation);
  struct Unwatch {
    InterruptWatcher &w;
    ~Unwatch() { w.watch(nullptr); }
  } unwatch{interrupts};

  // The receiver thread prints replies; the main thread sends and waits for
  // the reply to what it sent (replyToId), or for any bot message on 1.1.
  std::mutex mutex;
  std::condition_variable replied;
  std::optional<std::string> awaiting_id;
  bool awaiting = false;
  bool receiver_done = false;
  bool bot_ended = false;
  std::optional<directline::Error> receiver_error;

  std::thread receiver([&] {
    while (true) {
      std::optional<directline::Activity> activity;
      try {
        activity = conversation.next_activity(-1);
      } catch (const directline::Error &e) {
        std::lock_guard<std::mutex> lock(mutex);
        if (e.code() != DL_ECANCELLED && e.code() != DL_EENDED) receiver_error = e;
        if (e.code() == DL_EENDED) {
          bot_ended = true;
          std::cerr << "directline: the conversation has ended\n";
        }
        receiver_done = true;
        replied.notify_all();
        interrupts.wake();
        return;
      }
      if (!activity) continue;
      if (activity->is_own() || activity->from_id() == me) continue;
      json parsed = json::parse(activity->json(), nullptr, false);
      std::string type = activity->type();
      if (o.json_output) print_line(parsed.is_discarded() ? activity->json() : parsed.dump());
      else if (auto text = activity->text(); text && !text->empty()) print_line(*text);
      else if (type != "typing" && type != "endOfConversation") print_line("[" + type + "]");
      if (type == "typing") continue;
      std::string reply_to = (!parsed.is_discarded() && parsed.contains("replyToId") &&
                              parsed["replyToId"].is_string())
                                 ? parsed["replyToId"].get<std::string>() : "";
      std::lock_guard<std::mutex> lock(mutex);
      if (awaiting && (!awaiting_id || reply_to == *awaiting_id)) {
        awaiting = false;
        replied.notify_all();
      }
    }
  });
  struct Joiner {
    directline::Conversation &c;
    std::thread &t;
    ~Joiner() { c.close(); if (t.joinable()) t.join(); }
  } joiner{conversation, receiver};

  const bool interactive = isatty(STDIN_FILENO);
  LineReader reader(interrupts.wake_fd());
  std::string line;
  bool last_answered = true;
  while (true) {
    if (interactive) std::cerr << "> " << std::flush;
    if (!reader.next(line)) break;
    if (trim(line).empty()) continue;
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (receiver_done) break;
      awaiting = true;
      awaiting_id.reset();
    }
    auto id = conversation.send_message(me, line);
    std::unique_lock<std::mutex> lock(mutex);
    if (id && awaiting) awaiting_id = id;
    last_answered = replied.wait_for(lock, reply_wait, [&] { return !awaiting || receiver_done; }) && !awaiting;
    if (receiver_done) break;
  }
  if (interrupts.interrupted()) return kExitInterrupted;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (receiver_error) return report(*receiver_error);
    if (bot_ended) return kExitOk;  // the bot said goodbye: a normal end of the chat
  }
  if (!last_answered) {
    std::cerr << "directline: no reply from the bot within " << o.wait_s.value_or(15.0) << " s (DL_ETIMEOUT)\n";
    return kExitTimeout;
  }
  return kExitOk;
}

int dispatch(const Options &o) {
  if (o.command == "generate-token") return cmd_generate_token(o);
  if (o.command == "start-conversation") return cmd_start_conversation(o);
  if (o.command == "refresh-token") return cmd_refresh_token(o);
  if (o.command == "reconnect") return cmd_reconnect(o);
  if (o.command == "send") return cmd_send(o);
  if (o.command == "activities") return cmd_activities(o);
  if (o.command == "upload") return cmd_upload(o);
  if (o.command == "end") return cmd_end(o);
  if (o.command == "listen" || o.command == "chat") {
    if (o.command == "chat" && o.secret_stdin) throw UsageError("chat reads stdin: use --secret-file", o.command);
    InterruptWatcher interrupts;  // before the client: library threads inherit the signal mask
    return o.command == "listen" ? cmd_listen(o, interrupts) : cmd_chat(o, interrupts);
  }
  throw UsageError("unknown command '" + o.command + "'", "");
}

void install_log_level(const std::string &level) {
  if (level.empty()) return;
  static const std::pair<const char *, int> levels[] = {
      {"debug", DL_LOG_DEBUG}, {"info", DL_LOG_INFO}, {"warn", DL_LOG_WARN}, {"error", DL_LOG_ERROR}};
  for (const auto &l : levels)
    if (level == l.first) { dl_set_log_handler(log_to_stderr, l.second, nullptr); return; }
  throw UsageError("--log-level: expected debug, info, warn or error", "");
}

}  // namespace
}  // namespace dlcli

int main(int argc, char **argv) {
  using namespace dlcli;
  try {
    Options o = parse_options(argc, argv);
    if (o.version) {
      std::cout << "directline " << directline::version() << "\n";
      return kExitOk;
    }
    if (o.help) {
      std::cout << usage(o.command);
      return kExitOk;
    }
    if (o.command.empty()) {
      std::cerr << usage("");
      return kExitUsage;
    }
    install_log_level(o.log_level);
    return dispatch(o);
  } catch (const UsageError &e) {
    std::cerr << "directline: " << e.what() << "\n"
              << "Try 'directline " << (e.command.empty() ? "" : e.command + " ") << "--help'.\n";
    return kExitUsage;
  } catch (const directline::Error &e) {
    return report(e);
  } catch (const LocalError &e) {
    std::cerr << "directline: " << e.what() << "\n";
    return e.exit_code;
  } catch (const std::bad_alloc &) {
    std::cerr << "directline: out of memory\n";
    return kExitLocal;
  } catch (const std::exception &e) {
    std::cerr << "directline: " << e.what() << "\n";
    return kExitLocal;
  }
}
