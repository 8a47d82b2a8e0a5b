// Redaction of text a server or network chose (error messages, log lines):
// remembered credentials never survive, whatever surrounds them. Input:
// "CREDENTIAL\nTEXT"; the credential is also planted into the text.
#include <cctype>

#include "fuzz_support.hpp"
#include "redact.hpp"

using namespace directline::core;

namespace {
// Credentials the invariant can promise: letters and digits with at least
// one digit, so no occurrence can be made of the marker or the text around it.
bool checkable(const std::string &s) {
  bool digit = false;
  for (unsigned char c : s) {
    if (!std::isalnum(c)) return false;
    digit = digit || std::isdigit(c);
  }
  return digit && !s.empty();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, std::size_t size) {
  std::string text = fuzz::text(data, size);
  const std::string credential = fuzz::first_line(text);
  const std::string planted = text.substr(0, text.size() / 2) + " " + credential + " " + text.substr(text.size() / 2);
  const std::string out = redact_with(planted, {credential, "SENTINEL-SECRET-1"});
  FUZZ_CHECK(out.find("SENTINEL-SECRET-1") == std::string::npos);
  // Short credentials only go as whole tokens, so only the planted, space-bounded
  // copy is promised gone when it is short.
  if (checkable(credential) && credential.size() >= 6) FUZZ_CHECK(out.find(credential) == std::string::npos);
  if (checkable(credential) && credential.size() < 6)
    FUZZ_CHECK(out.find(" " + credential + " ") == std::string::npos);
  return 0;
}
