// The activity log: user activities in, bot activities out, and the frames each
// one produces on the conversation's WebSocket.
#include <boost/asio/post.hpp>

#include "log.hpp"
#include "service.hpp"
#include "util.hpp"

namespace dlemu {

namespace {
constexpr size_t kMaxActivityChars = 256 * 1024;
constexpr size_t kMaxLogBytes = 64u << 20;  // per conversation; bounds memory per conversation

std::shared_ptr<const std::string> activity_frame(const std::string &activity_json,
                                                  std::optional<uint64_t> watermark) {
  std::string frame = "{\"activities\":[" + activity_json + "]";
  if (watermark) frame += ",\"watermark\":\"" + std::to_string(*watermark) + "\"";
  frame += "}";
  return std::make_shared<const std::string>(std::move(frame));
}

void set_conversation(json &activity, const std::string &id) {
  auto it = activity.find("conversation");
  if (it == activity.end() || !it->is_object()) activity["conversation"] = json::object();
  activity["conversation"]["id"] = id;
}
}  // namespace

json Service::bot_account() const { return json{{"id", "bot"}, {"name", "Bot"}, {"role", "bot"}}; }

std::optional<Outcome> Service::append_user_activity(const std::shared_ptr<Conversation> &conversation,
                                                     json &activity, ApiVersion version,
                                                     std::string &id) {
  Conversation &c = *conversation;
  activity["channelId"] = "directline";
  activity["timestamp"] = iso_timestamp(clock_.now());
  set_conversation(activity, c.id);
  activity["recipient"] = bot_account();
  activity.erase("serviceUrl");
  std::lock_guard<std::mutex> lock(c.mu);
  if (c.ended && !options_.allow_post_after_end)
    return error_outcome(403, "NotAllowed", "The conversation has ended", version);
  if (activity.value("locale", "").empty() && !c.locale.empty()) activity["locale"] = c.locale;
  if (activity.value("type", "") == "typing") {
    // typing is never stored for GET, whoever sends it: streamed without a watermark.
    id = c.id + "|t" + std::to_string(++c.ephemeral_count);
    activity["id"] = id;
    if (c.socket) c.socket->send_frame(activity_frame(dump_json(activity), std::nullopt), true);
    return std::nullopt;
  }
  uint64_t seq = c.last_seq() + 1;
  id = activity_id(c.id, seq);
  activity["id"] = id;
  std::string text = dump_json(activity);
  if (text.size() > kMaxActivityChars)
    return error_outcome(400, "MalformedData", "The activity exceeds 256K characters", version);
  if (c.log_bytes + text.size() > kMaxLogBytes)
    return error_outcome(403, "NotAllowed", "The conversation is full", version);
  if (activity.value("type", "") == "endOfConversation") c.ended = true;
  c.log_bytes += text.size();
  c.log.push_back(text);
  activities_total_.fetch_add(1, std::memory_order_relaxed);
  if (c.socket) c.socket->send_frame(activity_frame(text, seq), true);
  return std::nullopt;
}

json Service::conversation_update(const std::shared_ptr<Conversation> &conversation,
                                  bool with_bot, bool with_user) {
  std::string user_id, user_name, locale;
  {
    std::lock_guard<std::mutex> lock(conversation->mu);
    user_id = conversation->user_id;
    user_name = conversation->user_name;
    locale = conversation->locale;
  }
  json user = {{"id", user_id.empty() ? conversation->id : user_id}, {"role", "user"}};
  if (!user_name.empty()) user["name"] = user_name;
  json members = json::array();
  if (with_bot) members.push_back(bot_account());
  if (with_user && !user_id.empty()) members.push_back(user);
  json update = {{"type", "conversationUpdate"},
                 {"id", conversation->id + "|cu" + random_id(6)},
                 {"timestamp", iso_timestamp(clock_.now())},
                 {"channelId", "directline"},
                 {"serviceUrl", base_url_ + "/"},
                 {"from", user},
                 {"recipient", bot_account()},
                 {"conversation", {{"id", conversation->id}}},
                 {"membersAdded", members}};
  if (!locale.empty()) update["locale"] = locale;
  return update;
}

void Service::announce_start(const std::shared_ptr<Conversation> &conversation,
                             std::function<void()> done) {
  if (!bot_->wants_conversation_updates()) return done();
  bool with_user;
  {
    std::lock_guard<std::mutex> lock(conversation->mu);
    with_user = !conversation->user_id.empty();
    if (with_user) conversation->bot_knows_user = true;
  }
  std::string id = conversation->id;
  bot_->deliver(conversation, conversation_update(conversation, true, with_user),
                [done, id](BotResult result) {
                  if (result.kind != BotResult::Kind::delivered)
                    log(LogLevel::warn, "bot did not accept conversationUpdate for a new conversation");
                  done();
                });
}

void Service::forward_to_bot(const std::shared_ptr<Conversation> &conversation, json activity,
                             BotDone done) {
  bool announce_user = false;
  if (bot_->wants_conversation_updates()) {
    std::lock_guard<std::mutex> lock(conversation->mu);
    if (!conversation->bot_knows_user) {
      conversation->bot_knows_user = true;
      if (conversation->user_id.empty() && activity.contains("from"))
        conversation->user_id = activity["from"].value("id", "");
      announce_user = true;
    }
  }
  activity["serviceUrl"] = base_url_ + "/";
  if (!announce_user) return bot_->deliver(conversation, std::move(activity), std::move(done));
  // A user the bot has not met yet: a conversationUpdate adding the user goes first.
  auto self = shared_from_this();
  json update = conversation_update(conversation, false, true);
  bot_->deliver(conversation, std::move(update),
                [self, conversation, activity = std::move(activity), done](BotResult) mutable {
                  self->bot_->deliver(conversation, std::move(activity), std::move(done));
                });
}

void Service::post_user_activity(const std::shared_ptr<Conversation> &conversation, json activity,
                                 ApiVersion version, Reply reply, bool v1_no_content) {
  std::string id;
  if (auto error = append_user_activity(conversation, activity, version, id))
    return reply(std::move(*error));
  const Options &o = options_;
  forward_to_bot(conversation, std::move(activity),
                 [reply, id, version, v1_no_content, &o](BotResult result) {
                   using K = BotResult::Kind;
                   if (result.kind == K::delivered) {
                     if (v1_no_content) {
                       HttpResponse res{http::status::no_content, 11};
                       res.prepare_payload();
                       return reply(Outcome{std::move(res)});
                     }
                     return reply(json_outcome(200, dump_json(json{{"id", id}})));
                   }
                   int status = version == ApiVersion::v1 ? o.v1_bot_error_status : 502;
                   std::string code = version == ApiVersion::v1 ? "ServiceError" : "BotError";
                   std::string message;
                   json error;
                   if (result.kind == K::rejected) {
                     if (version == ApiVersion::v3) code = "BotRejectedActivity";
                     message = "Failed to send activity: bot returned an error";
                   } else if (result.kind == K::timeout) {
                     if (version == ApiVersion::v3) status = o.bot_timeout_status;
                     message = "Failed to send activity: bot timed out";
                   } else {
                     message = "Failed to send activity: bot unreachable";
                   }
                   error = {{"code", code}, {"message", message}};
                   if (version == ApiVersion::v1) error["statusCode"] = status;
                   if (result.kind == K::rejected) {
                     json body = json::parse(result.body, nullptr, false);
                     if (body.is_discarded()) body = result.body.substr(0, 4096);
                     error["innerHttpError"] = {{"statusCode", result.status}, {"body", body}};
                   }
                   reply(json_outcome(status, dump_json(json{{"error", error}})));
                 });
}

std::string Service::bot_send(const std::shared_ptr<Conversation> &conversation, json activity,
                              const std::string &reply_to_id) {
  Conversation &c = *conversation;
  if (!activity.is_object()) activity = json::object();
  if (!activity.contains("type") || !activity["type"].is_string()) activity["type"] = "message";
  std::string type = activity["type"].get<std::string>();
  activity["channelId"] = "directline";
  activity["timestamp"] = iso_timestamp(clock_.now());
  set_conversation(activity, c.id);
  activity.erase("serviceUrl");
  auto from = activity.find("from");
  if (from == activity.end() || !from->is_object() || !from->contains("id")) {
    activity["from"] = bot_account();
  } else {
    if (!from->contains("name")) (*from)["name"] = "Bot";
    if (!from->contains("role")) (*from)["role"] = "bot";
  }
  if (!reply_to_id.empty() && !activity.contains("replyToId")) activity["replyToId"] = reply_to_id;

  std::lock_guard<std::mutex> lock(c.mu);
  c.touch(clock_.now_seconds());
  if (type == "conversationUpdate") {
    return c.id + "|cu" + random_id(6);  // never delivered to clients
  }
  if (type == "typing") {
    // Not stored (GET never returns typing): streamed in a set without a watermark.
    std::string id = c.id + "|t" + std::to_string(++c.ephemeral_count);
    activity["id"] = id;
    if (c.socket) c.socket->send_frame(activity_frame(dump_json(activity), std::nullopt), true);
    return id;
  }
  uint64_t seq = c.last_seq() + 1;
  std::string id = activity_id(c.id, seq);
  activity["id"] = id;
  std::string text = dump_json(activity);
  c.log_bytes += text.size();
  c.log.push_back(text);
  activities_total_.fetch_add(1, std::memory_order_relaxed);
  if (c.socket) c.socket->send_frame(activity_frame(text, seq), true);
  if (type == "endOfConversation") {
    c.ended = true;
    if (c.socket) {
      c.socket->close(1000, "conversation ended");  // queued after the frame above
      c.socket.reset();
      open_sockets.fetch_sub(1);
    }
  }
  return id;
}

}  // namespace dlemu
