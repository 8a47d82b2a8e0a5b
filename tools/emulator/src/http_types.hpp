// The request/response types shared by the server (transport) and the service (handlers).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include <boost/beast/http.hpp>

#include "router.hpp"

namespace dlemu {

namespace http = boost::beast::http;
using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;

struct RequestContext {
  HttpRequest msg;
  std::string path;                           // target without the query
  std::map<std::string, std::string> query;   // decoded query parameters
  RouteMatch route;
  bool tls = false;
  bool loopback_peer = false;
};

// How the transport hands a response back: normally, or broken on purpose (faults).
enum class Delivery { normal, drop, truncate };

struct Outcome {
  HttpResponse res;
  Delivery delivery = Delivery::normal;
};

// Called exactly once per request, from any thread.
using Reply = std::function<void(Outcome)>;

}  // namespace dlemu
