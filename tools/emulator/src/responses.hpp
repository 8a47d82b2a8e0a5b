// JSON responses and request bodies: the one place that builds error bodies (in the shape of
// the API that was called) and parses untrusted JSON under the project's nesting limit.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "http_types.hpp"

namespace dlemu {

using json = nlohmann::json;

// Whose error shape a response uses: Direct Line 3.0 and 1.1 ({"error":{...}}, 1.1 with
// statusCode), or the agent token service ({"ErrorCode":..,"ErrorMessage":..}).
enum class ApiVersion { v3, v1, agent };

HttpResponse json_response(http::status status, std::string body, unsigned version = 11);
Outcome json_outcome(int status, std::string body);
Outcome json_outcome(int status, const json &body);
Outcome error_outcome(int status, const std::string &code, const std::string &message,
                      ApiVersion version);
// The agent token service's own shape, with its numeric code (error_outcome uses the status).
Outcome agent_error(int status, int error_code, const std::string &error_message,
                    const std::string &diagnostics);
// An injected error status (fault injection); 429 carries Retry-After.
Outcome injected_status(int status, int retry_after_s, ApiVersion version);
// Invalid UTF-8 is replaced rather than thrown: bodies may carry bytes a client sent.
std::string dump_json(const json &value);

// Parses a JSON body from a user, bot or admin; on failure returns the 400 to send (not
// JSON, or nested deeper than the project's limit).
std::optional<Outcome> parse_json_body(std::string_view body, json &out, ApiVersion version);

}  // namespace dlemu
