// URL helpers for the protocol layer: parsing the configured endpoint,
// the loopback rule for plain http, and percent-encoding. No I/O.
#pragma once

#include <optional>
#include <string>

#include "error.hpp"

namespace directline::core::protocol {

struct ParsedUrl {
  std::string scheme;  // lower case: http, https, ws, wss
  std::string host;    // without brackets for IPv6
  int port = 0;        // explicit or the scheme's default
  std::string path;    // "" or starting with '/', no trailing '/'
  std::string target;  // request target: path and query as given, without fragment; at least "/"
};

// Parses an absolute http(s)/ws(s) URL; nullopt when it is not one: no
// spaces or control characters anywhere, no user info, a host of letters,
// digits and -._~% (or a bracketed IPv6 literal), a port 1..65535.
std::optional<ParsedUrl> parse_url(const std::string &url);

// 127.0.0.0/8, ::1 and "localhost" (any case).
bool is_loopback_host(const std::string &host);

// Checks a base URL the client will use: scheme http/https, a host, no query
// or fragment; plain http only to loopback unless allow_insecure.
// Returns the normalised endpoint (no trailing slash) or invalid/insecure.
Outcome<std::string> validate_endpoint(const std::string &endpoint, bool allow_insecure);

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string percent_encode(const std::string &value);

}  // namespace directline::core::protocol
