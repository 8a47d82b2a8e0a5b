// Opaque, HMAC-SHA256-signed tokens (per-process random key) and secret checks.
// A conversation token is scoped to one conversation and may carry a user; a stream
// token authorizes one WebSocket handshake window and records where replay starts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dlemu {

enum class TokenKind : char { conversation = 'c', stream = 's' };

struct TokenClaims {
  TokenKind kind = TokenKind::conversation;
  std::string conversation_id;
  std::string user_id;    // empty: no user bound
  std::string user_name;
  int64_t expires_at = 0;  // unix seconds on the emulator clock
  uint64_t replay_from = 0;  // stream tokens: replay activities with seq > this
};

enum class TokenCheck { ok, invalid, expired };

class TokenAuthority {
 public:
  TokenAuthority();  // fresh random key
  std::string issue(const TokenClaims &claims) const;
  TokenCheck verify(std::string_view token, int64_t now, TokenClaims &out) const;

 private:
  unsigned char key_[32];
};

// Secrets from --secret / --secret-file; comparison is constant-time per candidate.
class SecretSet {
 public:
  void add(std::string secret) { secrets_.push_back(std::move(secret)); }
  bool empty() const { return secrets_.empty(); }
  bool contains(std::string_view candidate) const;

 private:
  std::vector<std::string> secrets_;
};

}  // namespace dlemu
