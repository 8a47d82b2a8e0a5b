#include "activities.hpp"

#include "log.hpp"
#include "protocol/json_limits.hpp"
#include "util.hpp"

namespace dlemu {

namespace {
constexpr size_t kMaxActivityChars = 256 * 1024;
constexpr size_t kMaxLogBytes = 64u << 20;  // per conversation; bounds memory per conversation

// Stored activities are JSON we serialized ourselves, so frames are assembled from the text
// instead of parsing it again.
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

// typing is never stored (GET never returns it): streamed in a set without a watermark.
std::string stream_typing_locked(Conversation &c, json &activity) {
  std::string id = c.id + "|t" + std::to_string(++c.ephemeral_count);
  activity["id"] = id;
  if (c.socket) c.socket->send_frame(activity_frame(dump_json(activity), std::nullopt), true);
  return id;
}
}  // namespace

Activities::Activities(const Options &options, const Clock &clock, const std::string &base_url)
    : options_(options), clock_(clock), base_url_(base_url) {}

json Activities::bot_account() { return json{{"id", "bot"}, {"name", "Bot"}, {"role", "bot"}}; }

std::optional<Outcome> Activities::store_locked(Conversation &c, std::string text, ApiVersion version) {
  if (text.size() > kMaxActivityChars)
    return error_outcome(400, "MalformedData", "The activity exceeds 256K characters", version);
  if (c.log_bytes + text.size() > kMaxLogBytes)
    return error_outcome(403, "NotAllowed", "The conversation is full", version);
  c.log_bytes += text.size();
  c.log.push_back(std::move(text));
  stored_total_.fetch_add(1, std::memory_order_relaxed);
  if (c.socket) c.socket->send_frame(activity_frame(c.log.back(), c.last_seq()), true);
  return std::nullopt;
}

std::optional<Outcome> Activities::append_user(const std::shared_ptr<Conversation> &conversation,
                                               json &activity, ApiVersion version, std::string &id) {
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
    id = stream_typing_locked(c, activity);
    return std::nullopt;
  }
  id = activity_id(c.id, c.last_seq() + 1);
  activity["id"] = id;
  if (auto error = store_locked(c, dump_json(activity), version)) return error;
  if (activity.value("type", "") == "endOfConversation") c.ended = true;
  return std::nullopt;
}

json Activities::conversation_update(const std::shared_ptr<Conversation> &conversation,
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

void Activities::announce_start(const std::shared_ptr<Conversation> &conversation,
                                std::function<void()> done) {
  if (!bot_->wants_conversation_updates()) return done();
  bool with_user;
  {
    std::lock_guard<std::mutex> lock(conversation->mu);
    with_user = !conversation->user_id.empty();
    if (with_user) conversation->bot_knows_user = true;
  }
  bot_->deliver(conversation, conversation_update(conversation, true, with_user),
                [done](BotResult result) {
                  if (result.kind != BotResult::Kind::delivered)
                    log(LogLevel::warn, "bot did not accept conversationUpdate for a new conversation");
                  done();
                });
}

void Activities::forward_to_bot(const std::shared_ptr<Conversation> &conversation, json activity,
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
  json update = conversation_update(conversation, false, true);
  Bot *bot = bot_.get();
  bot->deliver(conversation, std::move(update),
               [bot, conversation, activity = std::move(activity), done](BotResult) mutable {
                 bot->deliver(conversation, std::move(activity), std::move(done));
               });
}

namespace {
// The POST's answer once the bot answered: the activity id, or the bot's failure in the
// version's terms.
Outcome post_outcome(const BotResult &result, const std::string &id, ApiVersion version,
                     bool v1_no_content, const Options &o) {
  using K = BotResult::Kind;
  if (result.kind == K::delivered) {
    if (v1_no_content) {
      HttpResponse res{http::status::no_content, 11};
      res.prepare_payload();
      return Outcome{std::move(res)};
    }
    return json_outcome(200, json{{"id", id}});
  }
  const bool v1 = version == ApiVersion::v1;
  int status = v1 ? o.v1_bot_error_status : 502;
  std::string code = v1 ? "ServiceError" : "BotError";
  std::string message;
  if (result.kind == K::rejected) {
    if (!v1) code = "BotRejectedActivity";
    message = "Failed to send activity: bot returned an error";
  } else if (result.kind == K::timeout) {
    if (!v1) status = o.bot_timeout_status;
    message = "Failed to send activity: bot timed out";
  } else {
    message = "Failed to send activity: bot unreachable";
  }
  json error = {{"code", code}, {"message", message}};
  if (v1) error["statusCode"] = status;
  if (result.kind == K::rejected) {
    // The bot's body is untrusted: JSON within the nesting limit, else a prefix of the text.
    auto body = directline::json_limits::parse_untrusted<json>(result.body);
    error["innerHttpError"] = {{"statusCode", result.status},
                               {"body", body ? std::move(*body) : json(result.body.substr(0, 4096))}};
  }
  return json_outcome(status, json{{"error", error}});
}
}  // namespace

void Activities::post_user(const std::shared_ptr<Conversation> &conversation, json activity,
                           ApiVersion version, Reply reply, bool v1_no_content) {
  std::string id;
  if (auto error = append_user(conversation, activity, version, id)) return reply(std::move(*error));
  const Options &o = options_;
  forward_to_bot(conversation, std::move(activity),
                 [reply, id, version, v1_no_content, &o](BotResult result) {
                   reply(post_outcome(result, id, version, v1_no_content, o));
                 });
}

std::optional<Outcome> Activities::bot_send(const std::shared_ptr<Conversation> &conversation,
                                            json activity, const std::string &reply_to_id,
                                            std::string &id, bool even_after_end) {
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

  constexpr ApiVersion v = ApiVersion::v3;
  std::lock_guard<std::mutex> lock(c.mu);
  c.touch(clock_.now_seconds());
  if (c.ended && !even_after_end && !options_.allow_post_after_end)
    return error_outcome(403, "NotAllowed", "The conversation has ended", v);
  if (type == "conversationUpdate") {
    id = c.id + "|cu" + random_id(6);  // never delivered to clients
    return std::nullopt;
  }
  if (type == "typing") {
    id = stream_typing_locked(c, activity);
    return std::nullopt;
  }
  std::string new_id = activity_id(c.id, c.last_seq() + 1);
  activity["id"] = new_id;
  if (auto error = store_locked(c, dump_json(activity), v)) return error;
  id = std::move(new_id);
  if (type == "endOfConversation") {
    c.ended = true;
    if (c.socket) {
      c.socket->close(1000, "conversation ended");  // queued after the frame above
      c.socket.reset();
      open_sockets_.fetch_sub(1);
    }
  }
  return std::nullopt;
}

bool Activities::attach_stream(const StreamGrant &grant, const std::shared_ptr<StreamSink> &sink) {
  Conversation &c = *grant.conversation;
  std::shared_ptr<StreamSink> loser;
  {
    std::lock_guard<std::mutex> lock(c.mu);
    if (c.socket && !options_.collision_close_older) {
      loser = sink;
    } else {
      if (c.socket) loser = c.socket;
      else open_sockets_.fetch_add(1);
      c.socket = sink;
      for (uint64_t seq = grant.replay_from + 1; seq <= c.last_seq(); ++seq)
        sink->send_frame(activity_frame(c.log[seq - 1], seq), true);
      if (c.ended) {
        sink->close(1000, "conversation ended");
        c.socket.reset();
        open_sockets_.fetch_sub(1);
      }
    }
    // Closing only queues a close frame: safe under the lock, keeps it after replay.
    if (loser) loser->close(1008, "collision");
  }
  c.touch(clock_.now_seconds());
  return loser != sink;
}

void Activities::detach_stream(Conversation &conversation, const StreamSink *sink) {
  std::lock_guard<std::mutex> lock(conversation.mu);
  if (conversation.socket.get() == sink) {
    conversation.socket.reset();
    open_sockets_.fetch_sub(1);
  }
  conversation.touch(clock_.now_seconds());
}

bool Activities::drop_stream(Conversation &conversation, uint16_t code, const std::string &reason) {
  std::lock_guard<std::mutex> lock(conversation.mu);
  if (!conversation.socket) return false;
  conversation.socket->close(code, reason);
  conversation.socket.reset();
  open_sockets_.fetch_sub(1);
  return true;
}

}  // namespace dlemu
