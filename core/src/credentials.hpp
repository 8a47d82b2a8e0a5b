// Who a conversation authenticates as, in one place.
//
// A secret is kept for every call: never refreshed, never exported. A token is
// refreshed and replaced, at half of each lifetime while keep_fresh() runs;
// failed refreshes are retried with the project's backoff (retry.hpp) until
// the token has expired. Every token and stream URL the conversation held
// stays in a history, so a borrowed C string (dl_conversation_token,
// dl_conversation_stream_url) stays valid for the conversation's life.
//
// The rule that tells a token from a secret, for a credential handed to start,
// open or resume: it is a token when this process was issued it (generate,
// refresh, start, reconnect, a token endpoint), when the start answer echoes
// it, or when it has a token's shape (the service's tokens are JWS: three
// base64url parts, the first a JSON header naming "alg"). Anything else is a
// secret. Thread-safe.
#pragma once

#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "error.hpp"
#include "protocol/dialect.hpp"

namespace directline::core {

// Process-wide, bounded memory of the tokens the service issued to this
// process: the redaction registry's (redact.hpp), so a token is kept once.
void remember_issued_token(const std::string &token);
bool is_issued_token(const std::string &token);
// A JWS compact serialisation whose header is a JSON object with "alg".
bool looks_like_token(const std::string &credential);
// The rule above, for a credential a caller hands in.
inline bool is_token_credential(const std::string &credential) {
  return is_issued_token(credential) || looks_like_token(credential);
}

// Always held in a shared_ptr: a scheduled refresh keeps a weak reference.
class Credentials : public std::enable_shared_from_this<Credentials> {
 public:
  // Asks the service for a fresh token (blocking; scheduled ones run on a worker thread).
  using RefreshCall = std::function<Outcome<protocol::IssuedToken>(const std::string &token)>;
  // Told once, on a worker thread, when the token can no longer be refreshed:
  // token_expired, or not_found when the conversation is gone.
  using OnLapsed = std::function<void(const Error &)>;

  // secret set: it authenticates, and `token` (if any) is only shown and exported.
  Credentials(std::optional<std::string> secret, std::optional<std::string> token, int expires_in,
              std::optional<std::string> stream_url, RefreshCall refresh);
  ~Credentials();  // stops the schedule
  Credentials(const Credentials &) = delete;
  Credentials &operator=(const Credentials &) = delete;

  // What authenticates a call now ("" when nothing does).
  std::string auth() const;
  // The token to refresh: nullopt while a secret authenticates.
  std::optional<std::string> refreshable_token() const;
  bool holds_token() const { return refreshable_token().has_value(); }
  // The current token's lifetime in seconds (0 when unknown).
  int expires_in() const;
  // The refresh schedule's lifetime: 0 while a secret authenticates.
  int refresh_lifetime_s() const;
  // The current token, shown and exported (also beside a secret).
  std::optional<std::string> token() const;
  std::optional<std::string> stream_url() const;
  // Borrowed, valid for this object's life; nullptr when none.
  const char *token_cstr() const;
  const char *stream_url_cstr() const;

  // A token the service issued for this conversation (refresh, reconnect):
  // current from now on, unless a secret authenticates (then only shown).
  void issued(const std::string &token, int expires_in);
  // The caller's own token (dl_conversation_set_token): authenticates from now on.
  void use_token(const std::string &token);
  // The stream URL of the last reconnect; nullopt: the service gave none.
  void set_stream_url(const std::optional<std::string> &url);

  // Refreshes now (blocking). Errors: invalid while a secret authenticates,
  // else the service's. On success a running schedule restarts from the new lifetime.
  Status refresh();
  // Refreshes at half of each lifetime until stop(); a failure is retried
  // (backoff from retry_base_delay_ms, Retry-After honoured, never past the
  // token's expiry) until it cannot help (on_lapsed). Nothing runs for a
  // secret or a token of unknown lifetime. Once per object.
  void keep_fresh(OnLapsed on_lapsed, int retry_base_delay_ms);
  void stop();  // cancels a pending refresh; idempotent, thread-safe

 private:
  struct Schedule;
  Status refresh_once();
  void push_token(const std::string &token);  // mu_ held
  static void arm_for_lifetime(const std::shared_ptr<Schedule> &schedule, std::weak_ptr<Credentials> self);
  static void arm(const std::shared_ptr<Schedule> &schedule, std::weak_ptr<Credentials> self, int64_t delay_ms);
  static void on_refreshed(const std::shared_ptr<Schedule> &schedule, std::weak_ptr<Credentials> self,
                           const Status &status);

  const RefreshCall refresh_call_;
  std::shared_ptr<Schedule> schedule_;  // set once by keep_fresh, under mu_

  mutable std::mutex mu_;
  std::optional<std::string> secret_;
  // Lists, not deques: an empty std::deque already allocates ~600 bytes, and
  // there is one conversation per user (10,000 in one process is normal).
  std::list<std::string> tokens_;       // history; back() is current; never shrinks
  std::list<std::string> stream_urls_;  // history; back() is current
  bool has_stream_url_ = false;
  int expires_in_ = 0;
};

}  // namespace directline::core
