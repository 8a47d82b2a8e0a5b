// Copilot Studio agents over Direct Line: the anonymous token endpoint, the
// agent's regional Direct Line endpoint, and a start that greets (the
// startConversation event Web Chat sends).
#include <cstdint>
#include <random>

#include "client.hpp"
#include "conversation.hpp"
#include "protocol/agent.hpp"
#include "protocol/url.hpp"

namespace directline::core {

namespace {

// An anonymous URL the client may GET: http(s), plain http only to loopback
// unless allowed, no credentials in it.
Status check_agent_url(const std::string &url, bool allow_insecure, const char *parameter) {
  auto parsed = protocol::parse_url(url);
  if (!parsed || (parsed->scheme != "http" && parsed->scheme != "https"))
    return Error::make(Code::invalid, std::string(parameter) + " must be an absolute http(s) URL");
  if (parsed->scheme == "http" && !allow_insecure && !protocol::is_loopback_host(parsed->host))
    return Error::make(Code::insecure, std::string(parameter) + ": plain http to non-loopback host '" +
                                           parsed->host + "' refused; use https or set allow_insecure_http");
  return ok_status();
}

// "dl_" + 128 random bits: user ids should be unguessable.
std::string generated_user_id() {
  std::random_device device;
  static const char *hex = "0123456789abcdef";
  std::string id = "dl_";
  for (int i = 0; i < 4; ++i) {
    uint32_t bits = device();
    for (int j = 0; j < 8; ++j, bits >>= 4) id.push_back(hex[bits & 15]);
  }
  return id;
}

}  // namespace

Outcome<TokenInfo> Client::fetch_token(const std::string &token_endpoint_url) {
  if (auto st = check_agent_url(token_endpoint_url, config_.allow_insecure_http, "token_endpoint_url"); !st)
    return st.error();
  HttpRequest request;
  request.method = "GET";
  request.url = token_endpoint_url;
  auto response = call("fetch token", std::move(request), /*credential=*/"", /*retry=*/true);
  if (!response) return response.error();
  auto token = protocol::parse_agent_token(response->body);
  if (!token) return token.error();
  remember_issued_token(token->token);
  TokenInfo info;
  info.token = token->token;
  if (!token->conversation_id.empty()) info.conversation_id = token->conversation_id;
  info.expires_in = token->expires_in;
  return info;
}

Outcome<std::string> Client::fetch_regional_endpoint(const std::string &token_endpoint_url) {
  if (auto st = check_agent_url(token_endpoint_url, config_.allow_insecure_http, "token_endpoint_url"); !st)
    return st.error();
  auto settings = protocol::regional_settings_url(token_endpoint_url);
  if (!settings) return settings.error();
  HttpRequest request;
  request.method = "GET";
  request.url = *settings;
  auto response = call("fetch regional settings", std::move(request), /*credential=*/"", /*retry=*/true);
  if (!response) return response.error();
  auto endpoint = protocol::parse_regional_endpoint(response->body);
  if (!endpoint) return endpoint.error();
  // The answer comes from the network: hold it to the same rules as a configured endpoint.
  auto valid = protocol::validate_endpoint(*endpoint, config_.allow_insecure_http);
  if (!valid) {
    Error e = valid.error();
    e.code = e.code == Code::insecure ? Code::insecure : Code::protocol;
    e.message = "regional channel settings: " + e.message;
    return e;
  }
  return *valid;
}

Outcome<std::shared_ptr<Conversation>> Client::start_conversation_with(const std::string &secret_or_token,
                                                                       const StartOptions &options) {
  const std::string user_id = options.user_id.value_or(generated_user_id());
  if (user_id.empty()) return Error::make(Code::invalid, "options->user_id is empty");
  protocol::Json user = {{"id", user_id}};
  if (options.user_name) user["name"] = *options.user_name;
  protocol::Json body = {{"user", user}};
  if (options.locale) body["locale"] = *options.locale;
  auto started = start_conversation(secret_or_token, body.dump());
  if (!started) return started.error();
  std::shared_ptr<Conversation> conversation = std::move(*started);
  conversation->set_user_id(user_id);
  if (!options.send_start_event) return conversation;

  protocol::Json from = user;
  from["role"] = "user";
  protocol::Json event = {{"type", "event"}, {"name", "startConversation"}, {"from", from}};
  if (options.locale) event["locale"] = *options.locale;
  if (options.local_timezone) event["localTimezone"] = *options.local_timezone;
  auto posted = conversation->post_activity(event.dump());
  if (!posted) {
    conversation->close();
    return posted.error();
  }
  return conversation;
}

}  // namespace directline::core
