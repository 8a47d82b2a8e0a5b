// Conversations: a per-conversation append-only activity log plus the one open
// WebSocket, in a sharded map so unrelated conversations never share a lock.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace dlemu {

// The receiving end of a conversation's WebSocket. Calls only queue work: they never
// block, so they may be made while holding the conversation lock (keeps frames in order).
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  virtual void send_frame(std::shared_ptr<const std::string> frame, bool carries_activities) = 0;
  virtual void close(uint16_t code, std::string reason) = 0;
};

class Conversation {
 public:
  Conversation(std::string id, int64_t now) : id(std::move(id)), last_used_s(now) {}

  const std::string id;
  std::atomic<int64_t> last_used_s;

  std::mutex mu;  // guards everything below; never held across I/O or bot calls
  std::vector<std::string> log;  // serialized activities; seq = index + 1
  size_t log_bytes = 0;
  uint64_t ephemeral_count = 0;  // typing activities (not stored) for their ids
  bool started = false;
  bool ended = false;
  bool bot_knows_user = false;  // a conversationUpdate with the user reached the bot
  std::string user_id, user_name, locale;
  std::shared_ptr<StreamSink> socket;

  uint64_t last_seq() const { return log.size(); }
  void touch(int64_t now) { last_used_s.store(now, std::memory_order_relaxed); }

  // Watermark paging, the same for every API version: calls `each` (under the lock) for up to
  // `limit` stored activities after `watermark` (none: from the start) and returns the new
  // watermark, which stays at the given one when nothing is newer.
  uint64_t read_page(std::optional<uint64_t> watermark, size_t limit,
                     const std::function<void(const std::string &)> &each);
};

// Activities per GET, in both API versions.
inline constexpr size_t kPageSize = 100;

class ConversationStore {
 public:
  std::shared_ptr<Conversation> find(const std::string &id) const;
  // Returns the conversation and whether this call created it.
  std::pair<std::shared_ptr<Conversation>, bool> find_or_create(const std::string &id, int64_t now);
  // Drops conversations unused since `cutoff` (never one with an open socket).
  size_t evict_idle(int64_t cutoff);
  bool erase_if_idle(const std::string &id, int64_t cutoff);
  size_t size() const { return count_.load(); }

 private:
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, std::shared_ptr<Conversation>> map;
  };
  Shard &shard_for(const std::string &id) const;
  static constexpr size_t kShards = 64;
  mutable std::array<Shard, kShards> shards_;
  std::atomic<size_t> count_{0};
};

}  // namespace dlemu
