// What a Copilot Studio agent's environment serves besides Direct Line: the anonymous token
// endpoint, the regional channel settings that name the Direct Line host, and (for the echo
// bot's sign-in card) a sign-in page.
#pragma once

#include "context.hpp"

namespace dlemu::agent {

// The schema every emulator knows (others come from --agent-schema).
inline constexpr const char *kDefaultSchema = "emulator.agent";

// GET /powervirtualagents/botsbyschema/{schema}/directline/token?api-version=...
void token(Context &ctx, const RequestContext &request, Reply reply);
// GET /powervirtualagents/regionalchannelsettings?api-version=...
void regional_settings(Context &ctx, const RequestContext &request, Reply reply);
// GET /signin?...
void signin(Context &ctx, const RequestContext &request, Reply reply);

}  // namespace dlemu::agent
