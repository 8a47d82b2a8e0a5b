// URLs from outside: endpoints and proxies (configuration), and the paths
// built from ids and watermarks a server chose.
#include <algorithm>

#include "fuzz_support.hpp"
#include "protocol/endpoints.hpp"
#include "protocol/url.hpp"

using namespace directline::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, std::size_t size) {
  std::string rest = fuzz::text(data, size);
  const std::string url = fuzz::first_line(rest);
  if (auto parsed = protocol::parse_url(url)) {
    FUZZ_CHECK(parsed->port > 0 && parsed->port <= 65535);
    FUZZ_CHECK(!parsed->host.empty());
    FUZZ_CHECK(parsed->path.empty() || parsed->path[0] == '/');
    FUZZ_CHECK(parsed->path.empty() || parsed->path.back() != '/');
    FUZZ_CHECK(parsed->scheme == "http" || parsed->scheme == "https" || parsed->scheme == "ws" ||
               parsed->scheme == "wss");
    protocol::is_loopback_host(parsed->host);
  }
  for (bool allow_insecure : {false, true}) {
    auto endpoint = protocol::validate_endpoint(url, allow_insecure);
    if (!endpoint) {
      FUZZ_CHECK(endpoint.error().code == Code::invalid || endpoint.error().code == Code::insecure);
      continue;
    }
    FUZZ_CHECK(endpoint->find_first_of("?#") == std::string::npos);
    FUZZ_CHECK(endpoint->empty() || endpoint->back() != '/');
    // Server-chosen ids and watermarks stay inside one path segment / query value.
    protocol::Endpoints paths(*endpoint, allow_insecure ? protocol::ApiVersion::v1_1 : protocol::ApiVersion::v3);
    const std::string id = rest.substr(0, rest.size() / 2), watermark = rest.substr(rest.size() / 2);
    const std::string activities = paths.activities(id, watermark);
    FUZZ_CHECK(activities.compare(0, endpoint->size(), *endpoint) == 0);
    const std::string tail = activities.substr(endpoint->size());
    FUZZ_CHECK(tail.find_first_of("#\r\n ") == std::string::npos);
    FUZZ_CHECK(std::count(tail.begin(), tail.end(), '?') == 1);
  }
  const std::string encoded = protocol::percent_encode(rest);
  FUZZ_CHECK(encoded.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~%") ==
             std::string::npos);
  return 0;
}
