// The export/resume state of a conversation (dl_conversation_export). Pure.
// A secret is never part of it; the token is (store the state like a credential).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "error.hpp"
#include "protocol/endpoints.hpp"

namespace directline::core::protocol {

struct ConversationState {
  std::string conversation_id;
  std::optional<std::string> token;
  std::optional<std::string> watermark;
  std::string endpoint;
  ApiVersion api_version = ApiVersion::v3;
  int expires_in = 0;
  // Ids delivered after `watermark` (an export inside a page): resume skips
  // them. Written only when non-empty; states without it stay valid.
  std::vector<std::string> delivered_ids;
};

inline constexpr std::size_t kMaxStateDeliveredIds = 10000;

inline constexpr int kStateFormatVersion = 1;

std::string state_to_json(const ConversationState &state);
// invalid for anything that is not a state this library wrote (or a compatible one).
Outcome<ConversationState> state_from_json(const std::string &json);

const char *api_version_name(ApiVersion v);  // "3.0", "1.1"

}  // namespace directline::core::protocol
