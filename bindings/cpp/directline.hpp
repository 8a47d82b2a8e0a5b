// directline.hpp - header-only C++17 RAII wrapper over the directline C API.
//
// Built on <directline.h> alone (never on the library's internals), so it works
// with any libdirectline.so.1. Every failing C call becomes a directline::Error
// carrying the code, HTTP status, service code and Retry-After of
// dl_error_last(). Handles are owned by RAII types:
//   Client, Conversation: move-only (one owner of the native handle);
//   Token, Activity:      copyable, immutable, shared (safe to read from any thread).
//
// Example:
//   directline::Client client(directline::ClientOptions{}.with_endpoint(url));
//   auto token = client.generate_token(secret);
//   auto conversation = client.start_conversation(token.value());
//   conversation.send_message("user1", "hello");
//   while (auto activity = conversation.next_activity(std::chrono::seconds(5)))
//     if (!activity->is_own()) std::cout << activity->text().value_or("") << "\n";
#ifndef DIRECTLINE_HPP
#define DIRECTLINE_HPP

#include <directline.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace directline {

/// The loaded library's version, "MAJOR.MINOR.PATCH".
inline std::string version() { return dl_version_string(); }

/// A short description of a dl_result code ("token expired", ...).
inline std::string result_string(int code) { return dl_result_string(code); }

/// A failed call. code() is a dl_result (DL_EUNAUTHORIZED, DL_ETOKEN_EXPIRED, ...).
/// what() is the library's message, which never contains secrets or tokens.
class Error : public std::runtime_error {
 public:
  Error(int code, int http_status, std::string service_code, const std::string &message,
        int retry_after_s = -1)
      : std::runtime_error(message),
        code_(code),
        http_status_(http_status),
        retry_after_s_(retry_after_s),
        service_code_(std::move(service_code)) {}

  /// Snapshot of dl_error_last(); result is the C function's return value, used
  /// when the library did not record a code (it always should).
  static Error last(int result) {
    const dl_error *e = dl_error_last();
    int code = (e && e->code != DL_OK) ? e->code : result;
    std::string message = (e && e->message && *e->message) ? e->message : dl_result_string(code);
    return Error(code, e ? e->http_status : 0, (e && e->service_code) ? e->service_code : "",
                 message, e ? e->retry_after_s : -1);
  }

  int code() const noexcept { return code_; }
  /// HTTP status of the failing response; 0 when there was none.
  int http_status() const noexcept { return http_status_; }
  /// The service's error.code (e.g. "TokenExpired"); empty when none.
  const std::string &service_code() const noexcept { return service_code_; }
  /// Retry-After sent with a 429 (or 503); nullopt when the service sent none.
  std::optional<std::chrono::seconds> retry_after() const noexcept {
    if (retry_after_s_ < 0) return std::nullopt;
    return std::chrono::seconds(retry_after_s_);
  }

 private:
  int code_;
  int http_status_;
  int retry_after_s_;
  std::string service_code_;
};

namespace detail {

// Throws the thread's last error for a negative result. Must run right after
// the failing call: any other dl_ call on this thread replaces dl_error_last().
inline void check(int result) {
  if (result < 0) throw Error::last(result);
}

struct StringFree {
  void operator()(char *s) const noexcept { dl_string_free(s); }
};
using OwnedString = std::unique_ptr<char, StringFree>;

inline std::optional<std::string> take_optional(char *raw) {
  OwnedString owned(raw);
  if (!owned) return std::nullopt;
  return std::string(owned.get());
}

inline std::string take(char *raw) {
  OwnedString owned(raw);
  return owned ? std::string(owned.get()) : std::string();
}

inline std::string copy(const char *s) { return s ? std::string(s) : std::string(); }

inline std::optional<std::string> copy_optional(const char *s) {
  if (!s) return std::nullopt;
  return std::string(s);
}

inline const char *c_str_or_null(const std::optional<std::string> &s) {
  return s ? s->c_str() : nullptr;
}

struct ClientFree {
  void operator()(dl_client *c) const noexcept { dl_client_free(c); }
};
struct ConversationFree {
  void operator()(dl_conversation *c) const noexcept { dl_conversation_free(c); }
};

// Clamps a duration to the int milliseconds the C API takes (-1 = forever).
inline int to_timeout_ms(std::chrono::milliseconds timeout) {
  if (timeout.count() < 0) return -1;
  constexpr long long max_ms = 0x7fffffff;
  return timeout.count() > max_ms ? static_cast<int>(max_ms) : static_cast<int>(timeout.count());
}

}  // namespace detail

enum class ApiVersion { V3 = DL_API_V3, V1_1 = DL_API_V1_1 };
enum class ReceiveMode { Auto = DL_RECEIVE_AUTO, Polling = DL_RECEIVE_POLLING };

/// Client settings (dl_client_options). Public members, plus chainable with_*()
/// setters: ClientOptions{}.with_endpoint(url).with_api_version(ApiVersion::V1_1).
/// Zero / empty means the library default.
struct ClientOptions {
  std::string endpoint;  ///< empty: the public service for api_version
  ApiVersion api_version = ApiVersion::V3;
  std::chrono::milliseconds connect_timeout{0};
  std::chrono::milliseconds request_timeout{0};
  int retry_max_attempts = 0;
  std::chrono::milliseconds retry_deadline{0};
  std::chrono::milliseconds retry_base_delay{0};
  std::string user_agent;
  std::string proxy;
  std::string ca_file;
  bool insecure_skip_tls_verify = false;  ///< tests only
  bool allow_insecure_http = false;       ///< plain http/ws to a non-loopback host
  ReceiveMode receive_mode = ReceiveMode::Auto;
  std::chrono::milliseconds polling_interval{0};
  bool disable_auto_refresh = false;
  bool stream_replies = false;  ///< posted messages ask for a streamed reply ("deliveryMode": "stream")
  int max_response_bytes = 0;   ///< largest response body accepted; 0: 8 MiB
  std::chrono::milliseconds reconnect_base_delay{0};  ///< stream reconnect backoff, first ceiling; 0: 1 s
  std::chrono::milliseconds reconnect_max_delay{0};   ///< stream reconnect backoff cap; 0: 15 s
  int receive_queue_limit = 0;  ///< activities received but not yet taken before reading pauses; 0: 1000

  ClientOptions &with_endpoint(std::string v) { endpoint = std::move(v); return *this; }
  ClientOptions &with_api_version(ApiVersion v) { api_version = v; return *this; }
  ClientOptions &with_connect_timeout(std::chrono::milliseconds v) { connect_timeout = v; return *this; }
  ClientOptions &with_request_timeout(std::chrono::milliseconds v) { request_timeout = v; return *this; }
  ClientOptions &with_retry_max_attempts(int v) { retry_max_attempts = v; return *this; }
  ClientOptions &with_retry_deadline(std::chrono::milliseconds v) { retry_deadline = v; return *this; }
  ClientOptions &with_retry_base_delay(std::chrono::milliseconds v) { retry_base_delay = v; return *this; }
  ClientOptions &with_user_agent(std::string v) { user_agent = std::move(v); return *this; }
  ClientOptions &with_proxy(std::string v) { proxy = std::move(v); return *this; }
  ClientOptions &with_ca_file(std::string v) { ca_file = std::move(v); return *this; }
  ClientOptions &with_insecure_skip_tls_verify(bool v) { insecure_skip_tls_verify = v; return *this; }
  ClientOptions &with_allow_insecure_http(bool v) { allow_insecure_http = v; return *this; }
  ClientOptions &with_receive_mode(ReceiveMode v) { receive_mode = v; return *this; }
  ClientOptions &with_polling_interval(std::chrono::milliseconds v) { polling_interval = v; return *this; }
  ClientOptions &with_disable_auto_refresh(bool v) { disable_auto_refresh = v; return *this; }
  ClientOptions &with_stream_replies(bool v) { stream_replies = v; return *this; }
  ClientOptions &with_max_response_bytes(int v) { max_response_bytes = v; return *this; }
  ClientOptions &with_reconnect_base_delay(std::chrono::milliseconds v) { reconnect_base_delay = v; return *this; }
  ClientOptions &with_reconnect_max_delay(std::chrono::milliseconds v) { reconnect_max_delay = v; return *this; }
  ClientOptions &with_receive_queue_limit(int v) { receive_queue_limit = v; return *this; }

  /// The C struct; its strings point into *this, so keep *this alive while it is used.
  dl_client_options to_c() const {
    dl_client_options o;
    dl_client_options_init(&o);
    auto str = [](const std::string &s) { return s.empty() ? nullptr : s.c_str(); };
    auto ms = [](std::chrono::milliseconds d) { return detail::to_timeout_ms(d) < 0 ? 0 : detail::to_timeout_ms(d); };
    o.endpoint = str(endpoint);
    o.api_version = static_cast<int>(api_version);
    o.connect_timeout_ms = ms(connect_timeout);
    o.request_timeout_ms = ms(request_timeout);
    o.retry_max_attempts = retry_max_attempts;
    o.retry_deadline_ms = ms(retry_deadline);
    o.retry_base_delay_ms = ms(retry_base_delay);
    o.user_agent = str(user_agent);
    o.proxy = str(proxy);
    o.ca_file = str(ca_file);
    o.insecure_skip_tls_verify = insecure_skip_tls_verify ? 1 : 0;
    o.allow_insecure_http = allow_insecure_http ? 1 : 0;
    o.receive_mode = static_cast<int>(receive_mode);
    o.polling_interval_ms = ms(polling_interval);
    o.disable_auto_refresh = disable_auto_refresh ? 1 : 0;
    o.stream_replies = stream_replies ? 1 : 0;
    o.max_response_bytes = max_response_bytes;
    o.reconnect_base_delay_ms = ms(reconnect_base_delay);
    o.reconnect_max_delay_ms = ms(reconnect_max_delay);
    o.receive_queue_limit = receive_queue_limit;
    return o;
  }
};

/// Token parameters for generate_token (3.0 TokenParameters; ignored by 1.1).
struct TokenOptions {
  std::string user_id;    ///< empty: none
  std::string user_name;  ///< empty: none
  std::vector<std::string> trusted_origins;

  TokenOptions &with_user_id(std::string v) { user_id = std::move(v); return *this; }
  TokenOptions &with_user_name(std::string v) { user_name = std::move(v); return *this; }
  TokenOptions &with_trusted_origin(std::string v) { trusted_origins.push_back(std::move(v)); return *this; }
};

/// How Client::start_conversation(secret_or_token, StartOptions) starts (dl_start_options).
struct StartOptions {
  std::optional<std::string> user_id;  ///< nullopt: a generated "dl_..." id
  std::optional<std::string> user_name;
  std::optional<std::string> locale;          ///< e.g. "fr-FR"
  std::optional<std::string> local_timezone;  ///< IANA name, e.g. "Europe/Paris"
  bool send_start_event = false;  ///< post the startConversation event, so that an agent greets

  StartOptions &with_user_id(std::string v) { user_id = std::move(v); return *this; }
  StartOptions &with_user_name(std::string v) { user_name = std::move(v); return *this; }
  StartOptions &with_locale(std::string v) { locale = std::move(v); return *this; }
  StartOptions &with_local_timezone(std::string v) { local_timezone = std::move(v); return *this; }
  StartOptions &with_send_start_event(bool v) { send_start_event = v; return *this; }
};

/// A token from generate_token / refresh_token / fetch_token. Immutable; copies share the handle.
class Token {
 public:
  explicit Token(dl_token *owned) : handle_(owned, dl_token_free) {}

  std::string value() const { return detail::copy(dl_token_value(handle_.get())); }
  /// The conversation the token is bound to; nullopt when the service did not say (1.1).
  std::optional<std::string> conversation_id() const {
    return detail::copy_optional(dl_token_conversation_id(handle_.get()));
  }
  /// Lifetime in seconds as returned by the service; 0 when unknown.
  int expires_in() const { return dl_token_expires_in(handle_.get()); }
  const dl_token *handle() const noexcept { return handle_.get(); }

 private:
  std::shared_ptr<dl_token> handle_;
};

/// One received activity. Immutable; copies share the handle.
class Activity {
 public:
  explicit Activity(dl_activity *owned) : handle_(owned, dl_activity_free) {}

  /// The whole activity as received (3.0 Activity or 1.1 Message JSON).
  std::string json() const { return detail::copy(dl_activity_json(handle_.get())); }
  std::string id() const { return detail::copy(dl_activity_id(handle_.get())); }
  std::string type() const { return detail::copy(dl_activity_type(handle_.get())); }
  std::optional<std::string> text() const { return detail::copy_optional(dl_activity_text(handle_.get())); }
  std::string from_id() const { return detail::copy(dl_activity_from_id(handle_.get())); }
  /// True for this conversation's own posts echoed back by the service.
  bool is_own() const { return dl_activity_is_own(handle_.get()) != 0; }
  /// The id of the activity this one answers (replyToId); nullopt when none.
  std::optional<std::string> reply_to_id() const {
    return detail::copy_optional(dl_activity_reply_to_id(handle_.get()));
  }
  /// The stream a streamed reply's chunk or final message belongs to; nullopt when not streamed.
  std::optional<std::string> stream_id() const {
    return detail::copy_optional(dl_activity_stream_id(handle_.get()));
  }
  /// "informative", "streaming" or "final"; nullopt when not streamed.
  std::optional<std::string> stream_type() const {
    return detail::copy_optional(dl_activity_stream_type(handle_.get()));
  }
  /// The chunk's sequence number (>= 1); 0 when none.
  int stream_sequence() const { return dl_activity_stream_sequence(handle_.get()); }
  /// The sign-in URL of the first OAuth or sign-in card; nullopt when none.
  std::optional<std::string> signin_url() const {
    return detail::copy_optional(dl_activity_signin_url(handle_.get()));
  }
  const dl_activity *handle() const noexcept { return handle_.get(); }

 private:
  std::shared_ptr<dl_activity> handle_;
};

/// One file for Conversation::upload. data holds the bytes (any content).
struct UploadFile {
  std::string name;          ///< e.g. "a.png"
  std::string content_type;  ///< empty: application/octet-stream
  std::string data;
};

/// A conversation. Move-only; the methods may be called from several threads at
/// once (the C handle is thread-safe), but not while it is moved or destroyed.
class Conversation {
 public:
  explicit Conversation(dl_conversation *owned) : handle_(owned) {}

  std::string id() const { return detail::copy(dl_conversation_id(get())); }
  /// The current token; nullopt when the conversation uses a secret only.
  std::optional<std::string> token() const { return detail::copy_optional(dl_conversation_token(get())); }
  /// The current stream URL; nullopt when there is none (1.1, polling).
  std::optional<std::string> stream_url() const {
    return detail::copy_optional(dl_conversation_stream_url(get()));
  }
  /// Seconds the current token was issued for; 0 when unknown or a secret.
  int expires_in() const { return dl_conversation_expires_in(get()); }
  /// True when start_conversation created it (201), false if it already existed.
  bool is_new() const { return dl_conversation_is_new(get()) != 0; }
  bool is_ended() const { return dl_conversation_is_ended(get()) != 0; }
  /// The user id given to (or generated by) start_conversation with StartOptions; nullopt otherwise.
  std::optional<std::string> user_id() const { return detail::copy_optional(dl_conversation_user_id(get())); }
  /// The last watermark seen by receiving; nullopt before any.
  std::optional<std::string> watermark() const {
    return detail::copy_optional(dl_conversation_watermark(get()));
  }

  /// Posts one activity (JSON object text); returns the id the service assigned
  /// (nullopt with 1.1, which assigns none). Never retried once sent.
  std::optional<std::string> post_activity(const std::string &activity_json) {
    char *id = nullptr;
    detail::check(dl_conversation_post_activity(get(), activity_json.c_str(), &id));
    return detail::take_optional(id);
  }

  /// Posts {"type":"message","from":{"id":user_id},"text":text}.
  std::optional<std::string> send_message(const std::string &user_id, const std::string &text) {
    char *id = nullptr;
    detail::check(dl_conversation_send_message(get(), user_id.c_str(), text.c_str(), &id));
    return detail::take_optional(id);
  }

  /// Uploads files as one message from user_id, with an optional activity part.
  std::optional<std::string> upload(const std::string &user_id, const std::vector<UploadFile> &files,
                                    const std::optional<std::string> &activity_json = std::nullopt) {
    std::vector<dl_upload_file> c_files;
    c_files.reserve(files.size());
    for (const auto &f : files) {
      dl_upload_file c{};
      c.name = f.name.c_str();
      c.content_type = f.content_type.empty() ? nullptr : f.content_type.c_str();
      c.data = f.data.data();
      c.size = f.data.size();
      c_files.push_back(c);
    }
    char *id = nullptr;
    detail::check(dl_conversation_upload(get(), user_id.c_str(), c_files.data(), c_files.size(),
                                         detail::c_str_or_null(activity_json), &id));
    return detail::take_optional(id);
  }

  /// Posts endOfConversation from user_id and stops receiving.
  std::optional<std::string> end(const std::string &user_id) {
    char *id = nullptr;
    detail::check(dl_conversation_end(get(), user_id.c_str(), &id));
    return detail::take_optional(id);
  }

  /// One poll: the service's ActivitySet (3.0) or MessageSet (1.1) JSON after
  /// watermark (nullopt: everything retained). Does not affect next_activity.
  std::string get_activities(const std::optional<std::string> &watermark = std::nullopt) {
    char *set = nullptr;
    detail::check(dl_conversation_get_activities(get(), detail::c_str_or_null(watermark), &set));
    return detail::take(set);
  }

  /// Fetches a fresh stream URL (3.0). watermark nullopt: only new activities.
  void reconnect(const std::optional<std::string> &watermark = std::nullopt) {
    detail::check(dl_conversation_reconnect(get(), detail::c_str_or_null(watermark)));
  }

  /// Refreshes the conversation's token now (Error DL_EINVALID for a secret).
  void refresh_token() { detail::check(dl_conversation_refresh_token(get())); }

  /// Uses a token refreshed elsewhere for every later call.
  void set_token(const std::string &token) { detail::check(dl_conversation_set_token(get(), token.c_str())); }

  /// Waits up to timeout (negative: forever) for the next activity, exactly once
  /// and in order. nullopt when none arrived in time; throws Error otherwise,
  /// e.g. DL_EENDED after the bot ended the conversation, DL_ECANCELLED after close().
  std::optional<Activity> next_activity(std::chrono::milliseconds timeout) {
    return next_activity(detail::to_timeout_ms(timeout));
  }
  /// As above with milliseconds (0: do not wait, -1: forever).
  std::optional<Activity> next_activity(int timeout_ms) {
    dl_activity *activity = nullptr;
    int rc = dl_conversation_next_activity(get(), timeout_ms < -1 ? -1 : timeout_ms, &activity);
    if (rc == DL_ETIMEOUT) return std::nullopt;
    detail::check(rc);
    return Activity(activity);
  }

  /// Stops receiving and wakes waiters in next_activity (they throw DL_ECANCELLED).
  void close() noexcept { if (handle_) dl_conversation_close(handle_.get()); }

  /// What resume_conversation needs (JSON holding the token: store it like a credential).
  std::string export_state() const {
    char *state = nullptr;
    detail::check(dl_conversation_export(get(), &state));
    return detail::take(state);
  }

  dl_conversation *handle() const noexcept { return handle_.get(); }
  explicit operator bool() const noexcept { return static_cast<bool>(handle_); }

 private:
  dl_conversation *get() const {
    if (!handle_) throw Error(DL_EINVALID, 0, "", "use of a moved-from directline::Conversation");
    return handle_.get();
  }
  std::unique_ptr<dl_conversation, detail::ConversationFree> handle_;
};

/// A client: endpoint, API version, transport settings. Move-only; its methods
/// may be called from any number of threads. Conversations outlive it safely.
class Client {
 public:
  Client() : Client(ClientOptions{}) {}
  explicit Client(const ClientOptions &options) {
    dl_client_options c = options.to_c();
    dl_client *raw = nullptr;
    detail::check(dl_client_new(&c, &raw));
    handle_.reset(raw);
  }

  /// The effective endpoint (the default for the API version when none was given).
  std::string endpoint() const { return detail::copy(dl_client_endpoint(get())); }

  /// Exchanges a secret for a token bound to one new conversation.
  Token generate_token(const std::string &secret, const TokenOptions &options = {}) {
    std::vector<const char *> origins;
    for (const auto &o : options.trusted_origins) origins.push_back(o.c_str());
    dl_token_options c;
    dl_token_options_init(&c);
    c.user_id = options.user_id.empty() ? nullptr : options.user_id.c_str();
    c.user_name = options.user_name.empty() ? nullptr : options.user_name.c_str();
    c.trusted_origins = origins.empty() ? nullptr : origins.data();
    c.trusted_origins_count = origins.size();
    dl_token *raw = nullptr;
    detail::check(dl_generate_token(get(), secret.c_str(), &c, &raw));
    return Token(raw);
  }

  /// Refreshes (3.0) or renews (1.1; conversation_id required) an unexpired token.
  Token refresh_token(const std::string &token,
                      const std::optional<std::string> &conversation_id = std::nullopt) {
    dl_token *raw = nullptr;
    detail::check(dl_refresh_token(get(), token.c_str(), detail::c_str_or_null(conversation_id), &raw));
    return Token(raw);
  }

  /// Starts a conversation with a secret (always new) or a generated token.
  Conversation start_conversation(const std::string &secret_or_token) {
    dl_conversation *raw = nullptr;
    detail::check(dl_start_conversation(get(), secret_or_token.c_str(), &raw));
    return Conversation(raw);
  }

  /// Starts a conversation as set by options, e.g. with the greeting event an agent answers.
  Conversation start_conversation(const std::string &secret_or_token, const StartOptions &options) {
    dl_start_options c = DL_START_OPTIONS_INIT;
    c.user_id = detail::c_str_or_null(options.user_id);
    c.user_name = detail::c_str_or_null(options.user_name);
    c.locale = detail::c_str_or_null(options.locale);
    c.local_timezone = detail::c_str_or_null(options.local_timezone);
    c.send_start_event = options.send_start_event ? 1 : 0;
    dl_conversation *raw = nullptr;
    detail::check(dl_start_conversation_with(get(), secret_or_token.c_str(), &c, &raw));
    return Conversation(raw);
  }

  /// GETs a token endpoint (no credentials), e.g. a Copilot Studio agent's.
  Token fetch_token(const std::string &token_endpoint_url) {
    dl_token *raw = nullptr;
    detail::check(dl_fetch_token(get(), token_endpoint_url.c_str(), &raw));
    return Token(raw);
  }

  /// The Direct Line endpoint of the agent behind a token endpoint (its region).
  std::string fetch_regional_endpoint(const std::string &token_endpoint_url) {
    char *endpoint = nullptr;
    detail::check(dl_fetch_regional_endpoint(get(), token_endpoint_url.c_str(), &endpoint));
    return detail::take(endpoint);
  }

  /// Opens an existing conversation without a request; receiving resumes after watermark.
  Conversation open_conversation(const std::string &secret_or_token, const std::string &conversation_id,
                                 const std::optional<std::string> &watermark = std::nullopt) {
    dl_conversation *raw = nullptr;
    detail::check(dl_open_conversation(get(), secret_or_token.c_str(), conversation_id.c_str(),
                                       detail::c_str_or_null(watermark), &raw));
    return Conversation(raw);
  }

  /// Reopens a conversation from Conversation::export_state().
  Conversation resume_conversation(const std::string &state_json) {
    dl_conversation *raw = nullptr;
    detail::check(dl_resume_conversation(get(), state_json.c_str(), &raw));
    return Conversation(raw);
  }

  dl_client *handle() const noexcept { return handle_.get(); }

 private:
  dl_client *get() const {
    if (!handle_) throw Error(DL_EINVALID, 0, "", "use of a moved-from directline::Client");
    return handle_.get();
  }
  std::unique_ptr<dl_client, detail::ClientFree> handle_;
};

}  // namespace directline

#endif  // DIRECTLINE_HPP
