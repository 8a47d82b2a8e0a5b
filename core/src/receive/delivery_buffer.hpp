// The ordered, de-duplicated queue between the transports (stream frames,
// polled pages) and callers of next(). Not thread-safe: the receiver locks.
//
// Watermarks: a batch's watermark is recorded as "received" at once (it is
// what the next reconnect/poll asks from) but becomes "delivered" only when
// the caller has taken the batch's last activity, so an exported state
// resumes exactly after what the caller saw. Ids delivered from a batch not
// yet finished are kept too, for the same reason. A watermark never moves
// back: when the received one and a batch's are both integers and the batch's
// is smaller, the batch's is ignored.
//
// De-duplication needs ids only within a window: a reconnect or poll asks
// for activities after the received watermark, so only recent ids can come
// back. The window keeps 64-bit hashes of the last kWindow ids (2 KiB).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "receive/receiver_host.hpp"

namespace directline::core {

class DeliveryBuffer {
 public:
  static constexpr std::size_t kWindow = 256;

  explicit DeliveryBuffer(std::optional<std::string> start_watermark = std::nullopt);

  // Queues the new activities of a batch in order; returns how many were new.
  // is_end[i] marks activity i as the bot's endOfConversation: nothing after
  // it is queued, and end_queued() becomes true. is_end may be empty.
  std::size_t accept(ReceivedBatch &&batch, const std::vector<bool> &is_end = {});

  // The next activity for the caller, or null when none is queued.
  std::shared_ptr<const ReceivedActivity> pop();

  // Ids that count as already delivered (from an exported state).
  void skip_ids(const std::vector<std::string> &ids);

  bool empty() const { return pending_ == 0; }
  std::size_t pending() const { return pending_; }
  bool end_queued() const { return end_queued_; }
  const std::optional<std::string> &received_watermark() const { return received_watermark_; }
  const std::optional<std::string> &delivered_watermark() const { return delivered_watermark_; }
  const std::vector<std::string> &delivered_after_watermark() const { return delivered_after_; }

 private:
  struct Entry {
    std::shared_ptr<const ReceivedActivity> activity;  // null: a watermark marker
    std::optional<std::string> watermark;
  };
  bool seen(uint64_t hash) const;
  void remember(uint64_t hash);
  void settle_markers();

  std::deque<Entry> queue_;
  std::size_t pending_ = 0;  // activities in queue_
  std::vector<uint64_t> window_;
  std::size_t window_next_ = 0;
  std::optional<std::string> received_watermark_;
  std::optional<std::string> delivered_watermark_;
  std::vector<std::string> delivered_after_;
  bool end_queued_ = false;
};

}  // namespace directline::core
