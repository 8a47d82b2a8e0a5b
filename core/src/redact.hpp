// Redaction: every error message and log line passes through redact() before
// it leaves the library, so secrets and tokens never reach callers' logs.
#pragma once

#include <string>
#include <vector>

namespace directline::core {

// Remembers a credential (secret, token, stream URL token) for redaction,
// process-wide. Strings shorter than 6 characters are ignored (they would
// blank out ordinary words). Bounded: the oldest entries are forgotten first.
void remember_sensitive(const std::string &value);

// Redacts with the remembered credentials plus the patterns below.
std::string redact(const std::string &text);

// The pure part, for tests: removes each of `sensitive` and the values of
// Authorization headers, Bearer/BotConnector credentials, `t=` query
// parameters and JSON "token"/"secret" members.
std::string redact_with(const std::string &text, const std::vector<std::string> &sensitive);

inline constexpr const char *kRedacted = "[redacted]";

}  // namespace directline::core
