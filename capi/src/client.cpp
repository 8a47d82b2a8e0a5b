// Client and token exports.
#include <string>
#include <vector>

#include "capi_internal.hpp"

using namespace directline;
using capi::guarded;
using capi::set_error;
using capi::set_ok;

namespace {

int options_error(const char *what) { return set_error(core::Code::invalid, what); }

}  // namespace

extern "C" {

void dl_client_options_init(dl_client_options *options) {
  if (!options) return;
  dl_client_options defaults = DL_CLIENT_OPTIONS_INIT;
  *options = defaults;
}

void dl_token_options_init(dl_token_options *options) {
  if (!options) return;
  dl_token_options defaults = DL_TOKEN_OPTIONS_INIT;
  *options = defaults;
}

int dl_client_new(const dl_client_options *options, dl_client **out) {
  return guarded([&] {
    DL_REQUIRE(out);
    *out = nullptr;
    dl_client_options defaults = DL_CLIENT_OPTIONS_INIT;
    const dl_client_options &o = options ? *options : defaults;
    if (o.version != DL_CLIENT_OPTIONS_VERSION)
      return options_error("options->version is not DL_CLIENT_OPTIONS_VERSION (use dl_client_options_init)");
    if (o.api_version != DL_API_V3 && o.api_version != DL_API_V1_1)
      return options_error("options->api_version must be DL_API_V3 or DL_API_V1_1");
    if (o.receive_mode != DL_RECEIVE_AUTO && o.receive_mode != DL_RECEIVE_POLLING)
      return options_error("options->receive_mode must be DL_RECEIVE_AUTO or DL_RECEIVE_POLLING");
    if (o.connect_timeout_ms < 0 || o.request_timeout_ms < 0 || o.retry_max_attempts < 0 ||
        o.retry_deadline_ms < 0 || o.retry_base_delay_ms < 0 || o.polling_interval_ms < 0)
      return options_error("options: timeouts, delays and attempts must not be negative");

    core::ClientConfig config;
    if (o.endpoint) config.endpoint = o.endpoint;
    config.api_version = o.api_version == DL_API_V1_1 ? core::protocol::ApiVersion::v1_1
                                                      : core::protocol::ApiVersion::v3;
    config.transport.connect_timeout_ms = o.connect_timeout_ms ? o.connect_timeout_ms : 10000;
    config.transport.request_timeout_ms = o.request_timeout_ms ? o.request_timeout_ms : 30000;
    config.transport.user_agent = std::string("directline-c/") + DL_VERSION_STRING;
    if (o.user_agent && *o.user_agent) config.transport.user_agent += std::string(" ") + o.user_agent;
    for (char c : config.transport.user_agent)
      if (c == '\r' || c == '\n') return options_error("options->user_agent contains a line break");
    if (o.proxy) config.transport.proxy = o.proxy;
    if (o.ca_file) config.transport.ca_file = o.ca_file;
    config.transport.skip_tls_verify = o.insecure_skip_tls_verify != 0;
    config.allow_insecure_http = o.allow_insecure_http != 0;
    config.retry.max_attempts = o.retry_max_attempts ? o.retry_max_attempts : 4;
    config.retry.deadline_ms = o.retry_deadline_ms ? o.retry_deadline_ms : 60000;
    config.retry.base_delay_ms = o.retry_base_delay_ms ? o.retry_base_delay_ms : 250;
    config.polling_only = o.receive_mode == DL_RECEIVE_POLLING;
    config.polling_interval_ms = o.polling_interval_ms ? o.polling_interval_ms : 1000;
    config.auto_refresh = o.disable_auto_refresh == 0;

    auto client = core::Client::create(std::move(config));
    if (!client) return set_error(client.error());
    *out = new dl_client{std::move(*client)};
    return set_ok();
  });
}

void dl_client_free(dl_client *client) {
  guarded([&] {
    delete client;
    return DL_OK;
  });
}

const char *dl_client_endpoint(const dl_client *client) {
  return capi::guarded_value<const char *>(nullptr, [&]() -> const char * {
    if (!client) {
      set_error(core::Code::invalid, "argument 'client' must not be NULL");
      return nullptr;
    }
    return client->impl->endpoint().c_str();
  });
}

int dl_generate_token(dl_client *client, const char *secret, const dl_token_options *options,
                      dl_token **out) {
  return guarded([&] {
    DL_REQUIRE(out);
    *out = nullptr;
    DL_REQUIRE(client);
    DL_REQUIRE(secret);
    core::TokenRequest request;
    if (options) {
      if (options->version != DL_TOKEN_OPTIONS_VERSION)
        return options_error("options->version is not DL_TOKEN_OPTIONS_VERSION (use dl_token_options_init)");
      if (options->user_id) request.user_id = options->user_id;
      if (options->user_name) request.user_name = options->user_name;
      if (options->trusted_origins_count > 0 && !options->trusted_origins)
        return options_error("options->trusted_origins is NULL but trusted_origins_count > 0");
      for (size_t i = 0; i < options->trusted_origins_count; ++i) {
        if (!options->trusted_origins[i]) return options_error("options->trusted_origins has a NULL entry");
        request.trusted_origins.emplace_back(options->trusted_origins[i]);
      }
    }
    auto token = client->impl->generate_token(secret, request);
    if (!token) return set_error(token.error());
    auto *handle = new dl_token;
    handle->value = token->token;
    handle->has_conversation_id = token->conversation_id.has_value();
    handle->conversation_id = token->conversation_id.value_or("");
    handle->expires_in = token->expires_in;
    *out = handle;
    return set_ok();
  });
}

int dl_refresh_token(dl_client *client, const char *token, const char *conversation_id,
                     dl_token **out) {
  return guarded([&] {
    DL_REQUIRE(out);
    *out = nullptr;
    DL_REQUIRE(client);
    DL_REQUIRE(token);
    if (client->impl->is_v1()) DL_REQUIRE(conversation_id);
    auto refreshed = client->impl->refresh_token(token, conversation_id ? conversation_id : "");
    if (!refreshed) return set_error(refreshed.error());
    auto *handle = new dl_token;
    handle->value = refreshed->token;
    handle->has_conversation_id = refreshed->conversation_id.has_value();
    handle->conversation_id = refreshed->conversation_id.value_or("");
    handle->expires_in = refreshed->expires_in;
    *out = handle;
    return set_ok();
  });
}

const char *dl_token_value(const dl_token *token) {
  if (!token) return nullptr;
  return token->value.c_str();
}

const char *dl_token_conversation_id(const dl_token *token) {
  if (!token || !token->has_conversation_id) return nullptr;
  return token->conversation_id.c_str();
}

int dl_token_expires_in(const dl_token *token) { return token ? token->expires_in : 0; }

void dl_token_free(dl_token *token) { delete token; }

}  // extern "C"
