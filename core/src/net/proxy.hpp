// Which proxy a request goes through. The setting is nullopt (the environment,
// read once when the client is made), "" (never a proxy), or an explicit
// "http://[user:pass@]host:port" used for every request, loopback included.
//
// Environment, as curl reads it: https_proxy / HTTPS_PROXY for https and wss,
// http_proxy (lower case only: HTTP_PROXY can be set by a CGI request header)
// for http and ws, no_proxy / NO_PROXY: comma-separated host names, domain
// suffixes ("example.com" and ".example.com" both cover sub.example.com) or
// "*". Environment proxies are never used for loopback hosts.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "error.hpp"

namespace directline::core::net {

struct Proxy {
  std::string host;           // without brackets
  uint16_t port = 0;
  std::string user, password;  // percent-decoded; never logged
  std::string authorization;  // "Basic ..." for Proxy-Authorization, "" without credentials
  std::string display;        // "http://host:port": never the credentials

  bool operator==(const Proxy &o) const {
    return host == o.host && port == o.port && authorization == o.authorization;
  }
};

// Parses "http://[user:pass@]host:port" (a bare "host:port" too, as curl
// accepts in the environment). Credentials are percent-decoded and remembered
// for redaction. invalid for anything else (https:// or socks proxies).
Outcome<Proxy> parse_proxy(const std::string &url, const std::string &what);

class ProxyRules {
 public:
  // Reads the environment when setting is nullopt. invalid for a malformed
  // explicit proxy or proxy environment variable (named in the message).
  static Outcome<std::shared_ptr<const ProxyRules>> make(const std::optional<std::string> &setting);

  // The proxy for a request to host (tls: https or wss), or nullopt: direct.
  const Proxy *proxy_for(bool tls, const std::string &host) const;

  // For tests: rules from explicit values instead of the process environment.
  static Outcome<std::shared_ptr<const ProxyRules>> from_environment(const std::string &https_proxy,
                                                                     const std::string &http_proxy,
                                                                     const std::string &no_proxy);

 private:
  bool bypassed(const std::string &host) const;

  std::optional<Proxy> fixed_;  // explicit setting: every request
  std::optional<Proxy> https_;  // environment
  std::optional<Proxy> http_;
  std::vector<std::string> no_proxy_;  // lower case, no leading dot
  bool no_proxy_all_ = false;
};

}  // namespace directline::core::net
