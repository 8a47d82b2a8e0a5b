#include "service.hpp"

#include <boost/asio/steady_timer.hpp>

#include "admin_handlers.hpp"
#include "agent_handlers.hpp"
#include "connector_handlers.hpp"
#include "log.hpp"
#include "uploads.hpp"
#include "v1_handlers.hpp"
#include "v3_handlers.hpp"

namespace dlemu {

namespace {
ApiVersion version_of_path(const std::string &path) {
  if (path.rfind("/api/", 0) == 0) return ApiVersion::v1;
  if (path.rfind("/powervirtualagents/", 0) == 0) return ApiVersion::agent;
  return ApiVersion::v3;
}

ApiVersion version_of_route(const RouteMatch &route) {
  return route.is_v1() ? ApiVersion::v1 : route.is_agent() ? ApiVersion::agent : ApiVersion::v3;
}
}  // namespace

Service::Service(const Options &options, boost::asio::io_context &io) : ctx_(options, io) {}

void Service::handle(std::shared_ptr<RequestContext> request, Reply reply) {
  const RouteMatch &route = request->route;
  if (route.id == RouteId::none) {
    ApiVersion version = version_of_path(request->path);
    if (!route.allow.empty()) {
      Outcome out = error_outcome(405, version == ApiVersion::v1 ? "NotSupported" : "BadArgument",
                                  "Method not allowed", version);
      out.res.set(http::field::allow, route.allow);
      return reply(std::move(out));
    }
    return reply(error_outcome(404, "NotFound", "No such resource", version));
  }
  if (route.is_admin() && (!ctx_.options.admin || !request->loopback_peer))
    return reply(error_outcome(404, "NotFound", "No such resource", ApiVersion::v3));

  std::optional<FaultHit> fault;
  if (route.fault_name) fault = ctx_.faults.match(route.fault_name);
  if (!fault) return dispatch(std::move(request), std::move(reply));

  ApiVersion version = version_of_route(route);
  switch (fault->action) {
    case FaultAction::status:
      return reply(injected_status(fault->status, fault->retry_after_s, version));
    case FaultAction::delay: {
      auto timer = std::make_shared<boost::asio::steady_timer>(ctx_.io);
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
  Context &c = ctx_;
  // `request` stays alive in the reply chain for asynchronous handlers.
  Reply keep = [request, reply](Outcome out) { reply(std::move(out)); };
  try {
    switch (r.route.id) {
      case RouteId::generate: return v3::generate(c, r, keep);
      case RouteId::refresh: return v3::refresh(c, r, keep);
      case RouteId::start: return v3::start(c, r, keep);
      case RouteId::reconnect: return v3::reconnect(c, r, keep);
      case RouteId::get_activities: return v3::get_activities(c, r, keep);
      case RouteId::post_activity: return v3::post_activity(c, r, keep);
      case RouteId::upload: return upload(c, r, keep, ApiVersion::v3);
      case RouteId::session_id: return v3::session_id(c, r, keep);
      case RouteId::stream:
        return keep(error_outcome(400, "BadArgument", "The stream requires a WebSocket upgrade",
                                  ApiVersion::v3));
      case RouteId::v1_token: return v1::token(c, r, keep);
      case RouteId::v1_renew: return v1::renew(c, r, keep);
      case RouteId::v1_start: return v1::start(c, r, keep);
      case RouteId::v1_get_messages: return v1::get_messages(c, r, keep);
      case RouteId::v1_post_message: return v1::post_message(c, r, keep);
      case RouteId::v1_upload: return upload(c, r, keep, ApiVersion::v1);
      case RouteId::bot_post_activity:
      case RouteId::bot_reply_activity:
      case RouteId::bot_update_activity:
      case RouteId::bot_delete_activity: return connector::activity(c, r, keep);
      case RouteId::bot_get_members:
      case RouteId::bot_get_activity_members: return connector::members(c, r, keep);
      case RouteId::agent_token: return agent::token(c, r, keep);
      case RouteId::agent_settings: return agent::regional_settings(c, r, keep);
      case RouteId::signin: return agent::signin(c, r, keep);
      case RouteId::attachment: return attachment(c, r, keep);
      default: return admin::handle(c, r, keep);
    }
  } catch (const std::exception &e) {
    log(LogLevel::error, "internal error: ", e.what());
    keep(error_outcome(500, "Internal", "Internal emulator error", version_of_route(r.route)));
  }
}

std::optional<Outcome> Service::authorize_stream(const RequestContext &request, StreamGrant &grant) {
  return v3::authorize_stream(ctx_, request, grant);
}

bool Service::attach_stream(const StreamGrant &grant, const std::shared_ptr<StreamSink> &sink) {
  return ctx_.activities.attach_stream(grant, sink);
}

void Service::detach_stream(Conversation &conversation, const StreamSink *sink) {
  ctx_.activities.detach_stream(conversation, sink);
}

}  // namespace dlemu
