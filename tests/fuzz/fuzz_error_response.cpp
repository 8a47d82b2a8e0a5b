// Error answers: the body (3.0 ErrorResponse, 1.1 ErrorMessage, or anything),
// the Retry-After header and the message built from them, redacted as it would
// be before reaching a caller. Input: "STATUS RETRY-AFTER\nBODY".
#include <ctime>

#include "fuzz_support.hpp"
#include "protocol/status.hpp"
#include "redact.hpp"

using namespace directline::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, std::size_t size) {
  std::string body = fuzz::text(data, size);
  const std::string head = fuzz::first_line(body);
  const int status = head.empty() ? 500 : 400 + static_cast<unsigned char>(head[0]) % 200;
  const std::string retry_after = head.size() > 1 ? head.substr(1) : std::string();
  auto service = protocol::parse_error_body(body);
  FUZZ_CHECK(service.code.size() <= protocol::kMaxServiceCode + 3);
  FUZZ_CHECK(service.message.size() <= protocol::kMaxServiceMessage + 3);
  Error e = protocol::error_for_response("get activities", status, body, retry_after, 1700000000);
  FUZZ_CHECK(e.code != Code::ok);
  FUZZ_CHECK(e.retry_after_s >= -1 && e.retry_after_s <= 86400);
  const std::string clean = redact_with(e.message, {"SENTINEL-SECRET-1", "k3y"});
  FUZZ_CHECK(clean.find("SENTINEL-SECRET-1") == std::string::npos);
  return 0;
}
