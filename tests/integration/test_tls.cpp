// REST and the stream over TLS, with certificates made at test time: a CA
// given as ca_file is trusted (REST and wss), an unknown issuer, a wrong host
// name and an expired certificate each fail with DL_ETLS saying which, and
// insecure_skip_tls_verify works but warns loudly.
#include "integration_support.hpp"
#include "tls_files.hpp"

using namespace itest;

namespace {

const dltest::TlsFiles &certificates() {
  static dltest::TlsFiles files;
  return files;
}

struct Started {
  int rc;
  std::string message;
  ConversationPtr conversation;
  ClientPtr client;
};

Started start_over_https(const Emulator &emu, const char *ca_file, int skip_verify) {
  dl_client_options o;
  dl_client_options_init(&o);
  std::string endpoint = emu.v3();
  o.endpoint = endpoint.c_str();
  o.ca_file = ca_file;
  o.insecure_skip_tls_verify = skip_verify;
  o.retry_max_attempts = 1;
  o.proxy = "";
  dl_client *raw = nullptr;
  REQUIRE(dl_client_new(&o, &raw) == DL_OK);
  Started out;
  out.client = ClientPtr(raw);
  dl_conversation *conv = nullptr;
  out.rc = dl_start_conversation(raw, dltest::kSecret, &conv);
  out.message = last_message();
  out.conversation = ConversationPtr(conv);
  return out;
}

Emulator tls_emulator(const std::string &cert) {
  return Emulator({"--tls-cert", certificates().cert(cert), "--tls-key", certificates().key()});
}

}  // namespace

TEST_CASE("https and wss: a CA file makes a private certificate trusted", "[integration][tls]") {
  auto emu = tls_emulator("good");
  REQUIRE(emu.base_url().rfind("https://", 0) == 0);
  auto started = start_over_https(emu, certificates().ca().c_str(), 0);
  INFO(started.message);
  REQUIRE(started.rc == DL_OK);
  REQUIRE(std::string(dl_conversation_stream_url(started.conversation.get())).rfind("wss://", 0) == 0);
  post_text(started.conversation.get(), "over tls");
  auto echo = next_of_type(started.conversation.get(), "message");  // own message first, via wss
  REQUIRE(echo);
  echo = next_of_type(started.conversation.get(), "message");
  REQUIRE(echo);
  CHECK(std::string(dl_activity_text(echo.get())) == "echo: over tls");
}

TEST_CASE("https: unknown issuer, wrong host name and expired certificate are DL_ETLS, each named",
          "[integration][tls]") {
  {
    auto emu = tls_emulator("good");
    auto unknown = start_over_https(emu, certificates().other_ca().c_str(), 0);
    CHECK(unknown.rc == DL_ETLS);
    // cpprestsdk reports a failed handshake without the reason.
    if (!kCpprestBackend) CHECK(unknown.message.find("issuer is not trusted") != std::string::npos);
    auto system_store = start_over_https(emu, nullptr, 0);
    CHECK(system_store.rc == DL_ETLS);
    INFO(unknown.message << " | " << system_store.message);
  }
  {
    auto emu = tls_emulator("wrong-host");
    auto wrong = start_over_https(emu, certificates().ca().c_str(), 0);
    INFO(wrong.message);
    CHECK(wrong.rc == DL_ETLS);
    if (!kCpprestBackend) CHECK(wrong.message.find("not valid for '127.0.0.1'") != std::string::npos);
  }
  {
    auto emu = tls_emulator("expired");
    auto expired = start_over_https(emu, certificates().ca().c_str(), 0);
    INFO(expired.message);
    CHECK(expired.rc == DL_ETLS);
    if (!kCpprestBackend) CHECK(expired.message.find("expired") != std::string::npos);
  }
}

TEST_CASE("insecure_skip_tls_verify accepts any certificate and warns loudly", "[integration][tls]") {
  auto emu = tls_emulator("expired");
  auto capture = std::make_unique<LogCapture>(DL_LOG_WARN);
  auto started = start_over_https(emu, nullptr, 1);
  const auto lines = capture->taken();
  capture.reset();
  INFO(started.message);
  CHECK(started.rc == DL_OK);
  bool warned = false;
  for (const auto &line : lines)
    warned = warned || (line.first == DL_LOG_WARN && line.second.find("INSECURE") != std::string::npos);
  CHECK(warned);
}
