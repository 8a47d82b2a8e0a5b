// JSON <-> structs for Direct Line 3.0 and 1.1 (nlohmann::ordered_json, so
// unknown fields and their order survive). Pure functions; no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "error.hpp"
#include "protocol/endpoints.hpp"
#include "protocol/received.hpp"

namespace directline::core::protocol {

using Json = nlohmann::ordered_json;

// Every parse of JSON from outside the process goes through here (the nesting
// limit of json_limits.hpp): `code` is protocol for server data, invalid for a
// caller's input; the message starts with `what`.
Outcome<Json> parse_untrusted_json(std::string_view text, Code code, const std::string &what);

// The 3.0 Conversation object (also what 1.1 start returns). Lenient: every
// field is optional; the caller decides what it needs.
struct ConversationInfo {
  std::string conversation_id;
  std::optional<std::string> token;
  int expires_in = 0;
  std::optional<std::string> stream_url;
};

// Parses a Conversation body; protocol error if it is not a JSON object.
Outcome<ConversationInfo> parse_conversation(const std::string &body);

// 1.1 token bodies are a JSON string ("..."); protocol error otherwise.
Outcome<std::string> parse_json_string_token(const std::string &body);

// 3.0 TokenParameters; "" when there is nothing to send.
std::string token_parameters_json(const std::optional<std::string> &user_id,
                                  const std::optional<std::string> &user_name,
                                  const std::vector<std::string> &trusted_origins);

// ResourceResponse {"id":...}; nullopt for an empty body or one without id.
Outcome<std::optional<std::string>> parse_resource_id(const std::string &body);

// Parses a caller's activity: a JSON object with string "type" and "from.id".
Outcome<Json> parse_outgoing_activity(const std::string &activity_json);

// 1.1 Message from a 3.0-style activity: text, from (= from.id),
// attachments ({url, contentType}), channelData, images.
Json activity_to_v1_message(const Json &activity);

// 3.0 ActivitySet or 1.1 MessageSet (also a stream frame) -> batch.
// A watermark that is null/missing stays nullopt; numbers become strings.
Outcome<ReceivedBatch> parse_activity_set(const std::string &body, ApiVersion version);

// One received activity (3.0) or message (1.1) as the C API exposes it.
ReceivedActivity to_received(const Json &item, ApiVersion version);

}  // namespace directline::core::protocol
