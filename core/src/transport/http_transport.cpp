#include "transport/http_transport.hpp"

#include <strings.h>

namespace directline::core {

std::optional<std::string> HttpResponse::header(const std::string &name) const {
  for (const auto &h : headers)
    if (strcasecmp(h.first.c_str(), name.c_str()) == 0) return h.second;
  return std::nullopt;
}

// Defined by the backend this build compiles (see core/CMakeLists.txt).
#ifdef DL_HTTP_BACKEND_CPPREST
std::shared_ptr<HttpTransport> make_cpprest_transport(const TransportOptions &options,
                                                      std::shared_ptr<const net::ProxyRules> proxy);
#else
std::shared_ptr<HttpTransport> make_beast_transport(const TransportOptions &options,
                                                    std::shared_ptr<const net::ProxyRules> proxy);
#endif

std::shared_ptr<HttpTransport> make_http_transport(const TransportOptions &options,
                                                   std::shared_ptr<const net::ProxyRules> proxy) {
#ifdef DL_HTTP_BACKEND_CPPREST
  return make_cpprest_transport(options, std::move(proxy));
#else
  return make_beast_transport(options, std::move(proxy));
#endif
}

}  // namespace directline::core
