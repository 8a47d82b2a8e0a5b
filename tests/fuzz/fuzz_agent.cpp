// What a Copilot Studio token endpoint and its regional channel settings
// answer (server data), and the URLs derived from a token endpoint URL.
// Input: "URL\nBODY".
#include "fuzz_support.hpp"
#include "protocol/agent.hpp"
#include "protocol/url.hpp"

using namespace directline::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, std::size_t size) {
  std::string body = fuzz::text(data, size);
  const std::string url = fuzz::first_line(body);
  auto token = protocol::parse_agent_token(body);
  if (token) {
    FUZZ_CHECK(!token->token.empty());
    FUZZ_CHECK(token->expires_in >= 0);
  } else {
    FUZZ_CHECK(token.error().code == Code::protocol);
  }
  auto endpoint = protocol::parse_regional_endpoint(body);
  if (endpoint) {
    // What the client will talk to next must pass its own endpoint check.
    FUZZ_CHECK(protocol::parse_url(*endpoint).has_value());
    FUZZ_CHECK(endpoint->find_first_of("?#") == std::string::npos);
  } else {
    FUZZ_CHECK(endpoint.error().code == Code::protocol);
  }
  auto settings = protocol::regional_settings_url(url);
  if (settings) {
    auto parsed = protocol::parse_url(*settings);
    FUZZ_CHECK(parsed.has_value());
    FUZZ_CHECK(parsed->path == "/powervirtualagents/regionalchannelsettings");
  } else {
    FUZZ_CHECK(settings.error().code == Code::invalid);
  }
  for (auto version : {protocol::ApiVersion::v3, protocol::ApiVersion::v1_1})
    if (auto region = protocol::region_endpoint(url, version)) FUZZ_CHECK(protocol::parse_url(*region).has_value());
  return 0;
}
