#include "credentials.hpp"

#include <cctype>
#include <deque>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "redact.hpp"

namespace directline::core {

namespace {

struct IssuedTokens {
  std::mutex mu;
  std::deque<std::string> order;
  std::unordered_set<std::string> set;
};

IssuedTokens &issued_tokens() {
  static auto *tokens = new IssuedTokens();  // leaked: usable during static destruction
  return *tokens;
}

constexpr std::size_t kIssuedTokensKept = 4096;

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

void remember_issued_token(const std::string &token) {
  remember_sensitive(token);
  auto &t = issued_tokens();
  std::lock_guard<std::mutex> lock(t.mu);
  if (!t.set.insert(token).second) return;
  t.order.push_back(token);
  if (t.order.size() > kIssuedTokensKept) {
    t.set.erase(t.order.front());
    t.order.pop_front();
  }
}

bool is_issued_token(const std::string &token) {
  auto &t = issued_tokens();
  std::lock_guard<std::mutex> lock(t.mu);
  return t.set.count(token) != 0;
}

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

Credentials::Credentials(std::optional<std::string> secret, std::optional<std::string> token, int expires_in,
                         std::optional<std::string> stream_url)
    : secret_(std::move(secret)), expires_in_(expires_in) {
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

}  // namespace directline::core
