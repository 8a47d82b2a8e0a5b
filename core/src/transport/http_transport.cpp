#include "transport/http_transport.hpp"

#include <strings.h>

namespace directline::core {

std::optional<std::string> HttpResponse::header(const std::string &name) const {
  for (const auto &h : headers)
    if (strcasecmp(h.first.c_str(), name.c_str()) == 0) return h.second;
  return std::nullopt;
}

}  // namespace directline::core
