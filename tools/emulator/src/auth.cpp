#include "auth.hpp"

#include "util.hpp"

namespace dlemu {

Auth::Auth(const Options &options, const Clock &clock) : options_(options), clock_(clock) {
  for (const auto &s : options.secrets) secrets_.add(s);
}

std::optional<Outcome> Auth::authenticate(const RequestContext &request, ApiVersion version,
                                          Caller &caller) const {
  // 1.1 errors use its own code enum; TokenExpired stays for both versions.
  const bool v1 = version == ApiVersion::v1;
  auto it = request.msg.find(http::field::authorization);
  if (it == request.msg.end())
    return error_outcome(401, v1 ? "MissingProperty" : "BadArgument", "Missing token or secret", version);
  std::string_view value = trim(it->value());
  size_t space = value.find(' ');
  std::string_view scheme = value.substr(0, space);
  std::string_view credential =
      space == std::string_view::npos ? std::string_view{} : trim(value.substr(space + 1));
  bool scheme_ok = iequals(scheme, "Bearer") || (v1 && iequals(scheme, "BotConnector"));
  if (!scheme_ok || credential.empty() || credential.find(' ') != std::string_view::npos)
    return error_outcome(401, v1 ? "MalformedData" : "BadArgument", "Malformed Authorization header", version);
  if (secrets_.contains(credential)) {
    caller.is_secret = true;
    return std::nullopt;
  }
  TokenClaims claims;
  TokenCheck check = verify(credential, claims);
  if (check == TokenCheck::ok && claims.kind != TokenKind::conversation) check = TokenCheck::invalid;
  if (check == TokenCheck::invalid)
    return error_outcome(403, v1 ? "NotAllowed" : "BadArgument", "Unknown token or secret", version);
  if (check == TokenCheck::expired) return error_outcome(403, "TokenExpired", "Token expired", version);
  caller.is_secret = false;
  caller.claims = std::move(claims);
  caller.token = std::string(credential);
  return std::nullopt;
}

std::optional<Outcome> Auth::authorize_conversation(const Caller &caller, const std::string &id,
                                                    ApiVersion version) const {
  if (caller.is_secret || caller.claims.conversation_id == id) return std::nullopt;
  return error_outcome(403, version == ApiVersion::v1 ? "NotAllowed" : "BadArgument",
                       "The token is not valid for this conversation", version);
}

std::string Auth::issue_conversation_token(const std::string &conversation_id,
                                           const std::string &user_id,
                                           const std::string &user_name) const {
  TokenClaims claims;
  claims.kind = TokenKind::conversation;
  claims.conversation_id = conversation_id;
  claims.user_id = user_id;
  claims.user_name = user_name;
  claims.expires_at = clock_.now_seconds() + options_.token_ttl_s;
  return tokens_.issue(claims);
}

std::string Auth::issue_stream_token(const std::string &conversation_id, const std::string &user_id,
                                     uint64_t replay_from) const {
  TokenClaims claims;
  claims.kind = TokenKind::stream;
  claims.conversation_id = conversation_id;
  claims.user_id = user_id;
  claims.expires_at = clock_.now_seconds() + options_.stream_url_ttl_s;
  claims.replay_from = replay_from;
  return tokens_.issue(claims);
}

TokenCheck Auth::verify(std::string_view token, TokenClaims &claims) const {
  return tokens_.verify(token, clock_.now_seconds(), claims);
}

}  // namespace dlemu
