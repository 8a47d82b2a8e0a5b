#include "protocol/messages.hpp"

#include "protocol/agent.hpp"
#include "protocol/json_limits.hpp"

namespace directline::core::protocol {

namespace {

std::optional<std::string> string_field(const Json &obj, const char *key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

Error protocol_error(const std::string &what) {
  return Error::make(Code::protocol, "malformed response: " + what);
}

// Server data: anything unreadable is a protocol error naming what was expected.
Outcome<Json> parse_response(const std::string &body, const std::string &expected) {
  auto doc = parse_untrusted_json(body, Code::protocol, "malformed response");
  if (!doc) return doc;
  if (!doc->is_object()) return protocol_error("expected " + expected);
  return doc;
}

}  // namespace

Outcome<Json> parse_untrusted_json(std::string_view text, Code code, const std::string &what) {
  if (!json_limits::within_depth(text))
    return Error::make(code, what + ": JSON nests deeper than " +
                                 std::to_string(json_limits::kMaxDepth) + " levels");
  auto doc = json_limits::parse_untrusted<Json>(text);
  if (!doc) return Error::make(code, what + ": not valid JSON");
  return std::move(*doc);
}

Outcome<ConversationInfo> parse_conversation(const std::string &body) {
  auto parsed = parse_response(body, "a Conversation JSON object");
  if (!parsed) return parsed.error();
  const Json &doc = *parsed;
  ConversationInfo info;
  info.conversation_id = string_field(doc, "conversationId").value_or("");
  info.token = string_field(doc, "token");
  if (info.token && info.token->empty()) info.token.reset();
  auto expires = doc.find("expires_in");
  if (expires != doc.end() && expires->is_number_integer()) {
    auto v = expires->get<long long>();
    info.expires_in = v < 0 ? 0 : static_cast<int>(std::min<long long>(v, 1LL << 30));
  }
  info.stream_url = string_field(doc, "streamUrl");
  if (info.stream_url && info.stream_url->empty()) info.stream_url.reset();
  return info;
}

Outcome<std::string> parse_json_string_token(const std::string &body) {
  auto parsed = parse_untrusted_json(body, Code::protocol, "malformed response");
  if (!parsed) return parsed.error();
  const Json &doc = *parsed;
  if (doc.is_string() && !doc.get<std::string>().empty()) return doc.get<std::string>();
  // Lenient: a Conversation-shaped object with a token.
  if (doc.is_object()) {
    if (auto token = string_field(doc, "token"); token && !token->empty()) return *token;
  }
  return protocol_error("expected a JSON string token");
}

std::string token_parameters_json(const std::optional<std::string> &user_id,
                                  const std::optional<std::string> &user_name,
                                  const std::vector<std::string> &trusted_origins) {
  Json doc = Json::object();
  if (user_id || user_name) {
    Json user = Json::object();
    if (user_id) user["id"] = *user_id;
    if (user_name) user["name"] = *user_name;
    doc["user"] = std::move(user);
  }
  if (!trusted_origins.empty()) doc["trustedOrigins"] = trusted_origins;
  return doc.empty() ? std::string() : doc.dump();
}

Outcome<std::optional<std::string>> parse_resource_id(const std::string &body) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return std::optional<std::string>();
  auto doc = parse_response(body, "a ResourceResponse JSON object");
  if (!doc) return doc.error();
  return string_field(*doc, "id");
}

Outcome<Json> parse_outgoing_activity(const std::string &activity_json) {
  auto parsed = parse_untrusted_json(activity_json, Code::invalid, "activity_json");
  if (!parsed) return parsed.error();
  Json &doc = *parsed;
  if (!doc.is_object()) return Error::make(Code::invalid, "activity_json must be a JSON object");
  auto type = doc.find("type");
  if (type == doc.end() || !type->is_string() || type->get<std::string>().empty())
    return Error::make(Code::invalid, "activity_json needs a non-empty string \"type\"");
  auto from = doc.find("from");
  if (from == doc.end() || !from->is_object() || !string_field(*from, "id") ||
      string_field(*from, "id")->empty())
    return Error::make(Code::invalid, "activity_json needs a non-empty string \"from.id\"");
  return parsed;
}

Json activity_to_v1_message(const Json &activity) {
  Json message = Json::object();
  auto from = activity.find("from");
  if (from != activity.end() && from->is_object()) {
    if (auto id = string_field(*from, "id")) message["from"] = *id;
  }
  if (auto text = string_field(activity, "text")) message["text"] = *text;
  auto channel_data = activity.find("channelData");
  if (channel_data != activity.end() && channel_data->is_object())
    message["channelData"] = *channel_data;
  auto attachments = activity.find("attachments");
  if (attachments != activity.end() && attachments->is_array()) {
    Json mapped = Json::array();
    for (const auto &a : *attachments) {
      if (!a.is_object()) continue;
      Json item = Json::object();
      if (auto url = string_field(a, "contentUrl")) item["url"] = *url;
      if (auto type = string_field(a, "contentType")) item["contentType"] = *type;
      if (!item.empty()) mapped.push_back(std::move(item));
    }
    if (!mapped.empty()) message["attachments"] = std::move(mapped);
  }
  auto images = activity.find("images");  // already 1.1-shaped callers
  if (images != activity.end() && images->is_array()) message["images"] = *images;
  return message;
}

ReceivedActivity to_received(const Json &item, ApiVersion version) {
  ReceivedActivity out;
  out.json = item.dump();
  out.id = string_field(item, "id").value_or("");
  out.text = string_field(item, "text");
  if (version == ApiVersion::v3) {
    out.type = string_field(item, "type").value_or("");
    auto from = item.find("from");
    if (from != item.end() && from->is_object()) out.from_id = string_field(*from, "id").value_or("");
    out.reply_to_id = string_field(item, "replyToId");
    StreamInfo stream = stream_info(item);
    out.stream_id = std::move(stream.id);
    out.stream_type = std::move(stream.type);
    out.stream_sequence = stream.sequence;
    out.signin_url = signin_url(item);
  } else {
    out.type = "message";  // 1.1 only has messages
    out.from_id = string_field(item, "from").value_or("");
  }
  return out;
}

Outcome<ReceivedBatch> parse_activity_set(const std::string &body, ApiVersion version) {
  const char *list_key = version == ApiVersion::v3 ? "activities" : "messages";
  auto parsed = parse_response(body, std::string("an object with \"") + list_key + "\"");
  if (!parsed) return parsed.error();
  const Json &doc = *parsed;
  ReceivedBatch batch;
  auto list = doc.find(list_key);
  if (list != doc.end() && !list->is_null()) {
    if (!list->is_array()) return protocol_error(std::string("\"") + list_key + "\" is not an array");
    for (const auto &item : *list) {
      if (!item.is_object()) return protocol_error("an activity is not a JSON object");
      batch.activities.push_back(to_received(item, version));
    }
  }
  auto wm = doc.find("watermark");
  if (wm != doc.end()) {
    if (wm->is_string()) batch.watermark = wm->get<std::string>();
    else if (wm->is_number_integer()) batch.watermark = std::to_string(wm->get<long long>());
    if (batch.watermark && batch.watermark->empty()) batch.watermark.reset();
  }
  return batch;
}

}  // namespace directline::core::protocol
