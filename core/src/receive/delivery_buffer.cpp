#include "receive/delivery_buffer.hpp"

#include <algorithm>
#include <functional>

namespace directline::core {

namespace {
uint64_t id_hash(const std::string &id) { return std::hash<std::string>{}(id); }

// Digits only, any length (the service's watermarks are decimal sequence numbers).
bool is_integer(const std::string &s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// True when both are integers and `next` is smaller than `current`.
bool goes_backwards(const std::optional<std::string> &current, const std::string &next) {
  if (!current || !is_integer(*current) || !is_integer(next)) return false;
  auto significant = [](const std::string &s) {
    const auto first = s.find_first_not_of('0');
    return first == std::string::npos ? std::string() : s.substr(first);
  };
  const std::string a = significant(*current), b = significant(next);
  return b.size() != a.size() ? b.size() < a.size() : b < a;
}
}  // namespace

DeliveryBuffer::DeliveryBuffer(std::optional<std::string> start_watermark)
    : received_watermark_(start_watermark), delivered_watermark_(std::move(start_watermark)) {}

bool DeliveryBuffer::seen(uint64_t hash) const {
  return std::find(window_.begin(), window_.end(), hash) != window_.end();
}

void DeliveryBuffer::remember(uint64_t hash) {
  if (window_.size() < kWindow) {
    window_.push_back(hash);
    return;
  }
  window_[window_next_] = hash;
  window_next_ = (window_next_ + 1) % kWindow;
}

void DeliveryBuffer::skip_ids(const std::vector<std::string> &ids) {
  for (const auto &id : ids)
    if (!id.empty() && !seen(id_hash(id))) remember(id_hash(id));
}

std::size_t DeliveryBuffer::accept(ReceivedBatch &&batch, const std::vector<bool> &is_end) {
  if (end_queued_) return 0;  // nothing follows the bot's endOfConversation
  std::size_t added = 0;
  for (std::size_t i = 0; i < batch.activities.size(); ++i) {
    auto &activity = batch.activities[i];
    if (!activity.id.empty()) {
      const uint64_t h = id_hash(activity.id);
      if (seen(h)) continue;
      remember(h);
    }
    queue_.push_back({std::make_shared<const ReceivedActivity>(std::move(activity)), std::nullopt});
    ++pending_;
    ++added;
    if (i < is_end.size() && is_end[i]) {
      end_queued_ = true;
      break;
    }
  }
  // A watermark that moves back would make the next poll or reconnect replay
  // (and, past the id window, re-deliver) older activities: keep the newer one.
  if (batch.watermark && !goes_backwards(received_watermark_, *batch.watermark)) {
    received_watermark_ = batch.watermark;
    queue_.push_back({nullptr, std::move(batch.watermark)});
  }
  settle_markers();
  return added;
}

// Markers at the head belong to batches the caller has fully taken.
void DeliveryBuffer::settle_markers() {
  while (!queue_.empty() && !queue_.front().activity) {
    delivered_watermark_ = std::move(queue_.front().watermark);
    delivered_after_.clear();
    queue_.pop_front();
  }
}

std::shared_ptr<const ReceivedActivity> DeliveryBuffer::pop() {
  settle_markers();
  if (queue_.empty()) return nullptr;
  auto activity = std::move(queue_.front().activity);
  queue_.pop_front();
  --pending_;
  if (!activity->id.empty()) {
    // Bounded: only ids the service could replay matter (typing-only runs carry no watermark).
    if (delivered_after_.size() >= kWindow) delivered_after_.erase(delivered_after_.begin());
    delivered_after_.push_back(activity->id);
  }
  settle_markers();
  return activity;
}

}  // namespace directline::core
