// directline.h must compile as C++ (C++11 and later), with C linkage; with
// DL_CHECK_HPP (C++17) the wrapper directline.hpp must compile warning-free too.
#include <directline.h>
#ifdef DL_CHECK_HPP
#include <directline.hpp>
#endif

#include <type_traits>

static_assert(std::is_same<decltype(&dl_client_new), int (*)(const dl_client_options *, dl_client **)>::value,
              "dl_client_new signature");
static_assert(DL_OK == 0 && DL_EINVALID < 0 && DL_EENDED < 0, "result codes are negative");

int directline_header_check_cxx();
int directline_header_check_cxx() {
  dl_client_options options = DL_CLIENT_OPTIONS_INIT;
  dl_token_options token_options = DL_TOKEN_OPTIONS_INIT;
#ifdef DL_CHECK_HPP
  directline::ClientOptions cxx_options;
  cxx_options.with_endpoint("http://127.0.0.1:1/v3/directline").with_api_version(directline::ApiVersion::V1_1);
  dl_client_options converted = cxx_options.to_c();
  static_assert(!std::is_copy_constructible<directline::Client>::value, "Client is move-only");
  static_assert(!std::is_copy_constructible<directline::Conversation>::value, "Conversation is move-only");
  static_assert(std::is_move_constructible<directline::Conversation>::value, "Conversation moves");
  static_assert(std::is_base_of<std::exception, directline::Error>::value, "Error is an exception");
  return static_cast<int>(options.version + token_options.version) + converted.api_version;
#else
  return static_cast<int>(options.version + token_options.version);
#endif
}
