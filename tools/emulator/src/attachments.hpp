// Uploaded files, kept in memory (bounded; the oldest are forgotten first) and served
// back at GET /attachments/{id}/{name}.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace dlemu {

struct StoredFile {
  std::string content_type;
  std::string name;
  std::string data;
};

class AttachmentStore {
 public:
  explicit AttachmentStore(size_t max_bytes) : max_bytes_(max_bytes) {}
  std::string put(StoredFile file);  // returns the new id
  std::shared_ptr<const StoredFile> get(const std::string &id) const;

 private:
  size_t max_bytes_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const StoredFile>> files_;
  std::deque<std::string> order_;
  size_t bytes_ = 0;
};

}  // namespace dlemu
