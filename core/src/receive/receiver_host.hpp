// The seam between a conversation (REST operations, credentials) and its
// receiver (stream/polling, de-duplication, watermark, reconnect).
// Conversation implements ReceiverHost; the receiver owns no HTTP code and
// parses stream frames itself (protocol/messages.hpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "error.hpp"
#include "protocol/received.hpp"

namespace directline::core {

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
  // Current state, thread-safe.
  virtual std::optional<std::string> stream_url() const = 0;
  virtual bool is_own_activity(const std::string &id) const = 0;  // ids this conversation posted
};

}  // namespace directline::core
