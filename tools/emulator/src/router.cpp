#include "router.hpp"

#include "http_types.hpp"
#include "util.hpp"

namespace dlemu {

namespace http = boost::beast::http;

namespace {
std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> segments;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view seg = path.substr(0, slash);
    if (!seg.empty()) segments.push_back(url_decode(seg, false));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

// One path pattern ("*" = parameter) with the routes per method.
struct Pattern {
  std::vector<const char *> parts;
  struct Entry {
    http::verb method;
    RouteId id;
    const char *fault;
  };
  std::vector<Entry> entries;
};

const std::vector<Pattern> &patterns() {
  using V = http::verb;
  static const std::vector<Pattern> table = {
      {{"v3", "directline", "tokens", "generate"}, {{V::post, RouteId::generate, "generate"}}},
      {{"v3", "directline", "tokens", "refresh"}, {{V::post, RouteId::refresh, "refresh"}}},
      {{"v3", "directline", "conversations"}, {{V::post, RouteId::start, "start"}}},
      {{"v3", "directline", "conversations", "*"}, {{V::get, RouteId::reconnect, "reconnect"}}},
      {{"v3", "directline", "conversations", "*", "activities"},
       {{V::get, RouteId::get_activities, "get-activities"},
        {V::post, RouteId::post_activity, "post-activity"}}},
      {{"v3", "directline", "conversations", "*", "upload"}, {{V::post, RouteId::upload, "upload"}}},
      {{"v3", "directline", "conversations", "*", "stream"}, {{V::get, RouteId::stream, "stream"}}},
      {{"v3", "directline", "session", "getsessionid"},
       {{V::get, RouteId::session_id, "sessionid"}}},
      {{"api", "tokens", "conversation"}, {{V::post, RouteId::v1_token, "v1-token"}}},
      {{"api", "tokens"}, {{V::get, RouteId::v1_token, "v1-token"}}},
      {{"api", "tokens", "*", "renew"},
       {{V::get, RouteId::v1_renew, "v1-renew"}, {V::post, RouteId::v1_renew, "v1-renew"}}},
      {{"api", "conversations"}, {{V::post, RouteId::v1_start, "v1-start"}}},
      {{"api", "conversations", "*", "messages"},
       {{V::get, RouteId::v1_get_messages, "v1-get-messages"},
        {V::post, RouteId::v1_post_message, "v1-post-message"}}},
      {{"api", "conversations", "*", "upload"}, {{V::post, RouteId::v1_upload, "v1-upload"}}},
      {{"v3", "conversations", "*", "activities"},
       {{V::post, RouteId::bot_post_activity, "bot-reply"}}},
      {{"v3", "conversations", "*", "activities", "*"},
       {{V::post, RouteId::bot_reply_activity, "bot-reply"},
        {V::put, RouteId::bot_update_activity, "bot-reply"},
        {V::delete_, RouteId::bot_delete_activity, "bot-reply"}}},
      {{"v3", "conversations", "*", "members"}, {{V::get, RouteId::bot_get_members, "bot-reply"}}},
      {{"v3", "conversations", "*", "activities", "*", "members"},
       {{V::get, RouteId::bot_get_activity_members, "bot-reply"}}},
      {{"powervirtualagents", "botsbyschema", "*", "directline", "token"},
       {{V::get, RouteId::agent_token, "agent-token"}}},
      {{"powervirtualagents", "regionalchannelsettings"},
       {{V::get, RouteId::agent_settings, "regional-settings"}}},
      {{"signin"}, {{V::get, RouteId::signin, nullptr}}},
      {{"attachments", "*", "*"}, {{V::get, RouteId::attachment, nullptr}}},
      {{"admin", "faults"},
       {{V::post, RouteId::admin_faults_add, nullptr}, {V::delete_, RouteId::admin_faults_clear, nullptr}}},
      {{"admin", "clock"}, {{V::post, RouteId::admin_clock, nullptr}}},
      {{"admin", "conversations", "*", "activities"},
       {{V::post, RouteId::admin_bot_activities, nullptr}}},
      {{"admin", "conversations", "*", "end"}, {{V::post, RouteId::admin_end, nullptr}}},
      {{"admin", "conversations", "*", "drop-stream"},
       {{V::post, RouteId::admin_drop_stream, nullptr}}},
      {{"admin", "stats"}, {{V::get, RouteId::admin_stats, nullptr}}},
  };
  return table;
}
}  // namespace

RouteMatch match_route(http::verb method, std::string_view path) {
  RouteMatch result;
  std::vector<std::string> segments = split_path(path);
  for (const auto &pattern : patterns()) {
    if (pattern.parts.size() != segments.size()) continue;
    std::vector<std::string> params;
    bool same = true;
    for (size_t i = 0; i < segments.size() && same; ++i) {
      if (std::string_view(pattern.parts[i]) == "*") {
        if (segments[i].empty()) same = false;
        else params.push_back(segments[i]);
      } else {
        same = segments[i] == pattern.parts[i];
      }
    }
    if (!same) continue;
    for (const auto &entry : pattern.entries) {
      if (entry.method == method) {
        result.id = entry.id;
        result.params = std::move(params);
        result.fault_name = entry.fault;
        return result;
      }
    }
    // The path exists with other methods: 405 with Allow.
    for (const auto &entry : pattern.entries) {
      if (!result.allow.empty()) result.allow += ", ";
      result.allow += std::string(http::to_string(entry.method));
    }
    return result;
  }
  return result;
}

void route_request(RequestContext &request) {
  std::string_view target = request.msg.target();
  size_t q = target.find('?');
  request.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) request.query = parse_query(target.substr(q + 1));
  request.route = match_route(request.msg.method(), request.path);
}

}  // namespace dlemu
