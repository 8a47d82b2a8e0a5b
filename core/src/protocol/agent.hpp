// What Direct Line looks like in front of a Copilot Studio agent: region
// names, the agent's token endpoint and regional channel settings, streamed
// replies (streaminfo) and sign-in cards. Pure functions; no I/O.
#pragma once

#include <optional>
#include <string>

#include "error.hpp"
#include "protocol/endpoints.hpp"
#include "protocol/messages.hpp"

namespace directline::core::protocol {

// "global", "europe", "india", "usgov", "china" -> that region's Direct Line
// endpoint for `version`; nullopt for anything else (an ordinary URL).
std::optional<std::string> region_endpoint(const std::string &name, ApiVersion version);

struct AgentToken {
  std::string token;
  std::string conversation_id;  // "" when the endpoint did not say
  int expires_in = 0;
};

// {"token","expires_in","conversationId"} from a token endpoint.
Outcome<AgentToken> parse_agent_token(const std::string &body);

// The regional channel settings URL of the agent behind token_endpoint_url:
// same scheme, host and port, path /powervirtualagents/regionalchannelsettings,
// the token URL's api-version. invalid when the token URL is not one.
Outcome<std::string> regional_settings_url(const std::string &token_endpoint_url);

// channelUrlsById.directline + "v3/directline"; protocol error without one.
Outcome<std::string> parse_regional_endpoint(const std::string &body);

// Stream fields of one activity (see dl_activity_stream_id in directline.h).
struct StreamInfo {
  std::optional<std::string> id;
  std::optional<std::string> type;
  int sequence = 0;
};
StreamInfo stream_info(const Json &activity);

// The first OAuth / sign-in card's sign-in URL, if any.
std::optional<std::string> signin_url(const Json &activity);

}  // namespace directline::core::protocol
