// REST over https: verification on by default (DL_ETLS for an unknown
// issuer), a CA file makes it pass, insecure_skip_tls_verify only if asked.
#include <cstdlib>

#include <unistd.h>

#include "integration_support.hpp"

using namespace itest;

namespace {

// A throwaway self-signed certificate for 127.0.0.1 / localhost.
struct SelfSigned {
  std::string dir, cert, key;
  SelfSigned() {
    char pattern[] = "/tmp/core_tls_XXXXXX";
    REQUIRE(mkdtemp(pattern) != nullptr);
    dir = pattern;
    cert = dir + "/cert.pem";
    key = dir + "/key.pem";
    std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost"
                      " -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout " + key +
                      " -out " + cert + " >/dev/null 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
  }
  ~SelfSigned() {
    unlink(cert.c_str());
    unlink(key.c_str());
    rmdir(dir.c_str());
  }
};

int start_over_https(const Emulator &emu, const char *ca_file, int skip_verify) {
  dl_client_options o;
  dl_client_options_init(&o);
  std::string endpoint = emu.v3();
  o.endpoint = endpoint.c_str();
  o.ca_file = ca_file;
  o.insecure_skip_tls_verify = skip_verify;
  o.retry_max_attempts = 1;
  dl_client *raw = nullptr;
  REQUIRE(dl_client_new(&o, &raw) == DL_OK);
  ClientPtr client(raw);
  dl_conversation *conv = nullptr;
  int rc = dl_start_conversation(raw, dltest::kSecret, &conv);
  dl_conversation_free(conv);
  return rc;
}

}  // namespace

TEST_CASE("https: unknown issuer is DL_ETLS; a CA file or the explicit opt-out works",
          "[integration][tls]") {
  SelfSigned trusted;
  SelfSigned other;
  Emulator emu({"--tls-cert", trusted.cert, "--tls-key", trusted.key});
  REQUIRE(emu.base_url().rfind("https://", 0) == 0);
  int rc = start_over_https(emu, nullptr, 0);
  INFO(last_message());
  CHECK(rc == DL_ETLS);
  CHECK(start_over_https(emu, other.cert.c_str(), 0) == DL_ETLS);
  rc = start_over_https(emu, trusted.cert.c_str(), 0);
  INFO(last_message());
  CHECK(rc == DL_OK);
  CHECK(start_over_https(emu, nullptr, 1) == DL_OK);
}
