#include "tokens.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "util.hpp"

namespace dlemu {

namespace {
// Payload: kind, then length-prefixed fields, so ids with any characters round-trip.
void put_field(std::string &out, std::string_view value) {
  out += std::to_string(value.size());
  out += ':';
  out.append(value.data(), value.size());
}

bool get_field(std::string_view &in, std::string &value) {
  size_t colon = in.find(':');
  if (colon == std::string_view::npos) return false;
  uint64_t len = 0;
  if (!parse_uint64(in.substr(0, colon), len) || len > in.size() - colon - 1) return false;
  value.assign(in.substr(colon + 1, len));
  in.remove_prefix(colon + 1 + len);
  return true;
}
}  // namespace

TokenAuthority::TokenAuthority() {
  if (RAND_bytes(key_, sizeof key_) != 1) throw std::runtime_error("RAND_bytes failed");
}

std::string TokenAuthority::issue(const TokenClaims &claims) const {
  unsigned char nonce[9];
  RAND_bytes(nonce, sizeof nonce);  // makes every issued token distinct (refresh)
  std::string payload(1, static_cast<char>(claims.kind));
  put_field(payload, claims.conversation_id);
  put_field(payload, claims.user_id);
  put_field(payload, claims.user_name);
  put_field(payload, std::to_string(claims.expires_at));
  put_field(payload, std::to_string(claims.replay_from));
  put_field(payload, std::string_view(reinterpret_cast<const char *>(nonce), sizeof nonce));
  std::string token = base64url_encode(payload.data(), payload.size());
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key_, sizeof key_, reinterpret_cast<const unsigned char *>(token.data()),
       token.size(), mac, &mac_len);
  token += '.';
  token += base64url_encode(mac, mac_len);
  return token;
}

TokenCheck TokenAuthority::verify(std::string_view token, int64_t now, TokenClaims &out) const {
  if (token.size() > 4096) return TokenCheck::invalid;
  size_t dot = token.rfind('.');
  if (dot == std::string_view::npos) return TokenCheck::invalid;
  std::string_view body = token.substr(0, dot);
  std::string given;
  if (!base64url_decode(token.substr(dot + 1), given) || given.size() != 32) return TokenCheck::invalid;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key_, sizeof key_, reinterpret_cast<const unsigned char *>(body.data()),
       body.size(), mac, &mac_len);
  if (mac_len != 32 || CRYPTO_memcmp(mac, given.data(), 32) != 0) return TokenCheck::invalid;
  std::string payload;
  if (!base64url_decode(body, payload) || payload.empty()) return TokenCheck::invalid;
  std::string_view in(payload);
  TokenClaims claims;
  claims.kind = static_cast<TokenKind>(in.front());
  in.remove_prefix(1);
  std::string expires, replay, nonce;
  uint64_t exp = 0;
  if (!get_field(in, claims.conversation_id) || !get_field(in, claims.user_id) ||
      !get_field(in, claims.user_name) || !get_field(in, expires) || !get_field(in, replay) ||
      !get_field(in, nonce) || !parse_uint64(expires, exp) ||
      !parse_uint64(replay, claims.replay_from))
    return TokenCheck::invalid;
  claims.expires_at = static_cast<int64_t>(exp);
  out = std::move(claims);
  return now >= out.expires_at ? TokenCheck::expired : TokenCheck::ok;
}

bool SecretSet::contains(std::string_view candidate) const {
  bool found = false;
  for (const auto &secret : secrets_) {
    if (secret.size() == candidate.size() &&
        CRYPTO_memcmp(secret.data(), candidate.data(), secret.size()) == 0)
      found = true;
  }
  return found;
}

}  // namespace dlemu
