// Maps (method, path) to a route: the handler to run, its path parameters, and the
// fault-injection route name. Unknown paths are 404; known paths with another method 405.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/verb.hpp>

namespace dlemu {

enum class RouteId {
  none,
  // Direct Line 3.0
  generate, refresh, start, reconnect, get_activities, post_activity, upload, stream, session_id,
  // Direct Line 1.1
  v1_token, v1_renew, v1_start, v1_get_messages, v1_post_message, v1_upload,
  // Bot Connector (the bot calling back)
  bot_post_activity, bot_reply_activity, bot_update_activity, bot_delete_activity,
  bot_get_members, bot_get_activity_members,
  // Copilot Studio agent service (token endpoint, regional settings) and the sign-in page
  agent_token, agent_settings, signin,
  // Misc
  attachment,
  admin_faults_add, admin_faults_clear, admin_clock, admin_bot_activities, admin_end,
  admin_drop_stream, admin_stats,
};

struct RouteMatch {
  RouteId id = RouteId::none;
  std::vector<std::string> params;  // decoded path parameters, in order
  std::string allow;                // set when the path exists but the method does not (405)
  const char *fault_name = nullptr;  // fault route name; nullptr: faults never apply
  bool is_admin() const { return id >= RouteId::admin_faults_add; }
  bool is_v1() const { return id >= RouteId::v1_token && id <= RouteId::v1_upload; }
  bool is_agent() const { return id == RouteId::agent_token || id == RouteId::agent_settings; }
};

// `path` is the request target without the query; repeated slashes are tolerated.
RouteMatch match_route(boost::beast::http::verb method, std::string_view path);

struct RequestContext;
// Fills path, query and route from the request's method and target.
void route_request(RequestContext &request);

}  // namespace dlemu
