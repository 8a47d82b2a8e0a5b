// Direct Line 1.1: JSON-string tokens, 200 start, and messages (the 1.1 Message schema)
// translated to and from the same activity log 3.0 uses.
#pragma once

#include "context.hpp"

namespace dlemu::v1 {

void token(Context &ctx, const RequestContext &request, Reply reply);
void renew(Context &ctx, const RequestContext &request, Reply reply);
void start(Context &ctx, const RequestContext &request, Reply reply);
void get_messages(Context &ctx, const RequestContext &request, Reply reply);
void post_message(Context &ctx, const RequestContext &request, Reply reply);

}  // namespace dlemu::v1
