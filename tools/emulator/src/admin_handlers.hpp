// /admin/* (only with --admin, only from loopback peers): faults, clock, bot actions, stats.
#pragma once

#include "context.hpp"

namespace dlemu::admin {

void handle(Context &ctx, const RequestContext &request, Reply reply);

}  // namespace dlemu::admin
