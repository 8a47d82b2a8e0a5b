#include "admin_handlers.hpp"

namespace dlemu::admin {

void handle(Context &ctx, const RequestContext &request, Reply reply) {
  const ApiVersion v = ApiVersion::v3;
  switch (request.route.id) {
    case RouteId::admin_faults_add: {
      FaultRule rule;
      std::string error;
      if (!parse_fault_spec(request.msg.body(), rule, error))
        return reply(error_outcome(400, "BadArgument", error, v));
      int id = ctx.faults.add(rule);
      return reply(json_outcome(200, json{{"id", id}}));
    }
    case RouteId::admin_faults_clear:
      ctx.faults.clear();
      return reply(json_outcome(200, json::object()));
    case RouteId::admin_clock: {
      json body;
      if (auto error = parse_json_body(request.msg.body(), body, v)) return reply(std::move(*error));
      if (!body.is_object() || !body.contains("advance_seconds") || !body["advance_seconds"].is_number() ||
          body["advance_seconds"].get<double>() < 0 || body["advance_seconds"].get<double>() > 1e9)
        return reply(error_outcome(400, "BadArgument", "Expected {\"advance_seconds\":N} with N >= 0", v));
      ctx.clock.advance(static_cast<int64_t>(body["advance_seconds"].get<double>()));
      return reply(json_outcome(200, json{{"now", ctx.clock.now_seconds()}}));
    }
    case RouteId::admin_stats:
      return reply(json_outcome(200, json{{"conversations", ctx.store.size()},
                                          {"sockets", ctx.activities.open_sockets()},
                                          {"activities", ctx.activities.stored_total()}}));
    default: break;
  }
  auto conversation = ctx.find_conversation(request.route.params.at(0));
  if (!conversation) return reply(error_outcome(404, "BadArgument", "Unknown conversation", v));
  // The admin acts as the bot, also after the conversation ended (to test clients then).
  json ids = json::array();
  auto send = [&](json activity) {
    std::string id;
    auto error = ctx.activities.bot_send(conversation, std::move(activity), "", id, true);
    if (!error) ids.push_back(id);
    return error;
  };
  switch (request.route.id) {
    case RouteId::admin_bot_activities: {
      json body;
      if (auto error = parse_json_body(request.msg.body(), body, v)) return reply(std::move(*error));
      if (!body.is_object()) return reply(error_outcome(400, "BadArgument", "Expected a JSON object", v));
      if (body.contains("count") && !body.contains("type")) {
        if (!body["count"].is_number_unsigned() || body["count"].get<uint64_t>() > 10000)
          return reply(error_outcome(400, "BadArgument", "count must be 0..10000", v));
        std::string text = body.value("text", "msg");
        uint64_t n = body["count"].get<uint64_t>();
        for (uint64_t i = 1; i <= n; ++i) {
          json activity = {{"type", "message"}, {"text", text + " " + std::to_string(i)}};
          if (auto error = send(std::move(activity))) return reply(std::move(*error));
        }
      } else if (auto error = send(std::move(body))) {
        return reply(std::move(*error));
      }
      return reply(json_outcome(200, json{{"ids", ids}}));
    }
    case RouteId::admin_end: {
      if (auto error = send(json{{"type", "endOfConversation"}})) return reply(std::move(*error));
      return reply(json_outcome(200, json{{"id", ids.back()}}));
    }
    case RouteId::admin_drop_stream: {
      bool dropped = ctx.activities.drop_stream(*conversation, 1001, "dropped by admin");
      return reply(json_outcome(200, json{{"dropped", dropped}}));
    }
    default:
      return reply(error_outcome(404, "NotFound", "No such resource", v));
  }
}

}  // namespace dlemu::admin
