#include "attachments.hpp"

#include "util.hpp"

namespace dlemu {

std::string AttachmentStore::put(StoredFile file) {
  std::string id = random_id(12);
  auto stored = std::make_shared<const StoredFile>(std::move(file));
  std::lock_guard<std::mutex> lock(mu_);
  bytes_ += stored->data.size();
  files_[id] = stored;
  order_.push_back(id);
  while (bytes_ > max_bytes_ && order_.size() > 1) {
    auto it = files_.find(order_.front());
    if (it != files_.end()) {
      bytes_ -= it->second->data.size();
      files_.erase(it);
    }
    order_.pop_front();
  }
  return id;
}

std::shared_ptr<const StoredFile> AttachmentStore::get(const std::string &id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = files_.find(id);
  return it == files_.end() ? nullptr : it->second;
}

}  // namespace dlemu
