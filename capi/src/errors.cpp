// dl_error_last, dl_result_string, dl_string_free, version and logging.
#include <cstdlib>
#include <cstring>

#include "capi_internal.hpp"
#include "log.hpp"
#include "redact.hpp"

namespace directline::capi {

// core::Code mirrors dl_result: every code in the list, with the same value.
namespace {
constexpr int kResultCount = 0
#define DL_RESULT_COUNT_(name, value, description) +1
    DL_RESULT_LIST(DL_RESULT_COUNT_)
#undef DL_RESULT_COUNT_
    ;
static_assert(kResultCount == 20, "a result code was added: add it to core::Code too");
static_assert(static_cast<int>(core::Code::ok) == DL_OK && static_cast<int>(core::Code::invalid) == DL_EINVALID &&
              static_cast<int>(core::Code::unauthorized) == DL_EUNAUTHORIZED &&
              static_cast<int>(core::Code::forbidden) == DL_EFORBIDDEN &&
              static_cast<int>(core::Code::token_expired) == DL_ETOKEN_EXPIRED &&
              static_cast<int>(core::Code::not_found) == DL_ENOTFOUND &&
              static_cast<int>(core::Code::conflict) == DL_ECONFLICT &&
              static_cast<int>(core::Code::throttled) == DL_ETHROTTLED &&
              static_cast<int>(core::Code::bot) == DL_EBOT && static_cast<int>(core::Code::server) == DL_ESERVER &&
              static_cast<int>(core::Code::network) == DL_ENETWORK &&
              static_cast<int>(core::Code::timeout) == DL_ETIMEOUT && static_cast<int>(core::Code::tls) == DL_ETLS &&
              static_cast<int>(core::Code::protocol) == DL_EPROTOCOL &&
              static_cast<int>(core::Code::ended) == DL_EENDED &&
              static_cast<int>(core::Code::cancelled) == DL_ECANCELLED &&
              static_cast<int>(core::Code::no_memory) == DL_ENOMEM &&
              static_cast<int>(core::Code::bad_request) == DL_EBAD_REQUEST &&
              static_cast<int>(core::Code::insecure) == DL_EINSECURE &&
              static_cast<int>(core::Code::internal) == DL_EINTERNAL,
              "core::Code must mirror DL_RESULT_LIST");
}  // namespace

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
#define DL_RESULT_STRING_(name, value, description) \
  case name: return description;
    DL_RESULT_LIST(DL_RESULT_STRING_)
#undef DL_RESULT_STRING_
    default: return "unknown error";
  }
}

const char *dl_result_name(int code) {
  switch (code) {
#define DL_RESULT_NAME_(name, value, description) \
  case name: return #name;
    DL_RESULT_LIST(DL_RESULT_NAME_)
#undef DL_RESULT_NAME_
    default: return "DL_UNKNOWN";
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
