// What several commands share: the JSON they print and how they open a
// conversation given with --conversation.
#pragma once

#include <directline.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>

#include "../options.hpp"

namespace dlcli {

using json = nlohmann::ordered_json;

// {"conversationId", "token", "expires_in"} as the service names them.
json token_json(const directline::Token &t);
// {"conversationId", "token", "expires_in", "streamUrl"}.
json conversation_json(const directline::Conversation &c);
// {"id": ...}, or {} when the service assigned none (1.1).
json id_json(const std::optional<std::string> &id);

// --conversation ID with the credential; no request until the first call.
directline::Conversation open_existing(directline::Client &client, const Options &o);

// The receiving side of listen/chat on --conversation: resumes after
// --watermark, or after the current end of the history ("from now"), handing
// the history to `emit_history` on the way.
directline::Conversation open_for_receiving(directline::Client &client, const Options &o,
                                            const std::function<void(const json &)> &emit_history);

// A string member of an activity; empty when absent or not a string.
std::string string_field(const json &object, const char *key);

// The sender id of an activity: from.id (3.0) or from (1.1); empty if none.
std::string sender_id(const json &activity);

}  // namespace dlcli
