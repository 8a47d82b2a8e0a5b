#include "agent_handlers.hpp"

#include <algorithm>

#include "util.hpp"

namespace dlemu::agent {

namespace {
// The real service rejects calls without api-version, so clients that drop it fail here too.
std::optional<Outcome> require_api_version(const RequestContext &request) {
  auto it = request.query.find("api-version");
  if (it != request.query.end() && !it->second.empty()) return std::nullopt;
  return agent_error(400, 400, "MissingApiVersionParameter",
                     "The api-version query parameter is required");
}
}  // namespace

void token(Context &ctx, const RequestContext &request, Reply reply) {
  if (auto error = require_api_version(request)) return reply(std::move(*error));
  const std::string &schema = request.route.params.at(0);
  const auto &known = ctx.options.agent_schemas;
  if (schema != kDefaultSchema && std::find(known.begin(), known.end(), schema) == known.end()) {
    // The code and message the service answers for a bot it does not know.
    return reply(agent_error(404, 4103, "ItemWithIdNotFound", "No agent with this schema name"));
  }
  // Like tokens/generate: a token for a new conversation, no user bound.
  std::string id = random_id(16);
  reply(json_outcome(200, json{{"token", ctx.auth.issue_conversation_token(id, "", "")},
                               {"expires_in", ctx.options.token_ttl_s},
                               {"conversationId", id}}));
}

void regional_settings(Context &ctx, const RequestContext &request, Reply reply) {
  if (auto error = require_api_version(request)) return reply(std::move(*error));
  // Clients append "v3/directline" to this base, so it must end with '/'.
  reply(json_outcome(200, json{{"channelUrlsById", {{"directline", ctx.public_base(request, false) + "/"}}},
                               {"geo", "local"}}));
}

void signin(Context &, const RequestContext &, Reply reply) {
  // Static on purpose: nothing from the query is echoed into the page.
  HttpResponse res{http::status::ok, 11};
  res.set(http::field::content_type, "text/html; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  res.body() =
      "<!doctype html><html><head><title>Signed in</title></head><body>"
      "<p>Signed in to directline-emulator. You can close this window.</p></body></html>\n";
  res.prepare_payload();
  reply(Outcome{std::move(res)});
}

}  // namespace dlemu::agent
