// Bot Connector routes the bot calls at serviceUrl (PROTOCOL.md section 5.2).
// No authentication is required, as with a local bot without app credentials.
#include "service.hpp"

namespace dlemu {

void Service::on_bot_activity(const RequestContext &request, Reply reply) {
  const std::string &id = request.route.params.at(0);
  auto conversation = find_conversation(id);
  if (!conversation) return reply(error_outcome(404, "BadArgument", "Unknown conversation", ApiVersion::v3));
  RouteId route = request.route.id;
  std::string activity_id = request.route.params.size() > 1 ? request.route.params[1] : "";
  if (route == RouteId::bot_delete_activity) return reply(json_outcome(200, "{}"));
  json activity;
  if (auto error = parse_json_body(request.msg.body(), activity, ApiVersion::v3)) return reply(std::move(*error));
  if (!activity.is_object())
    return reply(error_outcome(400, "MalformedData", "The activity must be a JSON object", ApiVersion::v3));
  if (request.msg.body().size() > 256 * 1024)
    return reply(error_outcome(400, "MalformedData", "The activity exceeds 256K characters", ApiVersion::v3));
  if (route == RouteId::bot_update_activity)  // the log is append-only: updates are acknowledged only
    return reply(json_outcome(200, dump_json(json{{"id", activity_id}})));
  std::string new_id =
      bot_send(conversation, std::move(activity), route == RouteId::bot_reply_activity ? activity_id : "");
  reply(json_outcome(200, dump_json(json{{"id", new_id}})));
}

void Service::on_bot_members(const RequestContext &request, Reply reply) {
  auto conversation = find_conversation(request.route.params.at(0));
  if (!conversation) return reply(error_outcome(404, "BadArgument", "Unknown conversation", ApiVersion::v3));
  json members = json::array({bot_account()});
  {
    std::lock_guard<std::mutex> lock(conversation->mu);
    if (!conversation->user_id.empty()) {
      json user = {{"id", conversation->user_id}, {"role", "user"}};
      if (!conversation->user_name.empty()) user["name"] = conversation->user_name;
      members.push_back(user);
    }
  }
  reply(json_outcome(200, dump_json(members)));
}

}  // namespace dlemu
