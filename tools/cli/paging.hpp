// Paging through a conversation's history with GET activities: where "now"
// is for a receiver that should not print what came before it started.
#pragma once

#include <directline.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>

namespace dlcli {

// Pages from the start to the end of the history, handing each activity to
// `emit`; returns the last watermark (nullopt: the history is empty).
// A service that sends a watermark it already sent, with activities, or
// whose history does not end within `max_pages`, gets DL_EPROTOCOL instead
// of an endless loop of requests.
std::optional<std::string> drain_history(directline::Conversation &conversation,
                                         const std::function<void(const nlohmann::ordered_json &)> &emit,
                                         int max_pages = 1000);

}  // namespace dlcli
