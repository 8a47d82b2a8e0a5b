// dl_error_last, dl_result_string, dl_string_free, version and logging.
#include <cstdlib>
#include <cstring>

#include "capi_internal.hpp"
#include "log.hpp"
#include "redact.hpp"

namespace directline::capi {

namespace {

struct ThreadError {
  std::string service_code;
  std::string message;
  dl_error view{DL_OK, 0, "", "", -1};

  void publish(int code, int http_status, int retry_after_s) {
    view.code = code;
    view.http_status = http_status;
    view.service_code = service_code.c_str();
    view.message = message.c_str();
    view.retry_after_s = retry_after_s;
  }
};

ThreadError &thread_error() {
  static thread_local ThreadError error;
  return error;
}

}  // namespace

int set_error(const core::Error &error) {
  ThreadError &te = thread_error();
  try {
    te.service_code = core::redact(error.service_code);
    te.message = core::redact(error.message);
  } catch (...) {
    te.service_code.clear();
    te.message.clear();
  }
  te.publish(static_cast<int>(error.code), error.http_status, error.retry_after_s);
  if (error.code != core::Code::ok) core::log(core::LogLevel::debug, "call failed: " + te.message);
  return static_cast<int>(error.code);
}

int set_error(core::Code code, const std::string &message) {
  return set_error(core::Error::make(code, message));
}

int set_ok() {
  ThreadError &te = thread_error();
  te.service_code.clear();
  te.message.clear();
  te.publish(DL_OK, 0, -1);
  return DL_OK;
}

char *owned_copy(const std::string &s) {
  char *out = static_cast<char *>(std::malloc(s.size() + 1));
  if (!out) throw std::bad_alloc();
  std::memcpy(out, s.data(), s.size());
  out[s.size()] = '\0';
  return out;
}

}  // namespace directline::capi

using namespace directline;

extern "C" {

const char *dl_version_string(void) { return DL_VERSION_STRING; }

const dl_error *dl_error_last(void) { return &capi::thread_error().view; }

const char *dl_result_string(int code) {
  switch (code) {
    case DL_OK: return "ok";
    case DL_EINVALID: return "invalid argument";
    case DL_EUNAUTHORIZED: return "unauthorized";
    case DL_EFORBIDDEN: return "forbidden";
    case DL_ETOKEN_EXPIRED: return "token expired";
    case DL_ENOTFOUND: return "not found";
    case DL_ECONFLICT: return "conflict";
    case DL_ETHROTTLED: return "throttled";
    case DL_EBOT: return "bot error";
    case DL_ESERVER: return "server error";
    case DL_ENETWORK: return "network error";
    case DL_ETIMEOUT: return "timed out";
    case DL_ETLS: return "TLS error";
    case DL_EPROTOCOL: return "protocol error";
    case DL_EENDED: return "conversation ended";
    case DL_ECANCELLED: return "cancelled";
    case DL_ENOMEM: return "out of memory";
    case DL_EBAD_REQUEST: return "bad request";
    case DL_EINSECURE: return "insecure connection refused";
    case DL_EINTERNAL: return "internal error";
    default: return "unknown error";
  }
}

void dl_string_free(char *s) { std::free(s); }

void dl_set_log_handler(dl_log_fn fn, int min_level, void *user_data) {
  capi::guarded([&] {
    core::set_log_sink(fn, min_level, user_data);
    return capi::set_ok();
  });
}

}  // extern "C"
