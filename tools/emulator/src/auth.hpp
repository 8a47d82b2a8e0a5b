// Who may call: secrets, conversation tokens and stream tokens, checked against the
// emulator clock. Errors come back as the response to send, in the caller's API shape.
#pragma once

#include <optional>
#include <string>

#include "clock.hpp"
#include "http_types.hpp"
#include "options.hpp"
#include "responses.hpp"
#include "tokens.hpp"

namespace dlemu {

// Who made a request: a secret (any conversation) or a conversation token.
struct Caller {
  bool is_secret = false;
  TokenClaims claims;     // tokens only
  std::string token;      // the presented token (never logged)
};

class Auth {
 public:
  Auth(const Options &options, const Clock &clock);

  // Reads the Authorization header; on failure returns the 401/403 to send.
  std::optional<Outcome> authenticate(const RequestContext &request, ApiVersion version,
                                      Caller &caller) const;
  // A secret may use any conversation, a token only its own.
  std::optional<Outcome> authorize_conversation(const Caller &caller, const std::string &id,
                                                ApiVersion version) const;

  std::string issue_conversation_token(const std::string &conversation_id,
                                       const std::string &user_id,
                                       const std::string &user_name) const;
  std::string issue_stream_token(const std::string &conversation_id, const std::string &user_id,
                                 uint64_t replay_from) const;
  TokenCheck verify(std::string_view token, TokenClaims &claims) const;

 private:
  const Options &options_;
  const Clock &clock_;
  TokenAuthority tokens_;
  SecretSet secrets_;
};

}  // namespace dlemu
