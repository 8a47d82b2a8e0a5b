// Direct Line 1.1 endpoints (PROTOCOL.md section 2): JSON-string tokens, 200 start,
// messages (v1 Message schema) translated to and from the 3.0 activity log.
#include "service.hpp"
#include "util.hpp"

namespace dlemu {

namespace {
std::string json_string(const std::string &s) { return dump_json(json(s)); }

// One stored activity as a 1.1 Message; false for kinds 1.1 cannot express.
bool to_v1_message(const std::string &stored, json &out) {
  json a = json::parse(stored, nullptr, false);
  if (!a.is_object() || a.value("type", "") != "message") return false;
  out = json::object();
  out["id"] = a.value("id", "");
  out["conversationId"] = a.contains("conversation") ? a["conversation"].value("id", "") : "";
  out["created"] = a.value("timestamp", "");
  out["from"] = a.contains("from") && a["from"].is_object() ? a["from"].value("id", "") : "";
  if (a.contains("text")) out["text"] = a["text"];
  if (a.contains("channelData")) out["channelData"] = a["channelData"];
  json images = json::array(), attachments = json::array();
  if (a.contains("attachments") && a["attachments"].is_array()) {
    for (const auto &att : a["attachments"]) {
      if (!att.is_object() || !att.contains("contentUrl")) continue;
      std::string type = att.value("contentType", "");
      std::string url = att.value("contentUrl", "");
      attachments.push_back(json{{"url", url}, {"contentType", type}});
      if (type.rfind("image/", 0) == 0) images.push_back(url);
    }
  }
  out["images"] = images;
  out["attachments"] = attachments;
  return true;
}
}  // namespace

void Service::on_v1_token(const RequestContext &request, Reply reply) {
  Caller caller;
  if (auto error = authenticate(request, ApiVersion::v1, caller)) return reply(std::move(*error));
  if (!caller.is_secret)
    return reply(error_outcome(403, "NotAllowed", "Generating a token requires a secret", ApiVersion::v1));
  reply(json_outcome(200, json_string(issue_conversation_token(random_id(16), "", ""))));
}

void Service::on_v1_renew(const RequestContext &request, Reply reply) {
  const std::string &id = request.route.params.at(0);
  Caller caller;
  if (auto error = authenticate(request, ApiVersion::v1, caller)) return reply(std::move(*error));
  if (caller.is_secret)
    return reply(error_outcome(403, "NotAllowed", "Renew requires a token, not a secret", ApiVersion::v1));
  if (auto error = authorize_conversation(caller, id, ApiVersion::v1)) return reply(std::move(*error));
  const TokenClaims &c = caller.claims;
  reply(json_outcome(200, json_string(issue_conversation_token(id, c.user_id, c.user_name))));
}

void Service::on_v1_start(const RequestContext &request, Reply reply) {
  Caller caller;
  if (auto error = authenticate(request, ApiVersion::v1, caller)) return reply(std::move(*error));
  int64_t now = clock_.now_seconds();
  std::shared_ptr<Conversation> conversation;
  std::string token;
  int64_t expires_in = options_.token_ttl_s;
  if (caller.is_secret) {
    conversation = store_.find_or_create(random_id(16), now).first;
    token = issue_conversation_token(conversation->id, "", "");
  } else {
    store_.erase_if_idle(caller.claims.conversation_id, now - options_.idle_evict_s);
    conversation = store_.find_or_create(caller.claims.conversation_id, now).first;
    token = caller.token;
    expires_in = std::max<int64_t>(0, caller.claims.expires_at - now);
  }
  bool created = false;
  {
    std::lock_guard<std::mutex> lock(conversation->mu);
    if (!conversation->started) {
      conversation->started = true;
      if (!caller.is_secret) {
        conversation->user_id = caller.claims.user_id;
        conversation->user_name = caller.claims.user_name;
      }
      created = true;
    }
  }
  conversation->touch(now);
  std::string body = dump_json(json{{"conversationId", conversation->id},
                                    {"token", token},
                                    {"expires_in", expires_in}});
  if (!created) return reply(json_outcome(200, std::move(body)));
  announce_start(conversation, [reply, body = std::move(body)]() mutable {
    reply(json_outcome(200, std::move(body)));
  });
}

void Service::on_v1_get_messages(const RequestContext &request, Reply reply) {
  const std::string &id = request.route.params.at(0);
  Caller caller;
  std::shared_ptr<Conversation> conversation;
  if (auto error = open_conversation(request, id, ApiVersion::v1, caller, conversation))
    return reply(std::move(*error));
  uint64_t from = 0;
  auto w = request.query.find("watermark");
  if (w != request.query.end() && !w->second.empty() && w->second != "-" &&
      !parse_uint64(w->second, from))
    return reply(error_outcome(400, "MalformedData", "Invalid watermark", ApiVersion::v1));
  std::vector<std::string> stored;
  uint64_t last = from;
  {
    std::lock_guard<std::mutex> lock(conversation->mu);
    uint64_t end = std::min<uint64_t>(conversation->log.size(), from + 100);
    for (uint64_t seq = from + 1; seq <= end; ++seq) stored.push_back(conversation->log[seq - 1]);
    last = std::max(from, end);
  }
  json messages = json::array();
  for (const auto &s : stored) {
    json m;
    if (to_v1_message(s, m)) messages.push_back(std::move(m));
  }
  reply(json_outcome(200, dump_json(json{{"messages", messages}, {"watermark", std::to_string(last)}})));
}

void Service::on_v1_post_message(const RequestContext &request, Reply reply) {
  const std::string &id = request.route.params.at(0);
  Caller caller;
  std::shared_ptr<Conversation> conversation;
  if (auto error = open_conversation(request, id, ApiVersion::v1, caller, conversation))
    return reply(std::move(*error));
  if (request.msg.body().size() > 256 * 1024)
    return reply(error_outcome(400, "MalformedData", "The message exceeds 256K characters", ApiVersion::v1));
  json message;
  if (auto error = parse_json_body(request.msg.body(), message, ApiVersion::v1)) return reply(std::move(*error));
  if (!message.is_object())
    return reply(error_outcome(400, "MalformedData", "The message must be a JSON object", ApiVersion::v1));
  json activity = {{"type", "message"}};
  if (message.contains("text")) activity["text"] = message["text"];
  if (message.contains("channelData")) activity["channelData"] = message["channelData"];
  json attachments = json::array();
  if (message.contains("images") && message["images"].is_array())
    for (const auto &url : message["images"])
      if (url.is_string()) attachments.push_back(json{{"contentType", "image"}, {"contentUrl", url}});
  if (message.contains("attachments") && message["attachments"].is_array())
    for (const auto &a : message["attachments"])
      if (a.is_object() && a.contains("url"))
        attachments.push_back(json{{"contentType", a.value("contentType", "")}, {"contentUrl", a["url"]}});
  if (!attachments.empty()) activity["attachments"] = attachments;
  std::string from;
  if (message.contains("from") && message["from"].is_string()) from = message["from"].get<std::string>();
  if (!caller.is_secret && !caller.claims.user_id.empty()) from = caller.claims.user_id;
  if (from.empty()) {
    std::lock_guard<std::mutex> lock(conversation->mu);
    from = conversation->user_id.empty() ? "user" : conversation->user_id;
  }
  activity["from"] = json{{"id", from}, {"role", "user"}};
  post_user_activity(conversation, std::move(activity), ApiVersion::v1, std::move(reply), true);
}

}  // namespace dlemu
