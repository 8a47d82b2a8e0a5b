// Client: options, the transport and the retry policy shared by every
// conversation created from it. Thread-safe; held in a shared_ptr so
// conversations outlive the C handle that created them.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "credentials.hpp"
#include "error.hpp"
#include "net/cancel.hpp"
#include "net/proxy.hpp"
#include "protocol/dialect.hpp"
#include "protocol/endpoints.hpp"
#include "receive/receiver.hpp"
#include "retry.hpp"
#include "transport/http_transport.hpp"

namespace directline::core {

class Conversation;

struct ClientConfig {
  std::string endpoint;  // "" = the public service for api_version
  protocol::ApiVersion api_version = protocol::ApiVersion::v3;
  TransportOptions transport;
  RetryPolicy retry;
  bool allow_insecure_http = false;
  bool polling_only = false;
  int polling_interval_ms = 1000;
  bool auto_refresh = true;
  int reconnect_base_delay_ms = 1000;   // stream reconnect backoff: first ceiling (full jitter)
  int reconnect_max_delay_ms = 15000;   // stream reconnect backoff: cap
  bool stream_replies = false;          // posted messages ask for "deliveryMode":"stream"
  std::size_t receive_queue_limit = 1000;  // activities waiting for next() before reading pauses
};

using TokenInfo = protocol::IssuedToken;

struct TokenRequest {
  std::optional<std::string> user_id;
  std::optional<std::string> user_name;
  std::vector<std::string> trusted_origins;
};

struct StartOptions {
  std::optional<std::string> user_id;  // nullopt: a generated "dl_..." id
  std::optional<std::string> user_name;
  std::optional<std::string> locale;
  std::optional<std::string> local_timezone;
  bool send_start_event = false;
};


// Checks a secret or token before it goes into a header: non-empty, printable ASCII.
Status check_credential(const std::string &credential, const char *parameter);

class Client : public std::enable_shared_from_this<Client> {
 public:
  // transport nullptr: the build's HTTP transport. invalid/insecure for a bad
  // endpoint, invalid for a malformed proxy (setting or environment).
  static Outcome<std::shared_ptr<Client>> create(ClientConfig config,
                                                 std::shared_ptr<HttpTransport> transport = nullptr);

  const ClientConfig &config() const { return config_; }
  const protocol::Endpoints &endpoints() const { return endpoints_; }
  const std::string &endpoint() const { return endpoints_.base(); }
  // What differs between 3.0 and 1.1 (ask it instead of testing the version).
  const protocol::Dialect &dialect() const { return protocol::Dialect::of(config_.api_version); }
  ReceiverOptions receiver_options() const;

  Outcome<TokenInfo> generate_token(const std::string &secret, const TokenRequest &request);
  Outcome<TokenInfo> refresh_token(const std::string &token, const std::string &conversation_id,
                                   std::shared_ptr<net::Cancellation> cancel = nullptr);
  // body: the optional start body ({"user":..,"locale":..}); "" sends none.
  Outcome<std::shared_ptr<Conversation>> start_conversation(const std::string &secret_or_token,
                                                            const std::string &body = "");
  // Copilot Studio agents (agent.cpp): anonymous GETs of a token endpoint and
  // of the agent's regional channel settings; a start that greets.
  Outcome<TokenInfo> fetch_token(const std::string &token_endpoint_url);
  Outcome<std::string> fetch_regional_endpoint(const std::string &token_endpoint_url);
  Outcome<std::shared_ptr<Conversation>> start_conversation_with(const std::string &secret_or_token,
                                                                 const StartOptions &options);
  Outcome<std::shared_ptr<Conversation>> open_conversation(const std::string &secret_or_token,
                                                           const std::string &conversation_id,
                                                           const std::optional<std::string> &watermark);
  Outcome<std::shared_ptr<Conversation>> resume_conversation(const std::string &state_json);

  // One exchange, authenticated unless credential is "". Non-2xx becomes an
  // Error (redacted message), 3xx included: redirects are never followed (the
  // message names the origin it pointed to), so credentials never go to
  // another host.
  // retry: per the retry policy (idempotent and token calls). Otherwise only
  // failures the transport proves never reached the service are retried.
  // maybe_sent (optional): set for a failed call whose request may have
  // reached the service without an answer (the ambiguous case).
  Outcome<HttpResponse> call(const std::string &operation, HttpRequest request,
                             const std::string &credential, bool retry, bool *maybe_sent = nullptr);

 private:
  Client(ClientConfig config, std::string endpoint, std::shared_ptr<HttpTransport> transport,
         std::shared_ptr<const net::ProxyRules> proxy);
  ClientConfig config_;
  protocol::Endpoints endpoints_;
  std::shared_ptr<HttpTransport> transport_;
  std::shared_ptr<const net::ProxyRules> proxy_;
};

}  // namespace directline::core
