#include "protocol/status.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

#include <nlohmann/json.hpp>

#include "protocol/json_limits.hpp"

namespace directline::core::protocol {

Code code_for_status(int http_status, const std::string &service_code) {
  switch (http_status) {
    case 400:
    case 413: return Code::bad_request;
    case 401: return Code::unauthorized;
    case 403: return service_code == "TokenExpired" ? Code::token_expired : Code::forbidden;
    case 404: return Code::not_found;
    case 409: return Code::conflict;
    case 429: return Code::throttled;
    case 502:
    case 504: return Code::bot;
    default: return Code::server;
  }
}

namespace {

// Error texts go into messages and logs, and through redaction, which is not
// made for megabytes: keep a readable prefix (cut on a UTF-8 boundary).
std::string bounded(std::string text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  return text + "...";
}

}  // namespace

ServiceError parse_error_body(const std::string &body) {
  ServiceError out;
  auto doc = json_limits::parse_untrusted<nlohmann::json>(body);
  if (!doc || !doc->is_object()) return out;
  auto text = [](const nlohmann::json &obj, std::initializer_list<const char *> keys, std::size_t limit) {
    for (const char *key : keys) {
      auto it = obj.find(key);
      if (it == obj.end()) continue;
      if (it->is_string()) return bounded(it->get<std::string>(), limit);
      // Power Platform sends numeric codes ({"ErrorCode": 4103}).
      if (it->is_number_integer()) return std::to_string(it->get<long long>());
    }
    return std::string();
  };
  auto err = doc->find("error");
  if (err != doc->end() && err->is_object()) {
    out.code = text(*err, {"code"}, kMaxServiceCode);
    out.message = text(*err, {"message"}, kMaxServiceMessage);
  } else {
    // Token endpoints in front of Direct Line (Power Platform) answer flat shapes.
    out.code = text(*doc, {"ErrorCode", "errorCode", "code"}, kMaxServiceCode);
    out.message = text(*doc, {"ErrorMessage", "errorMessage", "message"}, kMaxServiceMessage);
  }
  return out;
}

std::optional<int> parse_retry_after(const std::string &value, std::time_t now) {
  constexpr long kCap = 86400;
  std::string v = value;
  v.erase(0, v.find_first_not_of(" \t"));
  v.erase(v.find_last_not_of(" \t") + 1);
  if (v.empty()) return std::nullopt;
  if (std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); })) {
    if (v.size() > 9) return static_cast<int>(kCap);
    return static_cast<int>(std::min(std::stol(v), kCap));
  }
  // IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
  std::tm tm{};
  const char *end = strptime(v.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0') return std::nullopt;
  std::time_t when = timegm(&tm);
  long delta = static_cast<long>(when - now);
  return static_cast<int>(std::clamp(delta, 0L, kCap));
}

Error error_for_response(const std::string &operation, int http_status, const std::string &body,
                         const std::optional<std::string> &retry_after_header, std::time_t now) {
  ServiceError service = parse_error_body(body);
  Error e;
  e.http_status = http_status;
  e.service_code = service.code;
  e.code = code_for_status(http_status, service.code);
  if (retry_after_header) {
    if (auto s = parse_retry_after(*retry_after_header, now)) e.retry_after_s = *s;
  }
  e.message = operation + ": HTTP " + std::to_string(http_status);
  if (!service.code.empty()) e.message += " " + service.code;
  if (!service.message.empty()) e.message += ": " + service.message;
  return e;
}

}  // namespace directline::core::protocol
