#include "store.hpp"

#include <functional>

namespace dlemu {

uint64_t Conversation::read_page(std::optional<uint64_t> watermark, size_t limit,
                                 const std::function<void(const std::string &)> &each) {
  std::lock_guard<std::mutex> lock(mu);
  const uint64_t from = watermark.value_or(0);
  uint64_t last = from;
  for (uint64_t seq = from + 1; seq <= log.size() && seq <= from + limit; ++seq) {
    each(log[seq - 1]);
    last = seq;
  }
  return last;
}

ConversationStore::Shard &ConversationStore::shard_for(const std::string &id) const {
  return shards_[std::hash<std::string>{}(id) % kShards];
}

std::shared_ptr<Conversation> ConversationStore::find(const std::string &id) const {
  Shard &shard = shard_for(id);
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.map.find(id);
  return it == shard.map.end() ? nullptr : it->second;
}

std::pair<std::shared_ptr<Conversation>, bool> ConversationStore::find_or_create(
    const std::string &id, int64_t now) {
  Shard &shard = shard_for(id);
  std::lock_guard<std::mutex> lock(shard.mu);
  auto &slot = shard.map[id];
  if (slot) return {slot, false};
  slot = std::make_shared<Conversation>(id, now);
  count_.fetch_add(1);
  return {slot, true};
}

static bool idle(Conversation &c, int64_t cutoff) {
  if (c.last_used_s.load(std::memory_order_relaxed) >= cutoff) return false;
  std::lock_guard<std::mutex> lock(c.mu);
  return !c.socket;
}

size_t ConversationStore::evict_idle(int64_t cutoff) {
  size_t removed = 0;
  for (auto &shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    for (auto it = shard.map.begin(); it != shard.map.end();) {
      if (idle(*it->second, cutoff)) {
        it = shard.map.erase(it);
        ++removed;
      } else {
        ++it;
      }
    }
  }
  count_.fetch_sub(removed);
  return removed;
}

bool ConversationStore::erase_if_idle(const std::string &id, int64_t cutoff) {
  Shard &shard = shard_for(id);
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.map.find(id);
  if (it == shard.map.end() || !idle(*it->second, cutoff)) return false;
  shard.map.erase(it);
  count_.fetch_sub(1);
  return true;
}

}  // namespace dlemu
