// The Host header, which becomes part of the URLs handed to clients (streamUrl, attachment
// and regional-settings URLs). Invariants: the base is the listener's own address or
// scheme://<the header>, and it only holds characters that need no escaping in a URL or JSON.
#include <boost/asio/io_context.hpp>

#include "context.hpp"
#include "emu_fuzz.hpp"
#include "util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static boost::asio::io_context io(1);
  static dlemu::Options options = [] {
    dlemu::Options o;
    o.secrets = {"s"};
    return o;
  }();
  static dlemu::Context ctx(options, io);
  ctx.base_url = "http://127.0.0.1:8080";
  if (size == 0) return 0;
  dlemu::RequestContext request;
  request.tls = data[0] & 1;
  try {
    request.msg.set(boost::beast::http::field::host, emu_fuzz::view(data + 1, size - 1));
  } catch (const std::exception &) {
    return 0;  // Beast refuses CR/LF in a field value: no such header can arrive
  }
  for (bool websocket : {false, true}) {
    const std::string base = ctx.public_base(request, websocket);
    const std::string scheme = websocket ? (request.tls ? "wss://" : "ws://")
                                         : (request.tls ? "https://" : "http://");
    FUZZ_CHECK(base.rfind(scheme, 0) == 0);
    const std::string host = base.substr(scheme.size());
    FUZZ_CHECK(host == "127.0.0.1:8080" || host == dlemu::trim(emu_fuzz::view(data + 1, size - 1)));
    FUZZ_CHECK(!host.empty() && host.size() <= 255);
    for (char c : host)
      FUZZ_CHECK(std::isalnum(static_cast<unsigned char>(c)) || std::string_view(".-_:[]").find(c) != std::string_view::npos);
    FUZZ_CHECK(emu_fuzz::valid_json(dlemu::dump_json(dlemu::json{{"streamUrl", base}})));
  }
  return 0;
}
