// Routes and query strings: the first byte picks the method, the rest is the request target.
// Invariants: a match has the pattern's parameters (never empty), a miss with a known path
// lists Allow; query decoding never grows the text; url_encode round-trips through url_decode;
// a watermark that parses is digits only.
#include <boost/beast/http/verb.hpp>

#include "emu_fuzz.hpp"
#include "http_types.hpp"
#include "router.hpp"
#include "util.hpp"

namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  static const http::verb kVerbs[] = {http::verb::get, http::verb::post, http::verb::put,
                                      http::verb::delete_, http::verb::patch, http::verb::options};
  dlemu::RequestContext request;
  request.msg.method(kVerbs[data[0] % 6]);
  const std::string_view target = emu_fuzz::view(data + 1, size - 1);
  request.msg.target(target);
  dlemu::route_request(request);
  FUZZ_CHECK(request.path.size() <= target.size());
  if (request.route.id != dlemu::RouteId::none) {
    for (const auto &param : request.route.params) FUZZ_CHECK(!param.empty());
    FUZZ_CHECK(request.route.allow.empty());
  }
  for (const auto &[key, value] : request.query) FUZZ_CHECK(key.size() + value.size() <= target.size());
  std::optional<uint64_t> watermark;
  if (dlemu::parse_watermark(request.query, watermark) && watermark)
    FUZZ_CHECK(request.query.at("watermark").find_first_not_of("0123456789") == std::string::npos);
  FUZZ_CHECK(dlemu::url_decode(dlemu::url_encode(target), false) == target);
  FUZZ_CHECK(dlemu::url_decode(dlemu::url_encode(target), true) == target);
  return 0;
}
