#include "client.hpp"

#include <chrono>
#include <ctime>
#include <thread>

#include "conversation.hpp"
#include "log.hpp"
#include "protocol/agent.hpp"
#include "protocol/messages.hpp"
#include "protocol/state.hpp"
#include "protocol/status.hpp"
#include "protocol/url.hpp"
#include "redact.hpp"

namespace directline::core {

namespace {

bool is_success(int status) { return status >= 200 && status < 300; }

// Redirects are never followed: the error names where it pointed (origin
// only: a query string could carry a credential).
Error redirect_error(const std::string &operation, int status, const std::optional<std::string> &location,
                     const std::string &request_url) {
  std::string where = "an unparsable location";
  if (location) {
    auto target = protocol::parse_url(*location);
    if (!target && !location->empty() && (*location)[0] == '/') target = protocol::parse_url(request_url);
    if (target) {
      const bool v6 = target->host.find(':') != std::string::npos;
      where = target->scheme + "://" + (v6 ? "[" + target->host + "]" : target->host) + ":" +
              std::to_string(target->port);
    }
  }
  return Error::make(Code::protocol,
                     redact(operation + ": HTTP " + std::to_string(status) + " redirect to " + where +
                            " not followed (redirects are refused so credentials stay with the endpoint)"),
                     status);
}

}  // namespace

Status check_credential(const std::string &credential, const char *parameter) {
  if (credential.empty()) return Error::make(Code::invalid, std::string(parameter) + " is empty");
  for (unsigned char c : credential) {
    if (c < 0x21 || c > 0x7e)
      return Error::make(Code::invalid, std::string(parameter) +
                                            " contains whitespace or non-printable characters");
  }
  return ok_status();
}

Client::Client(ClientConfig config, std::string endpoint, std::shared_ptr<HttpTransport> transport,
               std::shared_ptr<const net::ProxyRules> proxy)
    : config_(std::move(config)),
      endpoints_(std::move(endpoint), config_.api_version),
      transport_(std::move(transport)),
      proxy_(std::move(proxy)) {}

Outcome<std::shared_ptr<Client>> Client::create(ClientConfig config,
                                                std::shared_ptr<HttpTransport> transport) {
  std::string endpoint =
      config.endpoint.empty() ? protocol::default_endpoint(config.api_version) : config.endpoint;
  if (auto region = protocol::region_endpoint(endpoint, config.api_version)) endpoint = *region;
  auto valid = protocol::validate_endpoint(endpoint, config.allow_insecure_http);
  if (!valid) return valid.error();
  auto proxy = net::ProxyRules::make(config.transport.proxy);
  if (!proxy) return proxy.error();
  if (config.transport.skip_tls_verify) net::warn_tls_verification_disabled();
  if (!transport) transport = make_http_transport(config.transport, *proxy);
  return std::shared_ptr<Client>(new Client(std::move(config), *valid, std::move(transport), *proxy));
}

ReceiverOptions Client::receiver_options() const {
  ReceiverOptions o;
  o.polling_only = config_.polling_only || !dialect().has_stream();
  o.polling_interval_ms = config_.polling_interval_ms;
  o.retry_base_delay_ms = config_.retry.base_delay_ms;
  o.reconnect_base_delay_ms = config_.reconnect_base_delay_ms;
  o.reconnect_max_delay_ms = config_.reconnect_max_delay_ms;
  o.queue_limit = config_.receive_queue_limit;
  o.connect_timeout_ms = config_.transport.connect_timeout_ms;
  o.max_message_bytes = config_.transport.max_response_bytes;
  o.user_agent = config_.transport.user_agent;
  o.proxy = proxy_;
  o.tls.ca_file = config_.transport.ca_file;
  o.tls.skip_verify = config_.transport.skip_tls_verify;
  o.allow_insecure = config_.allow_insecure_http;
  return o;
}

Outcome<HttpResponse> Client::call(const std::string &operation, HttpRequest request,
                                   const std::string &credential, bool retry, bool *maybe_sent) {
  if (!credential.empty()) request.headers.emplace_back("Authorization", "Bearer " + credential);
  request.headers.emplace_back("Accept", "application/json");
  const auto cancel = request.cancel;
  bool sent = false;
  auto attempt = [&]() -> Outcome<HttpResponse> {
    if (cancel && cancel->cancelled())
      return Error::make(Code::cancelled, operation + ": cancelled (the conversation was closed)");
    SendReport report;
    auto response = transport_->send(request, report);
    if (!response) {
      sent = report.maybe_sent;
      Error e = response.error();
      e.message = redact(operation + ": " + e.message);
      log(LogLevel::info, e.message);
      return e;
    }
    sent = true;
    if (response->status == 407) {  // only a proxy says this
      Error e = Error::make(Code::network,
                            operation + ": the proxy requires authentication or refused the credentials (HTTP 407)", 407);
      log(LogLevel::info, e.message);
      return e;
    }
    if (response->status >= 300 && response->status < 400) {
      Error e = redirect_error(operation, response->status, response->header("Location"), request.url);
      log(LogLevel::info, e.message);
      return e;
    }
    if (!is_success(response->status)) {
      Error e = protocol::error_for_response(operation, response->status, response->body,
                                             response->header("Retry-After"), std::time(nullptr));
      e.message = redact(e.message);
      log(LogLevel::info, e.message);
      return e;
    }
    return response;
  };
  std::function<bool(std::chrono::milliseconds)> sleep = [&](std::chrono::milliseconds delay) {
    log(LogLevel::info, operation + ": retrying in " + std::to_string(delay.count()) + " ms");
    if (cancel) return cancel->sleep_for(delay);
    std::this_thread::sleep_for(delay);
    return true;
  };
  // Without `retry`, only what provably never reached the service is tried again.
  std::function<bool(const Error &)> may_retry = [&](const Error &e) {
    if (!retry) return !sent && (e.code == Code::network || e.code == Code::timeout);
    return is_retryable(e);
  };
  std::function<Outcome<HttpResponse>()> attempt_fn = attempt;
  auto result = with_retry<HttpResponse>(
      config_.retry, attempt_fn, sleep, random_unit, [] { return std::chrono::steady_clock::now(); }, may_retry);
  if (!result && cancel && cancel->cancelled() && result.error().code != Code::cancelled)
    return Error::make(Code::cancelled, operation + ": cancelled (the conversation was closed)");
  if (!result && maybe_sent) *maybe_sent = sent && result.error().http_status == 0;
  return result;
}

Outcome<TokenInfo> Client::generate_token(const std::string &secret, const TokenRequest &token_request) {
  if (auto st = check_credential(secret, "secret"); !st) return st.error();
  remember_sensitive(secret);
  HttpRequest request;
  request.method = "POST";
  request.url = endpoints_.generate_token();
  request.body = dialect().generate_body(token_request.user_id, token_request.user_name,
                                         token_request.trusted_origins);
  if (!request.body.empty()) request.content_type = "application/json";
  auto response = call("generate token", std::move(request), secret, /*retry=*/true);
  if (!response) return response.error();
  auto info = dialect().parse_token(response->body, "generate token", "");
  if (!info) return info.error();
  remember_issued_token(info->token);
  return info;
}

Outcome<TokenInfo> Client::refresh_token(const std::string &token, const std::string &conversation_id,
                                         std::shared_ptr<net::Cancellation> cancel) {
  if (auto st = check_credential(token, "token"); !st) return st.error();
  const protocol::Dialect &dialect = this->dialect();
  if (dialect.refresh_needs_conversation() && conversation_id.empty())
    return Error::make(Code::invalid, "conversation_id is required to renew a 1.1 token");
  remember_sensitive(token);
  HttpRequest request;
  request.method = "POST";
  request.url = endpoints_.refresh_token(conversation_id);
  request.cancel = std::move(cancel);
  auto response = call(dialect.refresh_operation(), std::move(request), token, true);
  if (!response) return response.error();
  auto info = dialect.parse_token(response->body, dialect.refresh_operation(), conversation_id);
  if (!info) return info.error();
  remember_issued_token(info->token);
  return info;
}

Outcome<std::shared_ptr<Conversation>> Client::start_conversation(const std::string &secret_or_token,
                                                                 const std::string &body) {
  if (auto st = check_credential(secret_or_token, "secret_or_token"); !st) return st.error();
  remember_sensitive(secret_or_token);
  HttpRequest request;
  request.method = "POST";
  request.url = endpoints_.start_conversation();
  if (!body.empty() && dialect().start_takes_body()) {
    request.body = body;
    request.content_type = "application/json";
  }
  request.idempotent = false;
  // A start with a secret creates a conversation each time: re-sent only when it
  // provably never reached the service. One with a token this process was
  // issued may be repeated (the service answers 200 for a started one).
  const bool token = is_token_credential(secret_or_token);
  bool ambiguous = false;
  auto response = call("start conversation", request, secret_or_token, /*retry=*/false, &ambiguous);
  const bool repeated = !response && ambiguous && token;
  if (repeated) {
    log(LogLevel::info, "start conversation: outcome unknown; starting again with the same token");
    response = call("start conversation", std::move(request), secret_or_token, /*retry=*/false);
  }
  if (!response) {
    Error e = response.error();
    if (ambiguous && !repeated)
      e.message += " (the conversation may have been started: a secret's start is not repeated)";
    return e;
  }
  auto info = protocol::parse_conversation(response->body);
  if (!info) return info.error();
  if (info->conversation_id.empty())
    return Error::make(Code::protocol, "start conversation: response has no conversationId");

  Conversation::Init init;
  init.id = info->conversation_id;
  // Repeated after an unanswered first start: that first one started it.
  init.is_new = !dialect().start_tells_new() || response->status == 201 || repeated;
  bool credential_is_token = is_token_credential(secret_or_token) ||
                             (info->token && *info->token == secret_or_token);
  if (credential_is_token) {
    init.token = info->token.value_or(secret_or_token);
  } else {
    init.secret = secret_or_token;
    init.token = info->token;  // shown and exported; calls keep using the secret
  }
  if (info->token) remember_issued_token(*info->token);
  init.expires_in = info->expires_in;
  if (dialect().has_stream()) init.stream_url = info->stream_url;
  if (init.stream_url) remember_sensitive(*init.stream_url);
  return Conversation::create(shared_from_this(), std::move(init));
}

Outcome<std::shared_ptr<Conversation>> Client::open_conversation(
    const std::string &secret_or_token, const std::string &conversation_id,
    const std::optional<std::string> &watermark) {
  if (auto st = check_credential(secret_or_token, "secret_or_token"); !st) return st.error();
  if (conversation_id.empty()) return Error::make(Code::invalid, "conversation_id is empty");
  remember_sensitive(secret_or_token);
  Conversation::Init init;
  init.id = conversation_id;
  if (is_token_credential(secret_or_token)) init.token = secret_or_token;
  else init.secret = secret_or_token;
  init.watermark = watermark;
  return Conversation::create(shared_from_this(), std::move(init));
}

Outcome<std::shared_ptr<Conversation>> Client::resume_conversation(const std::string &state_json) {
  auto state = protocol::state_from_json(state_json);
  if (!state) return state.error();
  if (!state->token) return Error::make(Code::invalid, "state_json holds no token to resume with");
  if (state->api_version != config_.api_version)
    return Error::make(Code::invalid, "state_json is for another api version than this client");
  std::string state_endpoint = state->endpoint;
  while (!state_endpoint.empty() && state_endpoint.back() == '/') state_endpoint.pop_back();
  if (state_endpoint != endpoint())
    return Error::make(Code::invalid, "state_json is for another endpoint than this client");
  if (auto st = check_credential(*state->token, "state_json token"); !st) return st.error();
  remember_issued_token(*state->token);
  Conversation::Init init;
  init.id = state->conversation_id;
  init.token = state->token;
  init.expires_in = state->expires_in;
  init.watermark = state->watermark;
  init.skip_ids = std::move(state->delivered_ids);
  return Conversation::create(shared_from_this(), std::move(init));
}

}  // namespace directline::core
