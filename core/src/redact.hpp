// Redaction: every error message and log line passes through redact() before
// it leaves the library, so secrets and tokens never reach callers' logs.
#pragma once

#include <string>
#include <vector>

namespace directline::core {

// Remembers a credential (secret, token, stream URL) for redaction,
// process-wide; for a URL, its `t=` value (raw and percent-decoded) too.
// Credentials of 6 characters or more are redacted wherever they occur;
// shorter ones only as whole tokens (not inside a longer run of letters,
// digits and -_+/~%), so that "abc" does not blank "fabric". Bounded: the
// oldest entries are forgotten first. issued_token: the service issued it as
// a token (the secret-or-token rule in credentials.hpp asks).
void remember_sensitive(const std::string &value, bool issued_token = false);
// Whether `value` is still remembered, as a token the service issued.
bool remembered_as_issued_token(const std::string &value);

// Redacts with the remembered credentials plus the patterns below.
std::string redact(const std::string &text);

// The pure part, for tests: removes each of `sensitive` and the values of
// Authorization headers, Bearer/BotConnector credentials, `t=` query
// parameters and JSON "token"/"secret" members.
std::string redact_with(const std::string &text, const std::vector<std::string> &sensitive);

inline constexpr const char *kRedacted = "[redacted]";

}  // namespace directline::core
