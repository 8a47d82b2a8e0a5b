// The stream's TLS checks on their own: REST succeeds (a client that skips
// verification starts the conversation), then a conversation with the same
// stream URL but a verifying client opens the WebSocket. An unknown issuer, a
// wrong host name and an expired certificate each end receiving at once with
// tls (DL_ETLS) naming the reason, instead of being retried into a timeout.
#include <catch2/catch.hpp>

#include <chrono>

#include "client.hpp"
#include "conversation.hpp"
#include "emulator_process.hpp"
#include "tls_files.hpp"

using namespace directline::core;
using Clock = std::chrono::steady_clock;

namespace {

std::shared_ptr<Client> make(const std::string &endpoint, const std::string &ca_file, bool skip_verify) {
  ClientConfig config;
  config.endpoint = endpoint;
  config.transport.ca_file = ca_file;
  config.transport.skip_tls_verify = skip_verify;
  config.transport.proxy = "";
  config.reconnect_base_delay_ms = 20;
  auto client = Client::create(config);
  REQUIRE(client.ok());
  return *client;
}

// The stream's verdict for a verifying client trusting ca_file.
Error stream_error(const std::string &cert, const std::string &ca_file, const dltest::TlsFiles &files) {
  dltest::EmulatorProcess emulator({"--tls-cert", files.cert(cert), "--tls-key", files.key()});
  auto rest = make(emulator.v3(), "", /*skip_verify=*/true);
  auto started = rest->start_conversation(dltest::kSecret);
  REQUIRE(started.ok());
  REQUIRE((*started)->stream_url());
  Conversation::Init init;
  init.id = (*started)->id_cstr();
  init.secret = dltest::kSecret;
  init.stream_url = (*started)->stream_url();
  auto verifying = make(emulator.v3(), ca_file, false);
  auto conversation = Conversation::create(verifying, std::move(init));
  const auto t0 = Clock::now();
  auto next = conversation->next_activity(10000);
  REQUIRE_FALSE(next.ok());
  CHECK(Clock::now() - t0 < std::chrono::seconds(3));  // terminal: not retried until the wait ends
  auto again = conversation->next_activity(0);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == next.error().code);
  return next.error();
}

}  // namespace

TEST_CASE("stream TLS: unknown issuer, wrong host name, expired certificate end receiving with tls",
          "[stream][tls]") {
  dltest::TlsFiles files;
  auto unknown = stream_error("good", files.other_ca(), files);
  INFO(unknown.message);
  CHECK(unknown.code == Code::tls);
  CHECK(unknown.message.find("issuer is not trusted") != std::string::npos);

  auto wrong_host = stream_error("wrong-host", files.ca(), files);
  INFO(wrong_host.message);
  CHECK(wrong_host.code == Code::tls);
  CHECK(wrong_host.message.find("not valid for '127.0.0.1'") != std::string::npos);

  auto expired = stream_error("expired", files.ca(), files);
  INFO(expired.message);
  CHECK(expired.code == Code::tls);
  CHECK(expired.message.find("expired") != std::string::npos);
}

TEST_CASE("stream TLS: the trusted CA file works for the stream too", "[stream][tls]") {
  dltest::TlsFiles files;
  dltest::EmulatorProcess emulator({"--tls-cert", files.cert("good"), "--tls-key", files.key()});
  auto client = make(emulator.v3(), files.ca(), false);
  auto started = client->start_conversation(dltest::kSecret);
  REQUIRE(started.ok());
  auto conversation = *started;
  REQUIRE(conversation->send_message("u1", "hello").ok());
  bool echoed = false;
  for (int i = 0; i < 4 && !echoed; ++i) {
    auto next = conversation->next_activity(5000);
    REQUIRE(next.ok());
    echoed = next.value()->text == std::optional<std::string>("echo: hello");
  }
  CHECK(echoed);
}
