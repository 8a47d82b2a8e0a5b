#include "v1_handlers.hpp"

#include "protocol/json_limits.hpp"
#include "util.hpp"

namespace dlemu::v1 {

namespace {
constexpr ApiVersion kV1 = ApiVersion::v1;

std::string json_string(const std::string &s) { return dump_json(json(s)); }

// One stored activity as a 1.1 Message; false for kinds 1.1 cannot express.
bool to_v1_message(const std::string &stored, json &out) {
  json a = directline::json_limits::parse_untrusted<json>(stored).value_or(json());
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

void token(Context &ctx, const RequestContext &request, Reply reply) {
  Caller caller;
  if (auto error = ctx.auth.authenticate(request, kV1, caller)) return reply(std::move(*error));
  if (!caller.is_secret)
    return reply(error_outcome(403, "NotAllowed", "Generating a token requires a secret", kV1));
  reply(json_outcome(200, json_string(ctx.auth.issue_conversation_token(random_id(16), "", ""))));
}

void renew(Context &ctx, const RequestContext &request, Reply reply) {
  const std::string &id = request.route.params.at(0);
  Caller caller;
  if (auto error = ctx.auth.authenticate(request, kV1, caller)) return reply(std::move(*error));
  if (caller.is_secret)
    return reply(error_outcome(403, "NotAllowed", "Renew requires a token, not a secret", kV1));
  if (auto error = ctx.auth.authorize_conversation(caller, id, kV1)) return reply(std::move(*error));
  const TokenClaims &c = caller.claims;
  reply(json_outcome(200, json_string(ctx.auth.issue_conversation_token(id, c.user_id, c.user_name))));
}

void start(Context &ctx, const RequestContext &request, Reply reply) {
  Caller caller;
  if (auto error = ctx.auth.authenticate(request, kV1, caller)) return reply(std::move(*error));
  int64_t now = ctx.clock.now_seconds();
  std::shared_ptr<Conversation> conversation;
  std::string token;
  int64_t expires_in = ctx.options.token_ttl_s;
  if (caller.is_secret) {
    conversation = ctx.store.find_or_create(random_id(16), now).first;
    token = ctx.auth.issue_conversation_token(conversation->id, "", "");
  } else {
    ctx.store.erase_if_idle(caller.claims.conversation_id, now - ctx.options.idle_evict_s);
    conversation = ctx.store.find_or_create(caller.claims.conversation_id, now).first;
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
  ctx.activities.announce_start(conversation, [reply, body = std::move(body)]() mutable {
    reply(json_outcome(200, std::move(body)));
  });
}

void get_messages(Context &ctx, const RequestContext &request, Reply reply) {
  auto opened = ctx.open_conversation(request, kV1, reply);
  if (!opened) return;
  auto &[caller, conversation] = *opened;
  std::optional<uint64_t> watermark;
  if (!parse_watermark(request.query, watermark))
    return reply(error_outcome(400, "MalformedData", "Invalid watermark", kV1));
  // Parsed outside the lock: the page is copied first.
  std::vector<std::string> stored;
  uint64_t last = conversation->read_page(watermark, kPageSize,
                                          [&](const std::string &s) { stored.push_back(s); });
  json messages = json::array();
  for (const auto &s : stored) {
    json m;
    if (to_v1_message(s, m)) messages.push_back(std::move(m));
  }
  reply(json_outcome(200, dump_json(json{{"messages", messages}, {"watermark", std::to_string(last)}})));
}

void post_message(Context &ctx, const RequestContext &request, Reply reply) {
  auto opened = ctx.open_conversation(request, kV1, reply);
  if (!opened) return;
  auto &[caller, conversation] = *opened;
  if (request.msg.body().size() > 256 * 1024)
    return reply(error_outcome(400, "MalformedData", "The message exceeds 256K characters", kV1));
  json message;
  if (auto error = parse_json_body(request.msg.body(), message, kV1)) return reply(std::move(*error));
  if (!message.is_object())
    return reply(error_outcome(400, "MalformedData", "The message must be a JSON object", kV1));
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
  ctx.activities.post_user(conversation, std::move(activity), kV1, std::move(reply), true);
}

}  // namespace dlemu::v1
