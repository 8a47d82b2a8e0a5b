#include "protocol/url.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace directline::core::protocol {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

int default_port(const std::string &scheme) {
  return (scheme == "https" || scheme == "wss") ? 443 : 80;
}

// A DNS name or IPv4 address (letters, digits, -._~ and %-escapes), or the
// inside of an IPv6 literal (hex digits, ':' and '.', then a %zone). Anything
// else would end up in Host headers, logs and URLs built from the host.
bool valid_host(const std::string &host, bool bracketed) {
  if (host.empty()) return false;
  bool zone = false;
  for (unsigned char c : host) {
    if (bracketed && !zone) {
      if (c == '%') zone = true;
      else if (!std::isxdigit(c) && c != ':' && c != '.') return false;
    } else if (!std::isalnum(c) && c != '-' && c != '.' && c != '_' && c != '~' && c != '%') {
      return false;
    }
  }
  return !bracketed || host.find(':') != std::string::npos;
}

}  // namespace

std::optional<ParsedUrl> parse_url(const std::string &url) {
  // A URL never holds raw spaces or control characters (CR/LF would split a request).
  for (unsigned char c : url)
    if (c <= 0x20 || c == 0x7f) return std::nullopt;
  auto sep = url.find("://");
  if (sep == std::string::npos || sep == 0) return std::nullopt;
  ParsedUrl out;
  out.scheme = lower(url.substr(0, sep));
  if (out.scheme != "http" && out.scheme != "https" && out.scheme != "ws" && out.scheme != "wss")
    return std::nullopt;
  std::string rest = url.substr(sep + 3);
  auto path_start = rest.find_first_of("/?#");
  std::string authority = rest.substr(0, path_start);
  std::string tail = path_start == std::string::npos ? "" : rest.substr(path_start);
  if (authority.empty() || authority.find('@') != std::string::npos) return std::nullopt;

  std::string port_text;
  const bool bracketed = authority[0] == '[';
  if (bracketed) {
    auto close = authority.find(']');
    if (close == std::string::npos) return std::nullopt;
    out.host = authority.substr(1, close - 1);
    std::string after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return std::nullopt;
      port_text = after.substr(1);
    }
  } else {
    auto colon = authority.rfind(':');
    if (colon != std::string::npos) {
      out.host = authority.substr(0, colon);
      port_text = authority.substr(colon + 1);
    } else {
      out.host = authority;
    }
  }
  if (!valid_host(out.host, bracketed)) return std::nullopt;
  if (!port_text.empty()) {
    if (port_text.size() > 5 ||
        !std::all_of(port_text.begin(), port_text.end(), [](unsigned char c) { return std::isdigit(c); }))
      return std::nullopt;
    out.port = std::atoi(port_text.c_str());
    if (out.port <= 0 || out.port > 65535) return std::nullopt;
  } else {
    out.port = default_port(out.scheme);
  }
  out.target = tail.substr(0, tail.find('#'));
  if (out.target.empty() || out.target[0] != '/') out.target.insert(0, "/");
  auto query = tail.find_first_of("?#");
  out.path = tail.substr(0, query);
  while (!out.path.empty() && out.path.back() == '/') out.path.pop_back();
  return out;
}

bool is_loopback_host(const std::string &host) {
  std::string h = lower(host);
  if (h == "localhost" || h == "::1" || h == "0:0:0:0:0:0:0:1") return true;
  // 127.0.0.0/8 written as a dotted quad.
  if (h.rfind("127.", 0) != 0) return false;
  int dots = 0;
  for (char c : h) {
    if (c == '.') ++dots;
    else if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return dots == 3;
}

Outcome<std::string> validate_endpoint(const std::string &endpoint, bool allow_insecure) {
  auto parsed = parse_url(endpoint);
  if (!parsed || (parsed->scheme != "http" && parsed->scheme != "https"))
    return Error::make(Code::invalid, "endpoint must be an absolute http:// or https:// URL");
  if (endpoint.find_first_of("?#") != std::string::npos)
    return Error::make(Code::invalid, "endpoint must not contain a query or fragment");
  if (parsed->scheme == "http" && !allow_insecure && !is_loopback_host(parsed->host))
    return Error::make(Code::insecure,
                       "plain http to non-loopback host '" + parsed->host +
                           "' refused; use https or set allow_insecure_http");
  std::string normalised = endpoint;
  while (!normalised.empty() && normalised.back() == '/') normalised.pop_back();
  return normalised;
}

std::string percent_encode(const std::string &value) {
  static const char *hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

}  // namespace directline::core::protocol
