#include "protocol/dialect.hpp"

namespace directline::core::protocol {

namespace {

class V3 final : public Dialect {
 public:
  ApiVersion version() const override { return ApiVersion::v3; }
  std::string generate_body(const std::optional<std::string> &user_id, const std::optional<std::string> &user_name,
                            const std::vector<std::string> &trusted_origins) const override {
    return token_parameters_json(user_id, user_name, trusted_origins);
  }
  Outcome<IssuedToken> parse_token(const std::string &body, const std::string &operation,
                                   const std::string &) const override {
    auto conversation = parse_conversation(body);
    if (!conversation) return conversation.error();
    if (!conversation->token) return Error::make(Code::protocol, operation + ": response has no token");
    IssuedToken issued;
    issued.token = *conversation->token;
    if (!conversation->conversation_id.empty()) issued.conversation_id = conversation->conversation_id;
    issued.expires_in = conversation->expires_in;
    return issued;
  }
  const char *refresh_operation() const override { return "refresh token"; }
  bool refresh_needs_conversation() const override { return false; }
  bool start_takes_body() const override { return true; }
  bool start_tells_new() const override { return true; }
  bool has_stream() const override { return true; }
  Json encode_activity(const Json &activity) const override { return activity; }
  const char *activity_media_type() const override { return "application/vnd.microsoft.activity"; }
  bool posts_return_ids() const override { return true; }
  bool has_end_activity() const override { return true; }
  const char *receive_operation() const override { return "get activities"; }
};

class V1 final : public Dialect {
 public:
  ApiVersion version() const override { return ApiVersion::v1_1; }
  std::string generate_body(const std::optional<std::string> &, const std::optional<std::string> &,
                            const std::vector<std::string> &) const override {
    return "";
  }
  Outcome<IssuedToken> parse_token(const std::string &body, const std::string &,
                                   const std::string &conversation_id) const override {
    auto token = parse_json_string_token(body);
    if (!token) return token.error();
    IssuedToken issued;
    issued.token = *token;
    if (!conversation_id.empty()) issued.conversation_id = conversation_id;
    return issued;
  }
  const char *refresh_operation() const override { return "renew token"; }
  bool refresh_needs_conversation() const override { return true; }
  bool start_takes_body() const override { return false; }
  bool start_tells_new() const override { return false; }
  bool has_stream() const override { return false; }
  Json encode_activity(const Json &activity) const override { return activity_to_v1_message(activity); }
  const char *activity_media_type() const override { return "application/vnd.microsoft.bot.message"; }
  bool posts_return_ids() const override { return false; }
  bool has_end_activity() const override { return false; }
  const char *receive_operation() const override { return "get messages"; }
};

}  // namespace

const Dialect &Dialect::of(ApiVersion version) {
  static const V3 v3;
  static const V1 v1;
  return version == ApiVersion::v1_1 ? static_cast<const Dialect &>(v1) : v3;
}

}  // namespace directline::core::protocol
