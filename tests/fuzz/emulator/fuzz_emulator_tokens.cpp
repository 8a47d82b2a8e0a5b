// Tokens and their base64url. Invariants: a decoded text encodes back to itself (one spelling
// per value, so no altered token verifies); arbitrary text never verifies; claims with any
// bytes round-trip through issue and verify.
#include "emu_fuzz.hpp"
#include "tokens.hpp"
#include "util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const dlemu::TokenAuthority authority;
  const std::string_view text = emu_fuzz::view(data, size);
  std::string decoded;
  if (dlemu::base64url_decode(text, decoded))
    FUZZ_CHECK(dlemu::base64url_encode(decoded.data(), decoded.size()) == text);

  dlemu::TokenClaims claims;
  FUZZ_CHECK(authority.verify(text, 0, claims) == dlemu::TokenCheck::invalid);

  std::string_view rest = text;
  dlemu::TokenClaims in;
  in.kind = size % 2 ? dlemu::TokenKind::stream : dlemu::TokenKind::conversation;
  in.conversation_id = std::string(emu_fuzz::first_line(rest));
  in.user_id = std::string(emu_fuzz::first_line(rest));
  in.user_name = std::string(rest);
  in.expires_at = 2000000000;
  in.replay_from = size;
  const std::string token = authority.issue(in);
  dlemu::TokenClaims out;
  if (token.size() <= 4096) {
    FUZZ_CHECK(authority.verify(token, 1, out) == dlemu::TokenCheck::ok);
    FUZZ_CHECK(out.conversation_id == in.conversation_id && out.user_id == in.user_id &&
              out.user_name == in.user_name && out.replay_from == in.replay_from &&
              out.kind == in.kind);
  }
  return 0;
}
