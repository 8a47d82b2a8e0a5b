// Direct Line 3.0 endpoints (PROTOCOL.md section 1).
#include "log.hpp"
#include "multipart.hpp"
#include "service.hpp"
#include "util.hpp"

namespace dlemu {

namespace {
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
  if (auto error = parse_json_body(body, parsed, ApiVersion::v3)) return error;
  if (parsed.is_null()) return std::nullopt;
  if (!parsed.is_object())
    return error_outcome(400, "MalformedData", "The body must be a JSON object", ApiVersion::v3);
  if (const json *user = find_ci(parsed, "user"); user && user->is_object()) {
    out.user_id = string_field(*user, "id");
    out.user_name = string_field(*user, "name");
  }
  out.locale = string_field(parsed, "locale");
  return std::nullopt;
}

std::string conversation_body(const std::string &id, const std::string &token, int64_t expires_in,
                              const std::string *stream_url) {
  // Ids and tokens are URL-safe: no escaping needed on this hot path.
  std::string body = "{\"conversationId\":\"" + id + "\",\"token\":\"" + token +
                     "\",\"expires_in\":" + std::to_string(expires_in);
  if (stream_url) body += ",\"streamUrl\":\"" + *stream_url + "\"";
  body += "}";
  return body;
}

// watermark query: absent, empty or "-" mean none; otherwise a decimal sequence number.
bool read_watermark(const RequestContext &request, std::optional<uint64_t> &out) {
  auto it = request.query.find("watermark");
  if (it == request.query.end() || it->second.empty() || it->second == "-") return true;
  uint64_t v = 0;
  if (!parse_uint64(it->second, v)) return false;
  out = v;
  return true;
}
}  // namespace

void Service::on_generate(const RequestContext &request, Reply reply) {
  Caller caller;
  if (auto error = authenticate(request, ApiVersion::v3, caller)) return reply(std::move(*error));
  if (!caller.is_secret)
    return reply(error_outcome(403, "BadArgument", "Generating a token requires a secret", ApiVersion::v3));
  TokenParameters params;
  if (auto error = parse_token_parameters(request.msg.body(), params)) return reply(std::move(*error));
  std::string id = random_id(16);
  std::string token = issue_conversation_token(id, params.user_id, params.user_name);
  reply(json_outcome(200, conversation_body(id, token, options_.token_ttl_s, nullptr)));
}

void Service::on_refresh(const RequestContext &request, Reply reply) {
  Caller caller;
  if (auto error = authenticate(request, ApiVersion::v3, caller)) return reply(std::move(*error));
  if (caller.is_secret)
    return reply(error_outcome(403, "BadArgument", "Refresh requires a token, not a secret", ApiVersion::v3));
  const TokenClaims &c = caller.claims;
  std::string token = issue_conversation_token(c.conversation_id, c.user_id, c.user_name);
  reply(json_outcome(200, conversation_body(c.conversation_id, token, options_.token_ttl_s, nullptr)));
}

void Service::on_start(const RequestContext &request, Reply reply) {
  Caller caller;
  if (auto error = authenticate(request, ApiVersion::v3, caller)) return reply(std::move(*error));
  TokenParameters params;
  if (auto error = parse_token_parameters(request.msg.body(), params)) return reply(std::move(*error));
  std::shared_ptr<Conversation> conversation;
  std::string token;
  int64_t expires_in = options_.token_ttl_s;
  bool created = false;
  std::string user_id = params.user_id, user_name = params.user_name;
  int64_t now = clock_.now_seconds();
  if (caller.is_secret) {
    conversation = store_.find_or_create(random_id(16), now).first;
    token = issue_conversation_token(conversation->id, user_id, user_name);
    created = true;
  } else {
    user_id = caller.claims.user_id;
    user_name = caller.claims.user_name;
    store_.erase_if_idle(caller.claims.conversation_id, now - options_.idle_evict_s);
    conversation = store_.find_or_create(caller.claims.conversation_id, now).first;
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
  std::string url = stream_url(request, *conversation, user_id, replay_from, std::nullopt);
  std::string body = conversation_body(conversation->id, token, expires_in, &url);
  if (!created) return reply(json_outcome(200, std::move(body)));
  announce_start(conversation, [reply, body = std::move(body)]() mutable {
    reply(json_outcome(201, std::move(body)));
  });
}

void Service::on_reconnect(const RequestContext &request, Reply reply) {
  const std::string &id = request.route.params.at(0);
  Caller caller;
  std::shared_ptr<Conversation> conversation;
  if (auto error = open_conversation(request, id, ApiVersion::v3, caller, conversation))
    return reply(std::move(*error));
  std::optional<uint64_t> watermark;
  if (!read_watermark(request, watermark))
    return reply(error_outcome(400, "BadArgument", "Invalid watermark", ApiVersion::v3));
  uint64_t last;
  std::string user_id, user_name;
  {
    std::lock_guard<std::mutex> lock(conversation->mu);
    last = conversation->last_seq();
    user_id = conversation->user_id;
    user_name = conversation->user_name;
  }
  std::string token;
  int64_t expires_in = options_.token_ttl_s;
  if (caller.is_secret) {
    token = issue_conversation_token(id, user_id, user_name);
  } else {
    token = caller.token;
    expires_in = std::max<int64_t>(0, caller.claims.expires_at - clock_.now_seconds());
    user_id = caller.claims.user_id;
  }
  // Without a watermark only activities after this call are replayed (PROTOCOL 1.5.4).
  std::string url = stream_url(request, *conversation, user_id, last, watermark);
  reply(json_outcome(200, conversation_body(id, token, expires_in, &url)));
}

void Service::on_get_activities(const RequestContext &request, Reply reply) {
  const std::string &id = request.route.params.at(0);
  Caller caller;
  std::shared_ptr<Conversation> conversation;
  if (auto error = open_conversation(request, id, ApiVersion::v3, caller, conversation))
    return reply(std::move(*error));
  std::optional<uint64_t> watermark;
  if (!read_watermark(request, watermark))
    return reply(error_outcome(400, "BadArgument", "Invalid watermark", ApiVersion::v3));
  constexpr uint64_t kPage = 100;
  std::string body = "{\"activities\":[";
  uint64_t from = watermark.value_or(0), last = from;
  {
    std::lock_guard<std::mutex> lock(conversation->mu);
    const auto &log = conversation->log;
    uint64_t end = std::min<uint64_t>(log.size(), from + kPage);
    for (uint64_t seq = from + 1; seq <= end; ++seq) {
      if (seq > from + 1) body += ',';
      body += log[seq - 1];
      last = seq;
    }
  }
  body += "],\"watermark\":\"" + std::to_string(last) + "\"}";
  reply(json_outcome(200, std::move(body)));
}

void Service::on_post_activity(const RequestContext &request, Reply reply) {
  const std::string &id = request.route.params.at(0);
  Caller caller;
  std::shared_ptr<Conversation> conversation;
  if (auto error = open_conversation(request, id, ApiVersion::v3, caller, conversation))
    return reply(std::move(*error));
  const std::string &body = request.msg.body();
  if (body.size() > 256 * 1024)
    return reply(error_outcome(400, "MalformedData", "The activity exceeds 256K characters", ApiVersion::v3));
  json activity;
  if (auto error = parse_json_body(body, activity, ApiVersion::v3)) return reply(std::move(*error));
  if (!activity.is_object())
    return reply(error_outcome(400, "MalformedData", "The activity must be a JSON object", ApiVersion::v3));
  auto type = activity.find("type");
  if (type == activity.end() || !type->is_string() || type->get<std::string>().empty())
    return reply(error_outcome(400, "MissingProperty", "The activity has no type", ApiVersion::v3));
  auto from = activity.find("from");
  if (from != activity.end() && !from->is_object() && !from->is_null())
    return reply(error_outcome(400, "MalformedData", "from must be an object", ApiVersion::v3));
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
  post_user_activity(conversation, std::move(activity), ApiVersion::v3, std::move(reply), false);
}

void Service::on_session_id(const RequestContext &request, Reply reply) {
  Caller caller;
  if (auto error = authenticate(request, ApiVersion::v3, caller)) return reply(std::move(*error));
  reply(json_outcome(200, "{\"sessionId\":\"" + random_id(16) + "\"}"));
}

void Service::on_upload(const RequestContext &request, Reply reply, ApiVersion version) {
  const std::string &id = request.route.params.at(0);
  Caller caller;
  std::shared_ptr<Conversation> conversation;
  if (auto error = open_conversation(request, id, version, caller, conversation))
    return reply(std::move(*error));
  auto user_it = request.query.find("userId");
  std::string user_id = user_it == request.query.end() ? "" : user_it->second;
  if (user_id.empty() && !options_.lenient_upload)
    return reply(error_outcome(400, "MissingProperty", "The userId query parameter is required", version));
  if (!caller.is_secret && !caller.claims.user_id.empty()) user_id = caller.claims.user_id;
  if (user_id.empty()) {
    std::lock_guard<std::mutex> lock(conversation->mu);
    user_id = conversation->user_id.empty() ? "user" : conversation->user_id;
  }

  std::string content_type;
  if (auto it = request.msg.find(http::field::content_type); it != request.msg.end())
    content_type = std::string(it->value());
  std::vector<FormPart> parts;
  if (auto boundary = multipart_boundary(content_type)) {
    if (!parse_multipart(request.msg.body(), *boundary, parts))
      return reply(error_outcome(400, "MalformedData", "Malformed multipart body", version));
  } else {
    FormPart single;
    single.content_type = content_type.empty() ? "application/octet-stream" : content_type;
    if (auto it = request.msg.find(http::field::content_disposition); it != request.msg.end())
      single.filename = header_param(it->value(), "filename");
    single.data = request.msg.body();
    parts.push_back(std::move(single));
  }

  const char *activity_type = version == ApiVersion::v1 ? "application/vnd.microsoft.bot.message"
                                                        : "application/vnd.microsoft.activity";
  json activity = json{{"type", "message"}};
  json attachments = json::array();
  std::string base = public_base(request, false);
  for (auto &part : parts) {
    if (media_type(part.content_type) == activity_type) {
      json parsed;
      if (auto error = parse_json_body(part.data, parsed, version)) return reply(std::move(*error));
      if (!parsed.is_object())
        return reply(error_outcome(400, "MalformedData", "The activity part must be a JSON object", version));
      if (version == ApiVersion::v1) {
        // A 1.1 Message: text and channelData carry over.
        if (parsed.contains("text")) activity["text"] = parsed["text"];
        if (parsed.contains("channelData")) activity["channelData"] = parsed["channelData"];
      } else {
        activity = std::move(parsed);
        if (!activity.contains("type") || !activity["type"].is_string()) activity["type"] = "message";
        if (activity.contains("attachments") && activity["attachments"].is_array()) {
          // DirectLineJS lists the files here without contentUrl; the file parts replace them.
          json kept = json::array();
          for (auto &a : activity["attachments"])
            if (a.is_object() && (a.contains("contentUrl") || a.contains("content"))) kept.push_back(a);
          attachments = kept;
        }
      }
      continue;
    }
    std::string name = part.filename.empty() ? (part.name.empty() ? "file" : part.name) : part.filename;
    std::string type = part.content_type.empty() ? "application/octet-stream" : part.content_type;
    std::string file_id = attachments_.put(StoredFile{type, name, std::move(part.data)});
    std::string url = base + "/attachments/" + file_id + "/" + url_encode(name);
    attachments.push_back(json{{"contentType", type}, {"contentUrl", url}, {"name", name}});
  }
  activity["attachments"] = attachments;
  json from = activity.contains("from") && activity["from"].is_object() ? activity["from"] : json::object();
  from["id"] = user_id;
  if (!from.contains("role")) from["role"] = "user";
  activity["from"] = from;
  post_user_activity(conversation, std::move(activity), version, std::move(reply),
                     version == ApiVersion::v1);
}

void Service::on_attachment(const RequestContext &request, Reply reply) {
  auto file = attachments_.get(request.route.params.at(0));
  if (!file) return reply(error_outcome(404, "NotFound", "Unknown attachment", ApiVersion::v3));
  HttpResponse res{http::status::ok, 11};
  res.set(http::field::content_type, file->content_type);
  res.body() = file->data;
  res.prepare_payload();
  reply(Outcome{std::move(res)});
}

}  // namespace dlemu
