// Client and token exports.
#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include "capi_internal.hpp"

using namespace directline;
using capi::guarded;
using capi::set_error;
using capi::set_ok;

namespace {

int options_error(const char *what) { return set_error(core::Code::invalid, what); }

dl_token *token_handle(const core::TokenInfo &token) {
  auto *handle = new dl_token;
  handle->value = token.token;
  handle->has_conversation_id = token.conversation_id.has_value();
  handle->conversation_id = token.conversation_id.value_or("");
  handle->expires_in = token.expires_in;
  return handle;
}

// The size of each version of dl_client_options: a struct from an older
// header ends where its last field ends.
std::size_t options_size(unsigned int version) {
  switch (version) {
    case 1: return offsetof(dl_client_options, stream_replies);
    case DL_CLIENT_OPTIONS_VERSION: return sizeof(dl_client_options);
    default: return 0;
  }
}
static_assert(DL_CLIENT_OPTIONS_VERSION == 2, "add the new version to options_size");

}  // namespace

extern "C" {

void dl_client_options_init_version(dl_client_options *options, unsigned int version) {
  const std::size_t size = options_size(version);
  if (!options || size == 0) return;
  const dl_client_options defaults = DL_CLIENT_OPTIONS_INIT;
  std::memcpy(options, &defaults, size);
  options->version = version;
}

// Parenthesised: the header also defines a macro of this name.
void(dl_client_options_init)(dl_client_options *options) { dl_client_options_init_version(options, 1); }

void dl_token_options_init(dl_token_options *options) {
  if (!options) return;
  dl_token_options defaults = DL_TOKEN_OPTIONS_INIT;
  *options = defaults;
}

int dl_client_new(const dl_client_options *options, dl_client **out) {
  return guarded([&] {
    DL_REQUIRE(out);
    *out = nullptr;
    // Read only the fields the caller's version has; the rest keep their defaults.
    dl_client_options o = DL_CLIENT_OPTIONS_INIT;
    if (options) {
      const std::size_t size = options_size(options->version);
      if (size == 0)
        return options_error("options->version is not a known DL_CLIENT_OPTIONS_VERSION (use dl_client_options_init)");
      std::memcpy(&o, options, size);
    }
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
    if (o.proxy) config.transport.proxy = std::string(o.proxy);  // NULL: the environment
    if (o.ca_file) config.transport.ca_file = o.ca_file;
    config.transport.skip_tls_verify = o.insecure_skip_tls_verify != 0;
    config.allow_insecure_http = o.allow_insecure_http != 0;
    config.retry.max_attempts = o.retry_max_attempts ? o.retry_max_attempts : 4;
    config.retry.deadline_ms = o.retry_deadline_ms ? o.retry_deadline_ms : 60000;
    config.retry.base_delay_ms = o.retry_base_delay_ms ? o.retry_base_delay_ms : 250;
    config.polling_only = o.receive_mode == DL_RECEIVE_POLLING;
    config.polling_interval_ms = o.polling_interval_ms ? o.polling_interval_ms : 1000;
    config.auto_refresh = o.disable_auto_refresh == 0;
    if (o.max_response_bytes < 0 || o.reconnect_base_delay_ms < 0 || o.reconnect_max_delay_ms < 0 ||
        o.receive_queue_limit < 0)
      return options_error("options: sizes, delays and limits must not be negative");
    config.stream_replies = o.stream_replies != 0;
    if (o.max_response_bytes) config.transport.max_response_bytes = static_cast<std::size_t>(o.max_response_bytes);
    if (o.reconnect_base_delay_ms) config.reconnect_base_delay_ms = o.reconnect_base_delay_ms;
    if (o.reconnect_max_delay_ms) config.reconnect_max_delay_ms = o.reconnect_max_delay_ms;
    if (config.reconnect_max_delay_ms < config.reconnect_base_delay_ms)
      return options_error("options->reconnect_max_delay_ms is below reconnect_base_delay_ms");
    if (o.receive_queue_limit) config.receive_queue_limit = static_cast<std::size_t>(o.receive_queue_limit);

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
    *out = token_handle(*token);
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
    if (client->impl->dialect().refresh_needs_conversation()) DL_REQUIRE(conversation_id);
    auto refreshed = client->impl->refresh_token(token, conversation_id ? conversation_id : "");
    if (!refreshed) return set_error(refreshed.error());
    *out = token_handle(*refreshed);
    return set_ok();
  });
}

int dl_fetch_token(dl_client *client, const char *token_endpoint_url, dl_token **out) {
  return guarded([&] {
    DL_REQUIRE(out);
    *out = nullptr;
    DL_REQUIRE(client);
    DL_REQUIRE(token_endpoint_url);
    auto token = client->impl->fetch_token(token_endpoint_url);
    if (!token) return set_error(token.error());
    *out = token_handle(*token);
    return set_ok();
  });
}

int dl_fetch_regional_endpoint(dl_client *client, const char *token_endpoint_url, char **endpoint_out) {
  return guarded([&] {
    DL_REQUIRE(endpoint_out);
    *endpoint_out = nullptr;
    DL_REQUIRE(client);
    DL_REQUIRE(token_endpoint_url);
    auto endpoint = client->impl->fetch_regional_endpoint(token_endpoint_url);
    if (!endpoint) return set_error(endpoint.error());
    *endpoint_out = capi::owned_copy(*endpoint);
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
