#include "responses.hpp"

#include "protocol/json_limits.hpp"

namespace dlemu {

std::string dump_json(const json &value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

HttpResponse json_response(http::status status, std::string body, unsigned version) {
  HttpResponse res{status, version};
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Outcome json_outcome(int status, std::string body) {
  return Outcome{json_response(static_cast<http::status>(status), std::move(body))};
}

Outcome json_outcome(int status, const json &body) { return json_outcome(status, dump_json(body)); }

Outcome error_outcome(int status, const std::string &code, const std::string &message,
                      ApiVersion version) {
  if (version == ApiVersion::agent) return agent_error(status, status, code, message);
  json error = {{"code", code}, {"message", message}};
  if (version == ApiVersion::v1) error["statusCode"] = status;
  return json_outcome(status, json{{"error", error}});
}

Outcome agent_error(int status, int error_code, const std::string &error_message,
                    const std::string &diagnostics) {
  return json_outcome(status, json{{"ErrorCode", error_code},
                                   {"ErrorMessage", error_message},
                                   {"DiagnosticsMessage", diagnostics},
                                   {"ErrorInfo", nullptr}});
}

Outcome injected_status(int status, int retry_after_s, ApiVersion version) {
  Outcome out = error_outcome(status, "InjectedFault",
                              "Injected fault: status " + std::to_string(status), version);
  if (status == 429) out.res.set(http::field::retry_after, std::to_string(retry_after_s));
  return out;
}

std::optional<Outcome> parse_json_body(std::string_view body, json &out, ApiVersion version) {
  namespace limits = directline::json_limits;
  if (!limits::within_depth(body))
    return error_outcome(400, "MalformedData", "JSON nesting is too deep", version);
  auto parsed = limits::parse_untrusted<json>(body);
  if (!parsed)
    return error_outcome(400, "MalformedData", "The request body is not valid JSON", version);
  out = std::move(*parsed);
  return std::nullopt;
}

}  // namespace dlemu
