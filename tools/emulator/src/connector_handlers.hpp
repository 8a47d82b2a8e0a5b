// The Bot Connector routes a bot calls at serviceUrl. No authentication, as with a local bot
// without app credentials.
#pragma once

#include "context.hpp"

namespace dlemu::connector {

// POST (send / reply), PUT (update) and DELETE of activities.
void activity(Context &ctx, const RequestContext &request, Reply reply);
void members(Context &ctx, const RequestContext &request, Reply reply);

}  // namespace dlemu::connector
