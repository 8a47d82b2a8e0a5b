// The core's error value: what becomes dl_error at the C boundary.
// Messages must never contain a secret or token (see redact.hpp).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace directline::core {

// Mirrors dl_result in capi/include/directline.h (same numeric values).
enum class Code : int {
  ok = 0,
  invalid = -1,
  unauthorized = -2,
  forbidden = -3,
  token_expired = -4,
  not_found = -5,
  conflict = -6,
  throttled = -7,
  bot = -8,
  server = -9,
  network = -10,
  timeout = -11,
  tls = -12,
  protocol = -13,
  ended = -14,
  cancelled = -15,
  no_memory = -16,
  bad_request = -17,
  insecure = -18,
  internal = -19,
};

struct Error {
  Code code = Code::internal;
  int http_status = 0;
  std::string service_code;  // the service's error.code, "" if none
  std::string message;       // redacted
  int retry_after_s = -1;    // from Retry-After, -1 if none

  static Error make(Code c, std::string msg, int http = 0) {
    Error e;
    e.code = c;
    e.http_status = http;
    e.message = std::move(msg);
    return e;
  }
};

// A value or an Error. Small on purpose: ok(), error(), value(), operator*.
template <typename T>
class Outcome {
 public:
  Outcome(T value) : v_(std::move(value)) {}            // NOLINT: implicit by design
  Outcome(Error error) : v_(std::move(error)) {}        // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T &value() { return std::get<0>(v_); }
  const T &value() const { return std::get<0>(v_); }
  T &operator*() { return value(); }
  T *operator->() { return &value(); }
  const Error &error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

struct Unit {};
using Status = Outcome<Unit>;
inline Status ok_status() { return Unit{}; }

}  // namespace directline::core
