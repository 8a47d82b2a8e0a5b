#include "net/errors.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/websocket/error.hpp>

namespace directline::core::net {

namespace asio = boost::asio;
namespace beast = boost::beast;

Error error_from(const boost::system::error_code &ec, const std::string &what) {
  if (ec == beast::error::timeout || ec == asio::error::timed_out)
    return Error::make(Code::timeout, what + " timed out");
  if (ec.category() == asio::error::get_ssl_category() ||
      (ec.category() == asio::ssl::error::get_stream_category() && ec != asio::ssl::error::stream_truncated))
    return Error::make(Code::tls, what + ": TLS failure: " + ec.message());
  if (ec == beast::http::error::body_limit)
    return Error::make(Code::protocol, what + ": the response body is larger than the limit (max_response_bytes)");
  if (ec == beast::http::error::header_limit)
    return Error::make(Code::protocol, what + ": the response headers are too large");
  if (ec == beast::http::error::partial_message || ec == asio::ssl::error::stream_truncated)
    return Error::make(Code::protocol, what + ": truncated response");
  if (ec.category() == beast::http::make_error_code(beast::http::error::bad_version).category())
    return Error::make(Code::protocol, what + ": malformed HTTP response (" + ec.message() + ")");
  if (ec == asio::error::host_not_found || ec == asio::error::host_not_found_try_again ||
      ec == asio::error::no_data)
    return Error::make(Code::network, what + ": cannot resolve the host name (" + ec.message() + ")");
  if (ec == beast::http::error::end_of_stream || ec == asio::error::eof)
    return Error::make(Code::network, what + ": the connection was closed by the peer");
  return Error::make(Code::network, what + ": " + ec.message());
}

}  // namespace directline::core::net
