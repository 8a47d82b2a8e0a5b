// The seam between a conversation (REST operations, credentials) and its
// receiver (stream/polling, de-duplication, watermark, refresh, reconnect).
// Conversation implements ReceiverHost; the receiver owns no HTTP code.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "error.hpp"

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

struct ReconnectResult {
  std::optional<std::string> stream_url;  // nullopt: the service gave none (then poll)
};

class ReceiverHost {
 public:
  virtual ~ReceiverHost() = default;
  // Blocking REST calls (retried per the client's policy). Never called with a
  // receiver lock held; safe from any thread that is not an I/O loop thread.
  virtual Outcome<ReconnectResult> reconnect(const std::optional<std::string> &watermark) = 0;
  virtual Outcome<ReceivedBatch> poll(const std::optional<std::string> &watermark) = 0;
  virtual Status refresh_token() = 0;
  // Current state, thread-safe.
  virtual std::optional<std::string> stream_url() const = 0;
  virtual bool holds_token() const = 0;          // false for a secret: never refresh
  virtual int token_expires_in_s() const = 0;    // 0 when unknown
  virtual bool is_own_activity(const std::string &id) const = 0;  // ids this conversation posted
  virtual bool is_v1() const = 0;                // 1.1: polling only
  // Parses a stream frame / GET body into a batch (protocol layer; no I/O).
  virtual Outcome<ReceivedBatch> parse_batch(const std::string &json) const = 0;
};

}  // namespace directline::core
