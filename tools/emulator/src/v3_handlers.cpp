#include "v3_handlers.hpp"

#include "util.hpp"

namespace dlemu::v3 {

namespace {
constexpr ApiVersion kV3 = ApiVersion::v3;

struct TokenParameters {
  std::string user_id, user_name, locale;
};

const json *find_ci(const json &object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  for (auto it = object.begin(); it != object.end(); ++it)
    if (iequals(it.key(), key)) return &it.value();
  return nullptr;
}

std::string string_field(const json &object, std::string_view key) {
  const json *v = find_ci(object, key);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

// TokenParameters / DirectLineJS start bodies; keys matched case-insensitively.
std::optional<Outcome> parse_token_parameters(const std::string &body, TokenParameters &out) {
  if (trim(body).empty()) return std::nullopt;
  json parsed;
  if (auto error = parse_json_body(body, parsed, kV3)) return error;
  if (parsed.is_null()) return std::nullopt;
  if (!parsed.is_object())
    return error_outcome(400, "MalformedData", "The body must be a JSON object", kV3);
  if (const json *user = find_ci(parsed, "user"); user && user->is_object()) {
    out.user_id = string_field(*user, "id");
    out.user_name = string_field(*user, "name");
  }
  out.locale = string_field(parsed, "locale");
  return std::nullopt;
}

json conversation_body(const std::string &id, const std::string &token, int64_t expires_in,
                       const std::string *stream_url) {
  json body = {{"conversationId", id}, {"token", token}, {"expires_in", expires_in}};
  if (stream_url) body["streamUrl"] = *stream_url;
  return body;
}

Outcome bad_watermark() { return error_outcome(400, "BadArgument", "Invalid watermark", kV3); }
}  // namespace

void generate(Context &ctx, const RequestContext &request, Reply reply) {
  Caller caller;
  if (auto error = ctx.auth.authenticate(request, kV3, caller)) return reply(std::move(*error));
  if (!caller.is_secret)
    return reply(error_outcome(403, "BadArgument", "Generating a token requires a secret", kV3));
  TokenParameters params;
  if (auto error = parse_token_parameters(request.msg.body(), params)) return reply(std::move(*error));
  std::string id = random_id(16);
  std::string token = ctx.auth.issue_conversation_token(id, params.user_id, params.user_name);
  reply(json_outcome(200, conversation_body(id, token, ctx.options.token_ttl_s, nullptr)));
}

void refresh(Context &ctx, const RequestContext &request, Reply reply) {
  Caller caller;
  if (auto error = ctx.auth.authenticate(request, kV3, caller)) return reply(std::move(*error));
  if (caller.is_secret)
    return reply(error_outcome(403, "BadArgument", "Refresh requires a token, not a secret", kV3));
  const TokenClaims &c = caller.claims;
  std::string token = ctx.auth.issue_conversation_token(c.conversation_id, c.user_id, c.user_name);
  reply(json_outcome(200, conversation_body(c.conversation_id, token, ctx.options.token_ttl_s, nullptr)));
}

void start(Context &ctx, const RequestContext &request, Reply reply) {
  Caller caller;
  if (auto error = ctx.auth.authenticate(request, kV3, caller)) return reply(std::move(*error));
  TokenParameters params;
  if (auto error = parse_token_parameters(request.msg.body(), params)) return reply(std::move(*error));
  std::shared_ptr<Conversation> conversation;
  std::string token;
  int64_t expires_in = ctx.options.token_ttl_s;
  bool created = false;
  std::string user_id = params.user_id, user_name = params.user_name;
  int64_t now = ctx.clock.now_seconds();
  if (caller.is_secret) {
    conversation = ctx.store.find_or_create(random_id(16), now).first;
    token = ctx.auth.issue_conversation_token(conversation->id, user_id, user_name);
  } else {
    user_id = caller.claims.user_id;
    user_name = caller.claims.user_name;
    ctx.store.erase_if_idle(caller.claims.conversation_id, now - ctx.options.idle_evict_s);
    conversation = ctx.store.find_or_create(caller.claims.conversation_id, now).first;
    token = caller.token;
    expires_in = std::max<int64_t>(0, caller.claims.expires_at - now);
  }
  uint64_t replay_from = 0;
  {
    std::lock_guard<std::mutex> lock(conversation->mu);
    if (!conversation->started) {
      conversation->started = true;
      conversation->user_id = user_id;
      conversation->user_name = user_name;
      conversation->locale = params.locale;
      created = true;
    } else {
      replay_from = conversation->last_seq();
    }
  }
  conversation->touch(now);
  std::string url = ctx.stream_url(request, *conversation, user_id, replay_from);
  std::string body = dump_json(conversation_body(conversation->id, token, expires_in, &url));
  if (!created) return reply(json_outcome(200, std::move(body)));
  ctx.activities.announce_start(conversation, [reply, body = std::move(body)]() mutable {
    reply(json_outcome(201, std::move(body)));
  });
}

void reconnect(Context &ctx, const RequestContext &request, Reply reply) {
  auto opened = ctx.open_conversation(request, kV3, reply);
  if (!opened) return;
  auto &[caller, conversation] = *opened;
  std::optional<uint64_t> watermark;
  if (!parse_watermark(request.query, watermark)) return reply(bad_watermark());
  uint64_t last;
  std::string user_id, user_name;
  {
    std::lock_guard<std::mutex> lock(conversation->mu);
    last = conversation->last_seq();
    user_id = conversation->user_id;
    user_name = conversation->user_name;
  }
  std::string token;
  int64_t expires_in = ctx.options.token_ttl_s;
  if (caller.is_secret) {
    token = ctx.auth.issue_conversation_token(conversation->id, user_id, user_name);
  } else {
    token = caller.token;
    expires_in = std::max<int64_t>(0, caller.claims.expires_at - ctx.clock.now_seconds());
    user_id = caller.claims.user_id;
  }
  // Without a watermark only activities after this call are replayed.
  std::string url = ctx.stream_url(request, *conversation, user_id, watermark.value_or(last));
  reply(json_outcome(200, conversation_body(conversation->id, token, expires_in, &url)));
}

void get_activities(Context &ctx, const RequestContext &request, Reply reply) {
  auto opened = ctx.open_conversation(request, kV3, reply);
  if (!opened) return;
  auto &[caller, conversation] = *opened;
  std::optional<uint64_t> watermark;
  if (!parse_watermark(request.query, watermark)) return reply(bad_watermark());
  // Stored activities are JSON we serialized: the set is assembled without parsing them.
  std::string body = "{\"activities\":[";
  bool first = true;
  uint64_t last = conversation->read_page(watermark, kPageSize, [&](const std::string &stored) {
    if (!first) body += ',';
    body += stored;
    first = false;
  });
  body += "],\"watermark\":\"" + std::to_string(last) + "\"}";
  reply(json_outcome(200, std::move(body)));
}

void post_activity(Context &ctx, const RequestContext &request, Reply reply) {
  auto opened = ctx.open_conversation(request, kV3, reply);
  if (!opened) return;
  auto &[caller, conversation] = *opened;
  const std::string &body = request.msg.body();
  if (body.size() > 256 * 1024)
    return reply(error_outcome(400, "MalformedData", "The activity exceeds 256K characters", kV3));
  json activity;
  if (auto error = parse_json_body(body, activity, kV3)) return reply(std::move(*error));
  if (!activity.is_object())
    return reply(error_outcome(400, "MalformedData", "The activity must be a JSON object", kV3));
  auto type = activity.find("type");
  if (type == activity.end() || !type->is_string() || type->get<std::string>().empty())
    return reply(error_outcome(400, "MissingProperty", "The activity has no type", kV3));
  auto from = activity.find("from");
  if (from != activity.end() && !from->is_object() && !from->is_null())
    return reply(error_outcome(400, "MalformedData", "from must be an object", kV3));
  if (from == activity.end() || !from->is_object()) activity["from"] = json::object();
  json &sender = activity["from"];
  if (!caller.is_secret && !caller.claims.user_id.empty()) {
    // A user bound into the token wins over whatever the client claims.
    sender["id"] = caller.claims.user_id;
    if (!caller.claims.user_name.empty() && !sender.contains("name"))
      sender["name"] = caller.claims.user_name;
  } else if (!sender.contains("id") || !sender["id"].is_string()) {
    std::lock_guard<std::mutex> lock(conversation->mu);
    sender["id"] = conversation->user_id.empty() ? "user" : conversation->user_id;
  }
  if (!sender.contains("role")) sender["role"] = "user";
  ctx.activities.post_user(conversation, std::move(activity), kV3, std::move(reply), false);
}

void session_id(Context &ctx, const RequestContext &request, Reply reply) {
  Caller caller;
  if (auto error = ctx.auth.authenticate(request, kV3, caller)) return reply(std::move(*error));
  reply(json_outcome(200, json{{"sessionId", random_id(16)}}));
}

std::optional<Outcome> authorize_stream(Context &ctx, const RequestContext &request, StreamGrant &grant) {
  const std::string &id = request.route.params.at(0);
  if (auto fault = ctx.faults.match("stream")) {
    switch (fault->action) {
      case FaultAction::status: return injected_status(fault->status, fault->retry_after_s, kV3);
      case FaultAction::drop:
      case FaultAction::lose_response:
      case FaultAction::truncate: {
        Outcome out = error_outcome(500, "InjectedFault", "Injected fault", kV3);
        out.delivery = fault->action == FaultAction::truncate ? Delivery::truncate : Delivery::drop;
        return out;
      }
      case FaultAction::delay: grant.delay_ms = fault->delay_ms; break;
      case FaultAction::ws_close_after: grant.ws_close_after = fault->ws_close_after; break;
    }
  }
  auto t = request.query.find("t");
  if (t == request.query.end() || t->second.empty())
    return error_outcome(401, "BadArgument", "Missing stream token", kV3);
  TokenClaims claims;
  TokenCheck check = ctx.auth.verify(t->second, claims);
  if (check == TokenCheck::expired)
    return error_outcome(403, "TokenExpired", "Stream URL expired; reconnect to get a new one", kV3);
  if (check != TokenCheck::ok || claims.kind != TokenKind::stream || claims.conversation_id != id)
    return error_outcome(403, "BadArgument", "Invalid stream token", kV3);
  grant.conversation = ctx.find_conversation(id);
  if (!grant.conversation) return error_outcome(404, "BadArgument", "Unknown conversation", kV3);
  grant.replay_from = claims.replay_from;
  auto w = request.query.find("watermark");
  uint64_t wm = 0;
  if (w != request.query.end() && parse_uint64(w->second, wm)) grant.replay_from = wm;
  return std::nullopt;
}

}  // namespace dlemu::v3
