#include "protocol/endpoints.hpp"

#include "protocol/url.hpp"

namespace directline::core::protocol {

namespace {
std::string watermark_query(const std::optional<std::string> &watermark) {
  return watermark ? "?watermark=" + percent_encode(*watermark) : std::string();
}
}  // namespace

std::string Endpoints::generate_token() const {
  return base_ + (version_ == ApiVersion::v3 ? "/tokens/generate" : "/tokens/conversation");
}

std::string Endpoints::refresh_token(const std::string &conversation_id) const {
  if (version_ == ApiVersion::v3) return base_ + "/tokens/refresh";
  return base_ + "/tokens/" + percent_encode(conversation_id) + "/renew";
}

std::string Endpoints::start_conversation() const { return base_ + "/conversations"; }

std::string Endpoints::conversation(const std::string &conversation_id) const {
  return base_ + "/conversations/" + percent_encode(conversation_id);
}

std::string Endpoints::reconnect(const std::string &conversation_id,
                                 const std::optional<std::string> &watermark) const {
  return conversation(conversation_id) + watermark_query(watermark);
}

std::string Endpoints::activities(const std::string &conversation_id,
                                  const std::optional<std::string> &watermark) const {
  return conversation(conversation_id) +
         (version_ == ApiVersion::v3 ? "/activities" : "/messages") + watermark_query(watermark);
}

std::string Endpoints::upload(const std::string &conversation_id, const std::string &user_id) const {
  return conversation(conversation_id) + "/upload?userId=" + percent_encode(user_id);
}

}  // namespace directline::core::protocol
