// Where the CLI takes a secret or token from: --token, --token-file,
// --secret-file, --secret-stdin, then $DIRECTLINE_TOKEN / $DIRECTLINE_SECRET.
// Never from argv for a secret; never echoed.
#pragma once

#include <string>

#include "options.hpp"

namespace dlcli {

enum class Need { Secret, Token, Either };

struct Credential {
  std::string value;
  bool is_secret = false;
};

// Exactly one explicit source, else the environment (a token before a
// secret). Throws UsageError when none fits `need`.
Credential resolve_credential(const Options &o, Need need);

// The whole file; LocalError naming `what` when it cannot be read.
std::string read_file(const std::string &path, const char *what);

// Without leading blanks and trailing blanks or line ends.
std::string trim(std::string s);

}  // namespace dlcli
