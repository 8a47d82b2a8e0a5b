// Shared by the C API translation units: handle structs, the thread-local
// error, and the one guard every export runs inside.
#pragma once

#include <memory>
#include <new>
#include <string>

#include "client.hpp"
#include "conversation.hpp"
#include "directline.h"
#include "error.hpp"
#include "receive/receiver_host.hpp"

struct dl_client {
  std::shared_ptr<directline::core::Client> impl;
};

struct dl_token {
  std::string value;
  std::string conversation_id;
  bool has_conversation_id = false;
  int expires_in = 0;
};

struct dl_conversation {
  std::shared_ptr<directline::core::Conversation> impl;
};

struct dl_activity {
  std::shared_ptr<const directline::core::ReceivedActivity> data;
  bool own = false;
};

namespace directline::capi {

// Records an error for dl_error_last (message redacted again here) and returns its code.
int set_error(const core::Error &error);
int set_error(core::Code code, const std::string &message);
// Resets the thread's error to DL_OK and returns DL_OK.
int set_ok();

// NULL argument -> DL_EINVALID naming the parameter.
#define DL_REQUIRE(arg)                                                                     \
  do {                                                                                      \
    if ((arg) == nullptr)                                                                   \
      return ::directline::capi::set_error(::directline::core::Code::invalid,               \
                                           "argument '" #arg "' must not be NULL");         \
  } while (0)

// Runs body (returning int) and converts any escaping exception: bad_alloc ->
// DL_ENOMEM, anything else -> DL_EINTERNAL. No C++ exception crosses the ABI.
template <typename Body>
int guarded(Body &&body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    return set_error(core::Code::no_memory, "out of memory");
  } catch (const std::exception &e) {
    try {
      return set_error(core::Code::internal, std::string("internal error: ") + e.what());
    } catch (...) {
      return DL_EINTERNAL;
    }
  } catch (...) {
    return set_error(core::Code::internal, "internal error: unknown exception");
  }
}

// For exports returning a value instead of an int (getters): same guard,
// fallback value on exception.
template <typename T, typename Body>
T guarded_value(T fallback, Body &&body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    set_error(core::Code::no_memory, "out of memory");
  } catch (...) {
    set_error(core::Code::internal, "internal error");
  }
  return fallback;
}

// Copies s into a malloc'd C string for char ** outputs (dl_string_free).
char *owned_copy(const std::string &s);

}  // namespace directline::capi
