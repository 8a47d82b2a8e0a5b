// What receiving produces, whichever the API version or the path (stream frame,
// GET activities page): the protocol layer parses into these, the receiver
// de-duplicates and orders them, the C API exposes their fields.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace directline::core {

// One activity as received: the raw JSON text plus the fields the C API exposes.
struct ReceivedActivity {
  std::string json;  // verbatim JSON object as received (1.1: the message)
  std::string id;
  std::string type;
  std::optional<std::string> text;
  std::string from_id;
  std::optional<std::string> reply_to_id;
  // Streamed replies and sign-in cards (see protocol/agent.hpp).
  std::optional<std::string> stream_id;
  std::optional<std::string> stream_type;
  int stream_sequence = 0;
  std::optional<std::string> signin_url;
};

// A batch from GET activities (3.0 ActivitySet / 1.1 MessageSet) or a stream frame.
struct ReceivedBatch {
  std::vector<ReceivedActivity> activities;
  std::optional<std::string> watermark;  // nullopt when null/missing: keep the previous one
};

}  // namespace directline::core
