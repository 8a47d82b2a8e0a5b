// Request paths of Direct Line 3.0 and 1.1, appended to the configured
// endpoint (DirectLineJS's `domain`). No I/O.
#pragma once

#include <optional>
#include <string>

namespace directline::core::protocol {

enum class ApiVersion { v3 = 0, v1_1 = 1 };

inline const char *default_endpoint(ApiVersion v) {
  return v == ApiVersion::v3 ? "https://directline.botframework.com/v3/directline"
                             : "https://directline.botframework.com/api";
}

class Endpoints {
 public:
  Endpoints(std::string base, ApiVersion version) : base_(std::move(base)), version_(version) {}

  ApiVersion version() const { return version_; }
  const std::string &base() const { return base_; }

  // 3.0 tokens/generate, 1.1 tokens/conversation.
  std::string generate_token() const;
  // 3.0 tokens/refresh, 1.1 tokens/{id}/renew.
  std::string refresh_token(const std::string &conversation_id) const;
  std::string start_conversation() const;
  // 3.0 only: GET conversations/{id}?watermark=
  std::string reconnect(const std::string &conversation_id,
                        const std::optional<std::string> &watermark) const;
  // 3.0 activities, 1.1 messages (GET and POST).
  std::string activities(const std::string &conversation_id,
                         const std::optional<std::string> &watermark = std::nullopt) const;
  std::string upload(const std::string &conversation_id, const std::string &user_id) const;

 private:
  std::string conversation(const std::string &conversation_id) const;
  std::string base_;
  ApiVersion version_;
};

}  // namespace directline::core::protocol
