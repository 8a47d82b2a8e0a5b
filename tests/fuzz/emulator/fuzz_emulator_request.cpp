// Whole requests through the emulator's request handling, as the server hands them over:
// HTTP parsing (Beast, with the server's limits), routing, query strings, the Host header,
// auth, faults and admin routes, JSON and multipart bodies, the handlers and the echo bot.
// An input is one or more pipelined requests against one fresh service that knows the secret
// "s" and the conversation "fuzz-conversation" (started, with a user).
// Invariants: every request is answered exactly once, with a status in 100..599, and every
// JSON response body is valid UTF-8 JSON.
#include <boost/asio/io_context.hpp>
#include <boost/beast/http.hpp>

#include "emu_fuzz.hpp"
#include "log.hpp"
#include "service.hpp"

namespace http = boost::beast::http;

namespace {
dlemu::Options make_options() {
  dlemu::Options o;
  o.secrets = {"s"};
  o.admin = true;
  o.stream_delay_ms = 0;
  o.agent_schemas = {"cr123_agent"};
  o.threads = 1;
  return o;
}

void check_answer(const dlemu::Outcome &out) {
  const unsigned status = out.res.result_int();
  FUZZ_CHECK(status >= 100 && status <= 599);
  auto type = out.res.find(http::field::content_type);
  if (type != out.res.end() && type->value().rfind("application/json", 0) == 0)
    FUZZ_CHECK(emu_fuzz::valid_json(out.res.body()));
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const dlemu::Options options = make_options();
  dlemu::g_log_level = static_cast<int>(dlemu::LogLevel::error);
  boost::asio::io_context io(1);
  auto service = std::make_shared<dlemu::Service>(options, io);
  service->set_base_url("http://127.0.0.1:8080");
  {
    dlemu::Context &ctx = service->context();
    auto seeded = ctx.store.find_or_create("fuzz-conversation", ctx.clock.now_seconds()).first;
    std::lock_guard<std::mutex> lock(seeded->mu);
    seeded->started = true;
    seeded->user_id = "fuzz-user";
  }

  boost::beast::string_view rest(reinterpret_cast<const char *>(data), size);
  for (int n = 0; n < 8 && !rest.empty(); ++n) {
    http::request_parser<http::string_body> parser;
    parser.eager(true);
    parser.header_limit(16 * 1024);
    parser.body_limit(8u << 20);
    boost::beast::error_code ec;
    size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    if (!ec && !parser.is_done()) parser.put_eof(ec);  // the rest of the input is the body
    if (ec || !parser.is_done()) break;
    rest.remove_prefix(std::min(used, rest.size()));

    auto request = std::make_shared<dlemu::RequestContext>();
    request->msg = parser.release();
    request->loopback_peer = true;
    dlemu::route_request(*request);
    if (request->route.id == dlemu::RouteId::stream) {
      dlemu::StreamGrant grant;
      if (auto reject = service->authorize_stream(*request, grant)) check_answer(*reject);
      continue;
    }
    int answers = 0;
    service->handle(request, [&answers](dlemu::Outcome out) {
      ++answers;
      check_answer(out);
    });
    // Streamed replies and zero delays run on the io_context; longer delays never fire here.
    for (int i = 0; i < 64 && io.poll() > 0; ++i) {
    }
    FUZZ_CHECK(answers <= 1);
  }
  return 0;
}
