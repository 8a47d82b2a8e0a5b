#include "net/proxy.hpp"

#include <cctype>
#include <cstdlib>

#include <openssl/evp.h>

#include "protocol/url.hpp"
#include "redact.hpp"

namespace directline::core::net {

namespace {

std::string lower(std::string s) {
  for (auto &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string &s) {
  const auto begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

bool percent_decode(const std::string &in, std::string &out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size() || !std::isxdigit(static_cast<unsigned char>(in[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(in[i + 2])))
      return false;
    out.push_back(static_cast<char>(std::strtol(in.substr(i + 1, 2).c_str(), nullptr, 16)));
    i += 2;
  }
  return true;
}

std::string base64(const std::string &in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(&out[0]),
                                reinterpret_cast<const unsigned char *>(in.data()), static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

const char *env(const char *name) {
  const char *value = std::getenv(name);
  return value && *value ? value : nullptr;
}

}  // namespace

Outcome<Proxy> parse_proxy(const std::string &url, const std::string &what) {
  const Error bad = Error::make(Code::invalid, what + " must be an http://[user:password@]host:port URL");
  std::string text = trim(url);
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string::npos) {
    text = "http://" + text;  // curl takes a bare host:port from the environment
  } else if (lower(text.substr(0, scheme_end)) != "http") {
    return bad;
  }
  const auto authority_begin = text.find("://") + 3;
  const auto authority_end = text.find_first_of("/?#", authority_begin);
  const std::string authority = text.substr(authority_begin, authority_end - authority_begin);
  const auto at = authority.rfind('@');
  Proxy proxy;
  if (at != std::string::npos) {
    const std::string userinfo = authority.substr(0, at);
    const auto colon = userinfo.find(':');
    if (!percent_decode(userinfo.substr(0, colon), proxy.user) ||
        (colon != std::string::npos && !percent_decode(userinfo.substr(colon + 1), proxy.password)))
      return bad;
    remember_sensitive(userinfo);
    remember_sensitive(proxy.password);
    proxy.authorization = "Basic " + base64(proxy.user + ":" + proxy.password);
    remember_sensitive(proxy.authorization.substr(6));
    text = "http://" + authority.substr(at + 1) + (authority_end == std::string::npos ? "" : text.substr(authority_end));
  }
  auto parsed = protocol::parse_url(text);
  if (!parsed || parsed->scheme != "http" || (parsed->target != "/" && !parsed->target.empty())) return bad;
  proxy.host = parsed->host;
  proxy.port = static_cast<uint16_t>(parsed->port);
  const bool v6 = proxy.host.find(':') != std::string::npos;
  proxy.display = "http://" + (v6 ? "[" + proxy.host + "]" : proxy.host) + ":" + std::to_string(proxy.port);
  return proxy;
}

Outcome<std::shared_ptr<const ProxyRules>> ProxyRules::make(const std::optional<std::string> &setting) {
  if (!setting) {
    const char *https = env("https_proxy");
    if (!https) https = env("HTTPS_PROXY");
    const char *http = env("http_proxy");
    const char *no_proxy = env("no_proxy");
    if (!no_proxy) no_proxy = env("NO_PROXY");
    return from_environment(https ? https : "", http ? http : "", no_proxy ? no_proxy : "");
  }
  auto rules = std::make_shared<ProxyRules>();
  if (!setting->empty()) {
    auto proxy = parse_proxy(*setting, "proxy");
    if (!proxy) return proxy.error();
    rules->fixed_ = std::move(*proxy);
  }
  return std::shared_ptr<const ProxyRules>(std::move(rules));
}

Outcome<std::shared_ptr<const ProxyRules>> ProxyRules::from_environment(const std::string &https_proxy,
                                                                        const std::string &http_proxy,
                                                                        const std::string &no_proxy) {
  auto rules = std::make_shared<ProxyRules>();
  if (!https_proxy.empty()) {
    auto proxy = parse_proxy(https_proxy, "the https_proxy environment variable");
    if (!proxy) return proxy.error();
    rules->https_ = std::move(*proxy);
  }
  if (!http_proxy.empty()) {
    auto proxy = parse_proxy(http_proxy, "the http_proxy environment variable");
    if (!proxy) return proxy.error();
    rules->http_ = std::move(*proxy);
  }
  std::size_t begin = 0;
  while (begin <= no_proxy.size()) {
    auto end = no_proxy.find(',', begin);
    if (end == std::string::npos) end = no_proxy.size();
    std::string entry = lower(trim(no_proxy.substr(begin, end - begin)));
    begin = end + 1;
    if (entry == "*") rules->no_proxy_all_ = true;
    if (!entry.empty() && entry.front() == '[') {  // [v6] or [v6]:port
      entry = entry.substr(1, entry.find(']') - 1);
    } else if (entry.find(':') == entry.rfind(':') && entry.find(':') != std::string::npos) {
      entry = entry.substr(0, entry.find(':'));  // host:port; the port is not compared
    }
    while (!entry.empty() && entry.front() == '.') entry.erase(0, 1);
    if (!entry.empty() && entry != "*") rules->no_proxy_.push_back(entry);
  }
  return std::shared_ptr<const ProxyRules>(std::move(rules));
}

bool ProxyRules::bypassed(const std::string &host) const {
  if (no_proxy_all_ || protocol::is_loopback_host(host)) return true;
  const std::string h = lower(host);
  for (const auto &entry : no_proxy_) {
    if (h == entry) return true;
    if (h.size() > entry.size() && h.compare(h.size() - entry.size(), entry.size(), entry) == 0 &&
        h[h.size() - entry.size() - 1] == '.')
      return true;
  }
  return false;
}

const Proxy *ProxyRules::proxy_for(bool tls, const std::string &host) const {
  if (fixed_) return &*fixed_;
  const auto &candidate = tls ? https_ : http_;
  if (!candidate || bypassed(host)) return nullptr;
  return &*candidate;
}

}  // namespace directline::core::net
