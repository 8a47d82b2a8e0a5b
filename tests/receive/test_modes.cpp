// The stream over TLS (wss, verified against a CA file, SNI/host check) and
// receiving from a Direct Line 1.1 conversation (polling only).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <thread>

#include <unistd.h>

#include "receive_support.hpp"

using namespace rtest;
using namespace std::chrono;

namespace {

struct Certificate {
  std::string dir, cert, key;
  Certificate() {
    char tmpl[] = "/tmp/receive_tls_XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    cert = dir + "/cert.pem";
    key = dir + "/key.pem";
    const std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -keyout " + key + " -out " + cert +
        " -addext subjectAltName=IP:127.0.0.1,DNS:localhost >/dev/null 2>&1";
    REQUIRE(std::system(command.c_str()) == 0);
  }
  ~Certificate() {
    unlink(cert.c_str());
    unlink(key.c_str());
    rmdir(dir.c_str());
  }
};

// Typing is only ever delivered by the stream: seeing it proves wss worked.
void expect_echo_over_the_stream(dl_client *client) {
  auto conversation = start_with_secret(client);
  dl_activity *none = nullptr;
  dl_conversation_next_activity(conversation.get(), 0, &none);
  std::this_thread::sleep_for(milliseconds(500));  // let the socket open before the bot types
  REQUIRE(dl_conversation_send_message(conversation.get(), "user1", "secure", nullptr) == DL_OK);
  auto result = receive_bot_texts(conversation.get(), 1, "echo: secure", seconds(10));
  INFO(last_error_text());
  REQUIRE(result.matching.size() == 1);
  bool typing = false;
  for (auto &o : result.others) typing = typing || o.type == "typing";
  CHECK(typing);
}

}  // namespace

TEST_CASE("wss_stream_verified_against_a_ca_file", "[stream][tls]") {
  Certificate certificate;
  dltest::EmulatorProcess emulator({"--tls-cert", certificate.cert, "--tls-key", certificate.key});
  REQUIRE(emulator.base_url().rfind("https://", 0) == 0);
  dl_client_options options;
  dl_client_options_init(&options);
  const std::string endpoint = emulator.v3();
  options.endpoint = endpoint.c_str();
  options.ca_file = certificate.cert.c_str();
  dl_client *raw = nullptr;
  REQUIRE(dl_client_new(&options, &raw) == DL_OK);
  ClientPtr client(raw);
  expect_echo_over_the_stream(client.get());
}

TEST_CASE("wss_stream_with_verification_skipped_on_request", "[stream][tls]") {
  Certificate certificate;
  dltest::EmulatorProcess emulator({"--tls-cert", certificate.cert, "--tls-key", certificate.key});
  dl_client_options options;
  dl_client_options_init(&options);
  const std::string endpoint = emulator.v3();
  options.endpoint = endpoint.c_str();
  options.insecure_skip_tls_verify = 1;
  dl_client *raw = nullptr;
  REQUIRE(dl_client_new(&options, &raw) == DL_OK);
  ClientPtr client(raw);
  expect_echo_over_the_stream(client.get());
}

TEST_CASE("test_80_v1_conversation_receives_by_polling", "[polling][v1]") {
  dltest::EmulatorProcess emulator;
  dl_client_options options;
  dl_client_options_init(&options);
  const std::string endpoint = emulator.v1();
  options.endpoint = endpoint.c_str();
  options.api_version = DL_API_V1_1;
  options.polling_interval_ms = 100;
  dl_client *raw = nullptr;
  REQUIRE(dl_client_new(&options, &raw) == DL_OK);
  ClientPtr client(raw);
  auto conversation = start_with_secret(client.get());
  CHECK(dl_conversation_stream_url(conversation.get()) == nullptr);
  for (int i = 1; i <= 3; ++i) {
    const std::string text = "v1 " + std::to_string(i);
    REQUIRE(dl_conversation_send_message(conversation.get(), "user1", text.c_str(), nullptr) == DL_OK);
  }
  // Own messages come back first, then each echo (1.1 has no typing); all once.
  std::vector<std::string> texts;
  const auto until = steady_clock::now() + seconds(10);
  while (texts.size() < 6 && steady_clock::now() < until) {
    dl_activity *activity = nullptr;
    const int rc = dl_conversation_next_activity(conversation.get(), 1000, &activity);
    if (rc == DL_ETIMEOUT) continue;
    INFO(last_error_text());
    REQUIRE(rc == DL_OK);
    ActivityPtr owned(activity);
    texts.push_back(dl_activity_text(activity) ? dl_activity_text(activity) : "");
  }
  std::vector<std::string> echoes;
  for (auto &t : texts)
    if (t.rfind("echo: ", 0) == 0) echoes.push_back(t);
  CHECK(texts.size() == 6);
  CHECK(echoes == std::vector<std::string>{"echo: v1 1", "echo: v1 2", "echo: v1 3"});
  dl_activity *activity = nullptr;
  CHECK(dl_conversation_next_activity(conversation.get(), 300, &activity) == DL_ETIMEOUT);  // no duplicates
}
