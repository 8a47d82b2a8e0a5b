// Direct Line 3.0: tokens, conversations, activities, the stream handshake and session id.
#pragma once

#include <optional>

#include "context.hpp"

namespace dlemu::v3 {

void generate(Context &ctx, const RequestContext &request, Reply reply);
void refresh(Context &ctx, const RequestContext &request, Reply reply);
void start(Context &ctx, const RequestContext &request, Reply reply);
void reconnect(Context &ctx, const RequestContext &request, Reply reply);
void get_activities(Context &ctx, const RequestContext &request, Reply reply);
void post_activity(Context &ctx, const RequestContext &request, Reply reply);
void session_id(Context &ctx, const RequestContext &request, Reply reply);
// The WebSocket handshake: either a rejection to send instead of 101, or a grant.
std::optional<Outcome> authorize_stream(Context &ctx, const RequestContext &request, StreamGrant &grant);

}  // namespace dlemu::v3
