// HTTP status + service error code -> Code, error bodies and Retry-After.
// Pure functions; no I/O.
#pragma once

#include <cstddef>
#include <ctime>
#include <optional>
#include <string>

#include "error.hpp"

namespace directline::core::protocol {

// The documented mapping (see dl_result in directline.h):
// 400/413 bad_request, 401 unauthorized, 403 forbidden (token_expired with
// code "TokenExpired"), 404 not_found, 409 conflict, 429 throttled,
// 502/504 bot, other 5xx and unexpected statuses server.
Code code_for_status(int http_status, const std::string &service_code);

struct ServiceError {
  std::string code;     // error.code ("" if absent)
  std::string message;  // error.message ("" if absent)
};

// Reads a 3.0 ErrorResponse, a 1.1 ErrorMessage, or the flat {"ErrorCode",
// "ErrorMessage"} / {"code","message"} of token endpoints; tolerant of anything else.
// Longer code/message texts are cut to these many bytes (plus "...").
inline constexpr std::size_t kMaxServiceCode = 128;
inline constexpr std::size_t kMaxServiceMessage = 1024;
ServiceError parse_error_body(const std::string &body);

// Retry-After: delta-seconds or an HTTP-date (relative to now). Negative or
// garbage -> nullopt. Values are capped at one day.
std::optional<int> parse_retry_after(const std::string &value, std::time_t now);

// Builds the Error for a non-success response. operation names the call
// ("post activity"); the service message is included (redacted later).
Error error_for_response(const std::string &operation, int http_status, const std::string &body,
                         const std::optional<std::string> &retry_after_header, std::time_t now);

}  // namespace directline::core::protocol
