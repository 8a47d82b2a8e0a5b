#include "protocol/agent.hpp"

#include <algorithm>
#include <cctype>

#include "protocol/json_limits.hpp"
#include "protocol/url.hpp"

namespace directline::core::protocol {

namespace {

const Json *member(const Json &obj, const char *key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::optional<std::string> string_member(const Json &obj, const char *key) {
  const Json *v = member(obj, key);
  if (!v || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

std::optional<Json> parse(const std::string &body) {
  return json_limits::parse_untrusted<Json>(body);
}

Error malformed(const std::string &what) {
  return Error::make(Code::protocol, "malformed response: " + what);
}

// The raw value of `name` in the URL's query, if present.
std::optional<std::string> query_value(const std::string &url, const std::string &name) {
  auto q = url.find('?');
  if (q == std::string::npos) return std::nullopt;
  auto end = url.find('#', q);
  const std::string query = url.substr(q + 1, end == std::string::npos ? std::string::npos : end - q - 1);
  std::size_t pos = 0;
  while (pos <= query.size()) {
    auto amp = query.find('&', pos);
    const std::string item = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    if (item.rfind(name + "=", 0) == 0) return item.substr(name.size() + 1);
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> region_endpoint(const std::string &name, ApiVersion version) {
  static const std::pair<const char *, const char *> kHosts[] = {
      {"global", "https://directline.botframework.com"},
      {"europe", "https://europe.directline.botframework.com"},
      {"india", "https://india.directline.botframework.com"},
      {"usgov", "https://directline.botframework.azure.us"},
      {"china", "https://directline.botframework.azure.cn"},
  };
  std::string key = name;
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto &[region, host] : kHosts)
    if (key == region) return std::string(host) + (version == ApiVersion::v3 ? "/v3/directline" : "/api");
  return std::nullopt;
}

Outcome<AgentToken> parse_agent_token(const std::string &body) {
  auto doc = parse(body);
  if (!doc || !doc->is_object()) return malformed("expected a token JSON object");
  AgentToken out;
  out.token = string_member(*doc, "token").value_or("");
  if (out.token.empty()) return malformed("the token endpoint's answer has no token");
  out.conversation_id = string_member(*doc, "conversationId").value_or("");
  if (const Json *e = member(*doc, "expires_in"); e && e->is_number_integer())
    out.expires_in = static_cast<int>(std::clamp<long long>(e->get<long long>(), 0, 1LL << 30));
  return out;
}

Outcome<std::string> regional_settings_url(const std::string &token_endpoint_url) {
  auto url = parse_url(token_endpoint_url);
  if (!url || (url->scheme != "http" && url->scheme != "https"))
    return Error::make(Code::invalid, "token_endpoint_url must be an absolute http(s) URL");
  const bool default_port = url->port == (url->scheme == "https" ? 443 : 80);
  std::string out = url->scheme + "://" +
                    (url->host.find(':') != std::string::npos ? "[" + url->host + "]" : url->host) +
                    (default_port ? "" : ":" + std::to_string(url->port)) +
                    "/powervirtualagents/regionalchannelsettings";
  if (auto version = query_value(token_endpoint_url, "api-version"); version && !version->empty())
    out += "?api-version=" + *version;
  return out;
}

Outcome<std::string> parse_regional_endpoint(const std::string &body) {
  auto doc = parse(body);
  if (!doc || !doc->is_object()) return malformed("expected regional channel settings");
  const Json *urls = member(*doc, "channelUrlsById");
  auto base = urls ? string_member(*urls, "directline") : std::nullopt;
  if (!base || base->empty()) return malformed("no channelUrlsById.directline in the channel settings");
  auto parsed = parse_url(*base);
  if (!parsed || (parsed->scheme != "http" && parsed->scheme != "https") ||
      base->find_first_of("?#") != std::string::npos)
    return malformed("channelUrlsById.directline is not an http(s) base URL");
  std::string endpoint = *base;
  if (endpoint.back() != '/') endpoint.push_back('/');
  return endpoint + "v3/directline";
}

StreamInfo stream_info(const Json &activity) {
  StreamInfo out;
  const Json *source = nullptr;
  if (const Json *entities = member(activity, "entities"); entities && entities->is_array()) {
    for (const auto &entity : *entities)
      if (string_member(entity, "type") == std::optional<std::string>("streaminfo")) {
        source = &entity;
        break;
      }
  }
  if (!source) {
    const Json *channel_data = member(activity, "channelData");
    if (channel_data && (member(*channel_data, "streamType") || member(*channel_data, "streamId")))
      source = channel_data;
  }
  if (!source) return out;
  out.type = string_member(*source, "streamType");
  if (const Json *seq = member(*source, "streamSequence")) {
    long long n = 0;
    if (seq->is_number_integer()) n = seq->get<long long>();
    else if (seq->is_string()) n = std::atoll(seq->get<std::string>().c_str());
    out.sequence = static_cast<int>(std::clamp<long long>(n, 0, 1LL << 30));
  }
  out.id = string_member(*source, "streamId");
  if (!out.id || out.id->empty()) out.id = string_member(activity, "id");  // the first chunk
  if (out.id && out.id->empty()) out.id.reset();
  return out;
}

std::optional<std::string> signin_url(const Json &activity) {
  const Json *attachments = member(activity, "attachments");
  if (!attachments || !attachments->is_array()) return std::nullopt;
  for (const auto &attachment : *attachments) {
    auto type = string_member(attachment, "contentType");
    if (type != std::optional<std::string>("application/vnd.microsoft.card.oauth") &&
        type != std::optional<std::string>("application/vnd.microsoft.card.signin"))
      continue;
    const Json *content = member(attachment, "content");
    const Json *buttons = content ? member(*content, "buttons") : nullptr;
    if (!buttons || !buttons->is_array()) continue;
    for (const auto &button : *buttons) {
      auto kind = string_member(button, "type");
      auto value = string_member(button, "value");
      if ((kind == std::optional<std::string>("signin") || kind == std::optional<std::string>("openUrl")) &&
          value && !value->empty())
        return value;
    }
  }
  return std::nullopt;
}

}  // namespace directline::core::protocol
