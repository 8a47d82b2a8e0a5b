#include "service.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "log.hpp"
#include "remote_bot.hpp"
#include "util.hpp"

namespace dlemu {

namespace {
constexpr size_t kAttachmentBytes = 64u << 20;
constexpr int kMaxJsonDepth = 64;

// Depth of brackets outside strings; guards the recursive JSON serializer.
int json_depth(std::string_view text) {
  int depth = 0, max_depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      max_depth = std::max(max_depth, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return max_depth;
}
}  // namespace

// The built-in bot: on every user message it sends typing, then "echo: <text>".
class EchoBot : public Bot {
 public:
  explicit EchoBot(Service &service) : service_(service) {}
  void deliver(const std::shared_ptr<Conversation> &conversation, json activity,
               BotDone done) override {
    if (activity.value("type", "") == "message") {
      std::string reply_to = activity.value("id", "");
      std::string text;
      if (auto it = activity.find("text"); it != activity.end() && it->is_string())
        text = it->get<std::string>();
      service_.bot_send(conversation, json{{"type", "typing"}}, reply_to);
      service_.bot_send(conversation, json{{"type", "message"}, {"text", "echo: " + text}},
                        reply_to);
    }
    done(BotResult{BotResult::Kind::delivered, 200, {}});
  }
  bool wants_conversation_updates() const override { return false; }

 private:
  Service &service_;
};

std::string dump_json(const json &value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

HttpResponse json_response(http::status status, std::string body, unsigned version) {
  HttpResponse res{status, version};
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Outcome json_outcome(int status, std::string body) {
  return Outcome{json_response(static_cast<http::status>(status), std::move(body))};
}

Outcome error_outcome(int status, const std::string &code, const std::string &message,
                      ApiVersion version) {
  json error = {{"code", code}, {"message", message}};
  if (version == ApiVersion::v1) error["statusCode"] = status;
  return json_outcome(status, dump_json(json{{"error", error}}));
}

std::optional<Outcome> parse_json_body(const std::string &body, json &out, ApiVersion version) {
  if (json_depth(body) > kMaxJsonDepth)
    return error_outcome(400, "MalformedData", "JSON nesting is too deep", version);
  out = json::parse(body, nullptr, false);
  if (out.is_discarded())
    return error_outcome(400, "MalformedData", "The request body is not valid JSON", version);
  return std::nullopt;
}

Service::Service(const Options &options, boost::asio::io_context &io)
    : options_(options), io_(io), faults_(options.seed), attachments_(kAttachmentBytes) {
  for (const auto &s : options.secrets) secrets_.add(s);
  for (const auto &spec : options.faults) {
    FaultRule rule;
    std::string error;
    if (!parse_fault_spec(spec, rule, error)) throw std::invalid_argument("--fault: " + error);
    faults_.add(rule);
  }
  if (options.bot == "echo") bot_ = std::make_unique<EchoBot>(*this);
  else bot_ = make_remote_bot(io, options.bot, options.bot_timeout_ms);
}

void Service::handle(std::shared_ptr<RequestContext> request, Reply reply) {
  const RouteMatch &route = request->route;
  if (route.id == RouteId::none) {
    if (!route.allow.empty()) {
      bool v1 = request->path.rfind("/api/", 0) == 0;
      Outcome out = error_outcome(405, v1 ? "NotSupported" : "BadArgument", "Method not allowed",
                                  v1 ? ApiVersion::v1 : ApiVersion::v3);
      out.res.set(http::field::allow, route.allow);
      return reply(std::move(out));
    }
    return reply(error_outcome(404, "NotFound", "No such resource",
                               request->path.rfind("/api/", 0) == 0 ? ApiVersion::v1 : ApiVersion::v3));
  }
  if (route.is_admin() && (!options_.admin || !request->loopback_peer))
    return reply(error_outcome(404, "NotFound", "No such resource", ApiVersion::v3));

  std::optional<FaultHit> fault;
  if (route.fault_name) fault = faults_.match(route.fault_name);
  if (!fault) return dispatch(std::move(request), std::move(reply));

  ApiVersion version = route.is_v1() ? ApiVersion::v1 : ApiVersion::v3;
  switch (fault->action) {
    case FaultAction::status: {
      Outcome out = error_outcome(fault->status, "InjectedFault",
                                  "Injected fault: status " + std::to_string(fault->status), version);
      if (fault->status == 429)
        out.res.set(http::field::retry_after, std::to_string(fault->retry_after_s));
      return reply(std::move(out));
    }
    case FaultAction::delay: {
      auto timer = std::make_shared<boost::asio::steady_timer>(io_);
      timer->expires_after(std::chrono::milliseconds(fault->delay_ms));
      auto self = shared_from_this();
      timer->async_wait([self, timer, request, reply](boost::system::error_code) mutable {
        self->dispatch(std::move(request), std::move(reply));
      });
      return;
    }
    case FaultAction::drop: {
      Outcome out;
      out.delivery = Delivery::drop;
      return reply(std::move(out));
    }
    case FaultAction::truncate:
    case FaultAction::lose_response: {
      const Delivery delivery =
          fault->action == FaultAction::truncate ? Delivery::truncate : Delivery::drop;
      return dispatch(std::move(request), [reply, delivery](Outcome out) {
        out.delivery = delivery;
        reply(std::move(out));
      });
    }
    case FaultAction::ws_close_after:
      return dispatch(std::move(request), std::move(reply));  // not an HTTP fault
  }
}

void Service::dispatch(std::shared_ptr<RequestContext> request, Reply reply) {
  const RequestContext &r = *request;
  // `request` stays alive in the reply chain for asynchronous handlers.
  Reply keep = [request, reply](Outcome out) { reply(std::move(out)); };
  try {
    switch (r.route.id) {
      case RouteId::generate: return on_generate(r, keep);
      case RouteId::refresh: return on_refresh(r, keep);
      case RouteId::start: return on_start(r, keep);
      case RouteId::reconnect: return on_reconnect(r, keep);
      case RouteId::get_activities: return on_get_activities(r, keep);
      case RouteId::post_activity: return on_post_activity(r, keep);
      case RouteId::upload: return on_upload(r, keep, ApiVersion::v3);
      case RouteId::session_id: return on_session_id(r, keep);
      case RouteId::stream:
        return keep(error_outcome(400, "BadArgument", "The stream requires a WebSocket upgrade",
                                  ApiVersion::v3));
      case RouteId::v1_token: return on_v1_token(r, keep);
      case RouteId::v1_renew: return on_v1_renew(r, keep);
      case RouteId::v1_start: return on_v1_start(r, keep);
      case RouteId::v1_get_messages: return on_v1_get_messages(r, keep);
      case RouteId::v1_post_message: return on_v1_post_message(r, keep);
      case RouteId::v1_upload: return on_upload(r, keep, ApiVersion::v1);
      case RouteId::bot_post_activity:
      case RouteId::bot_reply_activity:
      case RouteId::bot_update_activity:
      case RouteId::bot_delete_activity: return on_bot_activity(r, keep);
      case RouteId::bot_get_members:
      case RouteId::bot_get_activity_members: return on_bot_members(r, keep);
      case RouteId::attachment: return on_attachment(r, keep);
      default: return on_admin(r, keep);
    }
  } catch (const std::exception &e) {
    log(LogLevel::error, "internal error: ", e.what());
    keep(error_outcome(500, "Internal", "Internal emulator error",
                       r.route.is_v1() ? ApiVersion::v1 : ApiVersion::v3));
  }
}

std::optional<Outcome> Service::authenticate(const RequestContext &request, ApiVersion version,
                                             Caller &caller) {
  // 1.1 errors use its own code enum (PROTOCOL 2.2); TokenExpired stays for both versions.
  const bool v1 = version == ApiVersion::v1;
  auto it = request.msg.find(http::field::authorization);
  if (it == request.msg.end())
    return error_outcome(401, v1 ? "MissingProperty" : "BadArgument", "Missing token or secret", version);
  std::string_view value = trim(it->value());
  size_t space = value.find(' ');
  std::string_view scheme = value.substr(0, space);
  std::string_view credential =
      space == std::string_view::npos ? std::string_view{} : trim(value.substr(space + 1));
  bool scheme_ok = iequals(scheme, "Bearer") ||
                   (version == ApiVersion::v1 && iequals(scheme, "BotConnector"));
  if (!scheme_ok || credential.empty() || credential.find(' ') != std::string_view::npos)
    return error_outcome(401, v1 ? "MalformedData" : "BadArgument", "Malformed Authorization header", version);
  if (secrets_.contains(credential)) {
    caller.is_secret = true;
    return std::nullopt;
  }
  TokenClaims claims;
  TokenCheck check = tokens_.verify(credential, clock_.now_seconds(), claims);
  if (check == TokenCheck::ok && claims.kind != TokenKind::conversation) check = TokenCheck::invalid;
  if (check == TokenCheck::invalid)
    return error_outcome(403, v1 ? "NotAllowed" : "BadArgument", "Unknown token or secret", version);
  if (check == TokenCheck::expired)
    return error_outcome(403, "TokenExpired", "Token expired", version);
  caller.is_secret = false;
  caller.claims = std::move(claims);
  caller.token = std::string(credential);
  return std::nullopt;
}

std::optional<Outcome> Service::authorize_conversation(const Caller &caller, const std::string &id,
                                                       ApiVersion version) {
  if (caller.is_secret || caller.claims.conversation_id == id) return std::nullopt;
  return error_outcome(403, version == ApiVersion::v1 ? "NotAllowed" : "BadArgument",
                       "The token is not valid for this conversation", version);
}

std::shared_ptr<Conversation> Service::find_conversation(const std::string &id) {
  int64_t now = clock_.now_seconds();
  // Idle beyond --idle-evict counts as gone even before the periodic sweep runs.
  store_.erase_if_idle(id, now - options_.idle_evict_s);
  auto conversation = store_.find(id);
  if (conversation) conversation->touch(now);
  return conversation;
}

std::optional<Outcome> Service::open_conversation(const RequestContext &request, const std::string &id,
                                                  ApiVersion version, Caller &caller,
                                                  std::shared_ptr<Conversation> &conversation) {
  if (auto error = authenticate(request, version, caller)) return error;
  if (auto error = authorize_conversation(caller, id, version)) return error;
  conversation = find_conversation(id);
  if (conversation) return std::nullopt;
  // 1.1 has a NotFound code (PROTOCOL 2.2); 3.0 reports an unknown id as BadArgument.
  return error_outcome(404, version == ApiVersion::v1 ? "NotFound" : "BadArgument",
                       "Unknown conversation", version);
}

void Service::evict_idle() {
  size_t n = store_.evict_idle(clock_.now_seconds() - options_.idle_evict_s);
  if (n) log(LogLevel::info, "evicted ", n, " idle conversations");
}

std::string Service::issue_conversation_token(const std::string &conversation_id,
                                              const std::string &user_id,
                                              const std::string &user_name) {
  TokenClaims claims;
  claims.kind = TokenKind::conversation;
  claims.conversation_id = conversation_id;
  claims.user_id = user_id;
  claims.user_name = user_name;
  claims.expires_at = clock_.now_seconds() + options_.token_ttl_s;
  return tokens_.issue(claims);
}

std::string Service::public_base(const RequestContext &request, bool websocket) const {
  std::string scheme = websocket ? (request.tls ? "wss" : "ws") : (request.tls ? "https" : "http");
  auto it = request.msg.find(http::field::host);
  std::string host;
  if (it != request.msg.end()) host = std::string(trim(it->value()));
  // The Host header decides (works behind a port forward) unless it is unusable.
  bool usable = !host.empty() && host.size() < 256 &&
                host.find_first_of("/\\ ?#@\"<>") == std::string::npos;
  if (!usable) {
    std::string base = base_url_;
    return scheme + base.substr(base.find(':'));
  }
  return scheme + "://" + host;
}

std::string Service::stream_url(const RequestContext &request, const Conversation &conversation,
                                const std::string &user_id, uint64_t replay_from,
                                std::optional<uint64_t> watermark) {
  TokenClaims claims;
  claims.kind = TokenKind::stream;
  claims.conversation_id = conversation.id;
  claims.user_id = user_id;
  claims.expires_at = clock_.now_seconds() + options_.stream_url_ttl_s;
  claims.replay_from = watermark.value_or(replay_from);
  std::string url = public_base(request, true) + "/v3/directline/conversations/" +
                    url_encode(conversation.id) + "/stream?watermark=" +
                    std::to_string(claims.replay_from) + "&t=" + tokens_.issue(claims);
  return url;
}

std::optional<Outcome> Service::authorize_stream(const RequestContext &request, StreamGrant &grant) {
  const std::string &id = request.route.params.at(0);
  if (auto fault = faults_.match("stream")) {
    switch (fault->action) {
      case FaultAction::status: {
        Outcome out = error_outcome(fault->status, "InjectedFault",
                                    "Injected fault: status " + std::to_string(fault->status),
                                    ApiVersion::v3);
        if (fault->status == 429)
          out.res.set(http::field::retry_after, std::to_string(fault->retry_after_s));
        return out;
      }
      case FaultAction::drop:
      case FaultAction::lose_response:
      case FaultAction::truncate: {
        Outcome out = error_outcome(500, "InjectedFault", "Injected fault", ApiVersion::v3);
        out.delivery = fault->action == FaultAction::truncate ? Delivery::truncate : Delivery::drop;
        return out;
      }
      case FaultAction::delay: grant.delay_ms = fault->delay_ms; break;
      case FaultAction::ws_close_after: grant.ws_close_after = fault->ws_close_after; break;
    }
  }
  auto t = request.query.find("t");
  if (t == request.query.end() || t->second.empty())
    return error_outcome(401, "BadArgument", "Missing stream token", ApiVersion::v3);
  TokenClaims claims;
  TokenCheck check = tokens_.verify(t->second, clock_.now_seconds(), claims);
  if (check == TokenCheck::expired)
    return error_outcome(403, "TokenExpired", "Stream URL expired; reconnect to get a new one",
                         ApiVersion::v3);
  if (check != TokenCheck::ok || claims.kind != TokenKind::stream || claims.conversation_id != id)
    return error_outcome(403, "BadArgument", "Invalid stream token", ApiVersion::v3);
  grant.conversation = find_conversation(id);
  if (!grant.conversation)
    return error_outcome(404, "BadArgument", "Unknown conversation", ApiVersion::v3);
  grant.replay_from = claims.replay_from;
  auto w = request.query.find("watermark");
  uint64_t wm = 0;
  if (w != request.query.end() && parse_uint64(w->second, wm)) grant.replay_from = wm;
  return std::nullopt;
}

bool Service::attach_stream(const StreamGrant &grant, const std::shared_ptr<StreamSink> &sink) {
  Conversation &c = *grant.conversation;
  std::shared_ptr<StreamSink> loser;
  {
    std::lock_guard<std::mutex> lock(c.mu);
    if (c.socket && !options_.collision_close_older) {
      loser = sink;
    } else {
      if (c.socket) loser = c.socket;
      else open_sockets.fetch_add(1);
      c.socket = sink;
      for (uint64_t seq = grant.replay_from + 1; seq <= c.last_seq(); ++seq) {
        auto frame = std::make_shared<const std::string>(
            "{\"activities\":[" + c.log[seq - 1] + "],\"watermark\":\"" + std::to_string(seq) + "\"}");
        sink->send_frame(std::move(frame), true);
      }
      if (c.ended) {
        sink->close(1000, "conversation ended");
        c.socket.reset();
        open_sockets.fetch_sub(1);
      }
    }
    // Closing only queues a close frame: safe under the lock, keeps it after replay.
    if (loser) loser->close(1008, "collision");
  }
  c.touch(clock_.now_seconds());
  return loser != sink;
}

void Service::detach_stream(Conversation &conversation, const StreamSink *sink) {
  std::lock_guard<std::mutex> lock(conversation.mu);
  if (conversation.socket.get() == sink) {
    conversation.socket.reset();
    open_sockets.fetch_sub(1);
  }
  conversation.touch(clock_.now_seconds());
}

}  // namespace dlemu
