#include "credentials.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "log.hpp"
#include "net/runtime.hpp"
#include "redact.hpp"
#include "retry.hpp"

namespace directline::core {

namespace {

bool is_base64url(const std::string &s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (!(std::isalnum(c) || c == '-' || c == '_')) return false;
  return true;
}

// Decodes base64url without padding; nullopt when it is not.
std::optional<std::string> base64url_decode(const std::string &in) {
  std::string out;
  int bits = 0;
  unsigned value = 0;
  for (unsigned char c : in) {
    int d;
    if (c >= 'A' && c <= 'Z') d = c - 'A';
    else if (c >= 'a' && c <= 'z') d = c - 'a' + 26;
    else if (c >= '0' && c <= '9') d = c - '0' + 52;
    else if (c == '-') d = 62;
    else if (c == '_') d = 63;
    else return std::nullopt;
    value = (value << 6) | static_cast<unsigned>(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((value >> bits) & 0xff));
    }
  }
  return out;
}

}  // namespace

void remember_issued_token(const std::string &token) { remember_sensitive(token, /*issued_token=*/true); }

bool is_issued_token(const std::string &token) { return remembered_as_issued_token(token); }

bool looks_like_token(const std::string &credential) {
  const auto first = credential.find('.');
  if (first == std::string::npos || first > 1024) return false;  // a JWS header is short
  const auto second = credential.find('.', first + 1);
  if (second == std::string::npos || credential.find('.', second + 1) != std::string::npos) return false;
  const std::string header = credential.substr(0, first);
  if (!is_base64url(header) || !is_base64url(credential.substr(first + 1, second - first - 1)) ||
      !is_base64url(credential.substr(second + 1)))
    return false;
  auto decoded = base64url_decode(header);
  if (!decoded) return false;
  // Flat and small: parsed with the default depth, no untrusted nesting to fear.
  auto json = nlohmann::json::parse(*decoded, nullptr, false);
  return json.is_object() && json.contains("alg") && json["alg"].is_string();
}

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// The refresh timer and its state; shared with the handlers in flight, so it
// outlives the Credentials that made it.
struct Credentials::Schedule {
  Schedule(OnLapsed lapsed, int base_delay_ms)
      : on_lapsed(std::move(lapsed)),
        retry_base_delay_ms(base_delay_ms > 0 ? base_delay_ms : 250),
        strand(net::Runtime::instance().make_strand()),
        timer(strand) {}
  const OnLapsed on_lapsed;
  const int retry_base_delay_ms;
  net::Strand strand;
  asio::steady_timer timer;
  // strand only
  bool stopped = false;
  int failures = 0;
  Clock::time_point deadline;  // when the current token expires
};

Credentials::Credentials(std::optional<std::string> secret, std::optional<std::string> token, int expires_in,
                         std::optional<std::string> stream_url, RefreshCall refresh)
    : refresh_call_(std::move(refresh)), secret_(std::move(secret)), expires_in_(expires_in) {
  if (token) tokens_.push_back(std::move(*token));
  if (stream_url) {
    stream_urls_.push_back(std::move(*stream_url));
    has_stream_url_ = true;
  }
}

std::string Credentials::auth() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (secret_) return *secret_;
  return tokens_.empty() ? std::string() : tokens_.back();
}

std::optional<std::string> Credentials::refreshable_token() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (secret_ || tokens_.empty()) return std::nullopt;
  return tokens_.back();
}

int Credentials::expires_in() const {
  std::lock_guard<std::mutex> lock(mu_);
  return expires_in_;
}

int Credentials::refresh_lifetime_s() const {
  std::lock_guard<std::mutex> lock(mu_);
  return secret_ ? 0 : expires_in_;
}

std::optional<std::string> Credentials::token() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (tokens_.empty()) return std::nullopt;
  return tokens_.back();
}

std::optional<std::string> Credentials::stream_url() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!has_stream_url_) return std::nullopt;
  return stream_urls_.back();
}

const char *Credentials::token_cstr() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tokens_.empty() ? nullptr : tokens_.back().c_str();
}

const char *Credentials::stream_url_cstr() const {
  std::lock_guard<std::mutex> lock(mu_);
  return has_stream_url_ ? stream_urls_.back().c_str() : nullptr;
}

void Credentials::push_token(const std::string &token) {
  if (tokens_.empty() || tokens_.back() != token) tokens_.push_back(token);
}

void Credentials::issued(const std::string &token, int expires_in) {
  remember_issued_token(token);
  std::lock_guard<std::mutex> lock(mu_);
  push_token(token);
  // Beside a secret the token is only shown: its lifetime does not schedule refreshes.
  if (!secret_ && expires_in > 0) expires_in_ = expires_in;
}

void Credentials::use_token(const std::string &token) {
  remember_issued_token(token);
  std::lock_guard<std::mutex> lock(mu_);
  secret_.reset();
  push_token(token);
}

void Credentials::set_stream_url(const std::optional<std::string> &url) {
  if (url) remember_sensitive(*url);
  std::lock_guard<std::mutex> lock(mu_);
  if (url) stream_urls_.push_back(*url);
  has_stream_url_ = url.has_value();
}

Credentials::~Credentials() { stop(); }

Status Credentials::refresh_once() {
  auto current = refreshable_token();
  if (!current)
    return Error::make(Code::invalid, "the conversation holds a secret, not a token; nothing to refresh");
  if (!refresh_call_) return Error::make(Code::invalid, "no way to refresh this token");
  auto refreshed = refresh_call_(*current);
  if (!refreshed) return refreshed.error();
  issued(refreshed->token, refreshed->expires_in);
  log(LogLevel::debug, "conversation token refreshed");
  return ok_status();
}

Status Credentials::refresh() {
  Status status = refresh_once();
  if (status.ok()) {
    std::shared_ptr<Schedule> schedule;
    {
      std::lock_guard<std::mutex> lock(mu_);
      schedule = schedule_;
    }
    if (schedule)
      asio::post(schedule->strand, [schedule, self = weak_from_this()] { arm_for_lifetime(schedule, self); });
  }
  return status;
}

void Credentials::keep_fresh(OnLapsed on_lapsed, int retry_base_delay_ms) {
  std::shared_ptr<Schedule> schedule;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Nothing to keep fresh: no timer at all (one conversation per user adds up).
    if (schedule_ || secret_ || tokens_.empty() || expires_in_ <= 0) return;
    schedule_ = schedule = std::make_shared<Schedule>(std::move(on_lapsed), retry_base_delay_ms);
  }
  asio::post(schedule->strand, [schedule, self = weak_from_this()] { arm_for_lifetime(schedule, self); });
}

void Credentials::stop() {
  std::shared_ptr<Schedule> schedule;
  {
    std::lock_guard<std::mutex> lock(mu_);
    schedule = schedule_;
  }
  if (!schedule) return;
  asio::post(schedule->strand, [schedule] {
    schedule->stopped = true;
    schedule->timer.cancel();
  });
}

void Credentials::arm_for_lifetime(const std::shared_ptr<Schedule> &schedule, std::weak_ptr<Credentials> self) {
  if (schedule->stopped) return;
  auto credentials = self.lock();
  if (!credentials) return;
  const int lifetime_s = credentials->refresh_lifetime_s();
  credentials.reset();
  if (lifetime_s <= 0) return;
  schedule->failures = 0;
  schedule->deadline = Clock::now() + std::chrono::seconds(lifetime_s);
  arm(schedule, std::move(self), int64_t{lifetime_s} * 1000 / 2);
}

void Credentials::arm(const std::shared_ptr<Schedule> &schedule, std::weak_ptr<Credentials> self, int64_t delay_ms) {
  schedule->timer.expires_after(std::chrono::milliseconds(delay_ms));
  schedule->timer.async_wait([schedule, self](const boost::system::error_code &ec) {
    if (ec || schedule->stopped) return;
    // The refresh blocks on the network: a worker thread, then back to the strand.
    net::Runtime::instance().run_blocking([schedule, self] {
      auto credentials = self.lock();
      if (!credentials) return;
      Status status = credentials->refresh_once();
      credentials.reset();
      asio::post(schedule->strand, [schedule, self, status = std::move(status)] {
        if (!schedule->stopped) on_refreshed(schedule, self, status);
      });
    });
  });
}

void Credentials::on_refreshed(const std::shared_ptr<Schedule> &schedule, std::weak_ptr<Credentials> self,
                               const Status &status) {
  if (status.ok()) return arm_for_lifetime(schedule, std::move(self));
  const Error &e = status.error();
  if (e.code == Code::invalid) return;  // a secret authenticates now: nothing to refresh
  std::optional<Error> lapsed;
  const auto now = Clock::now();
  if (e.code == Code::token_expired || e.code == Code::unauthorized || e.code == Code::forbidden ||
      e.code == Code::not_found) {
    lapsed = e;
    if (lapsed->code != Code::not_found) lapsed->code = Code::token_expired;
  } else if (now >= schedule->deadline) {
    lapsed = Error::make(Code::token_expired, "the token expired before it could be refreshed");
    lapsed->service_code = "TokenExpired";
  }
  if (lapsed) {
    schedule->stopped = true;
    // On a worker: the callback may drop the last reference to a conversation.
    if (schedule->on_lapsed)
      net::Runtime::instance().run_blocking([on_lapsed = schedule->on_lapsed, error = *lapsed] { on_lapsed(error); });
    return;
  }
  ++schedule->failures;
  constexpr int kMaxBackoffMs = 30000;
  const int64_t left_ms = std::chrono::duration_cast<std::chrono::milliseconds>(schedule->deadline - now).count();
  const int64_t backoff =
      backoff_delay_ms(schedule->failures, schedule->retry_base_delay_ms, kMaxBackoffMs, random_unit(), e.retry_after_s);
  arm(schedule, std::move(self), std::max<int64_t>(50, std::min(backoff, left_ms / 2)));
}

}  // namespace directline::core
