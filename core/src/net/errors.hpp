// The one mapping from socket, TLS and HTTP parser error codes to Code, for
// REST and the stream alike: no classification by searching message text.
#pragma once

#include <string>

#include <boost/system/error_code.hpp>

#include "error.hpp"

namespace directline::core::net {

// what: the operation and peer, e.g. "POST to 127.0.0.1:443". timeout for
// timer expiries, tls for TLS failures, protocol for malformed or oversized
// HTTP, network for everything else (refused, reset, DNS, closed early).
Error error_from(const boost::system::error_code &ec, const std::string &what);

}  // namespace directline::core::net
