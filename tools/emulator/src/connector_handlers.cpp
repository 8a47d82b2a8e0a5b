#include "connector_handlers.hpp"

namespace dlemu::connector {

void activity(Context &ctx, const RequestContext &request, Reply reply) {
  constexpr ApiVersion v = ApiVersion::v3;
  const std::string &id = request.route.params.at(0);
  auto conversation = ctx.find_conversation(id);
  if (!conversation) return reply(error_outcome(404, "BadArgument", "Unknown conversation", v));
  RouteId route = request.route.id;
  std::string activity_id = request.route.params.size() > 1 ? request.route.params[1] : "";
  if (route == RouteId::bot_delete_activity) return reply(json_outcome(200, json::object()));
  if (request.msg.body().size() > 256 * 1024)
    return reply(error_outcome(400, "MalformedData", "The activity exceeds 256K characters", v));
  json activity;
  if (auto error = parse_json_body(request.msg.body(), activity, v)) return reply(std::move(*error));
  if (!activity.is_object())
    return reply(error_outcome(400, "MalformedData", "The activity must be a JSON object", v));
  if (route == RouteId::bot_update_activity)  // the log is append-only: updates are acknowledged only
    return reply(json_outcome(200, json{{"id", activity_id}}));
  std::string new_id;
  if (auto error = ctx.activities.bot_send(conversation, std::move(activity),
                                           route == RouteId::bot_reply_activity ? activity_id : "",
                                           new_id))
    return reply(std::move(*error));
  reply(json_outcome(200, json{{"id", new_id}}));
}

void members(Context &ctx, const RequestContext &request, Reply reply) {
  auto conversation = ctx.find_conversation(request.route.params.at(0));
  if (!conversation)
    return reply(error_outcome(404, "BadArgument", "Unknown conversation", ApiVersion::v3));
  json members = json::array({Activities::bot_account()});
  {
    std::lock_guard<std::mutex> lock(conversation->mu);
    if (!conversation->user_id.empty()) {
      json user = {{"id", conversation->user_id}, {"role", "user"}};
      if (!conversation->user_name.empty()) user["name"] = conversation->user_name;
      members.push_back(user);
    }
  }
  reply(json_outcome(200, members));
}

}  // namespace dlemu::connector
