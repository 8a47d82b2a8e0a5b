#include "credentials.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>

#include "errors.hpp"
#include "output.hpp"

namespace dlcli {

namespace {

const char *env(const char *name) {
  const char *v = std::getenv(name);
  return (v && *v) ? v : nullptr;
}

std::string read_stdin_line(const char *what) {
  std::string line;
  if (!std::getline(std::cin, line) || trim(line).empty())
    throw LocalError(std::string("no ") + what + " on stdin", kExitUsage);
  return trim(line);
}

// The first line of a credential file ("-": stdin); never echoes the content.
std::string read_credential_file(const std::string &path, const char *what) {
  if (path == "-") return read_stdin_line(what);
  struct stat st {};
  if (stat(path.c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)))
    print_error(std::string("warning: ") + what + " file '" + path +
                "' is accessible by other users (chmod 600 it)");
  std::string data = read_file(path, what);
  std::string first = trim(data.substr(0, data.find('\n')));
  if (first.empty()) throw LocalError(std::string(what) + " file '" + path + "' is empty", kExitUsage);
  return first;
}

}  // namespace

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t'))
    s.pop_back();
  size_t start = s.find_first_not_of(" \t");
  return start == std::string::npos ? std::string() : s.substr(start);
}

std::string read_file(const std::string &path, const char *what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw LocalError(std::string("cannot read ") + what + " file '" + path + "'");
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw LocalError(std::string("cannot read ") + what + " file '" + path + "'");
  return data;
}

Credential resolve_credential(const Options &o, Need need) {
  int explicit_sources = (o.token ? 1 : 0) + (o.token_file ? 1 : 0) + (o.secret_file ? 1 : 0) +
                         (o.secret_stdin ? 1 : 0);
  if (explicit_sources > 1)
    throw UsageError("give only one of --token, --token-file, --secret-file, --secret-stdin", o.command);
  if (o.command == "chat" && o.secret_file && *o.secret_file == "-")
    throw UsageError("chat reads its messages from stdin: give --secret-file a file", o.command);

  if (o.token) {
    if (o.token->empty()) throw UsageError("--token is empty", o.command);
    return {*o.token, false};
  }
  if (o.token_file) return {read_credential_file(*o.token_file, "token"), false};
  if (o.secret_file) return {read_credential_file(*o.secret_file, "secret"), true};
  if (o.secret_stdin) return {read_stdin_line("secret"), true};
  if (need != Need::Secret)
    if (const char *t = env("DIRECTLINE_TOKEN")) return {trim(t), false};
  if (need != Need::Token)
    if (const char *s = env("DIRECTLINE_SECRET")) return {trim(s), true};
  switch (need) {
    case Need::Secret:
      throw UsageError("no secret: use --secret-file, --secret-stdin or $DIRECTLINE_SECRET", o.command);
    case Need::Token:
      throw UsageError("no token: use --token, --token-file or $DIRECTLINE_TOKEN", o.command);
    default:
      throw UsageError("no credential: a token (--token, --token-file, $DIRECTLINE_TOKEN) or a secret "
                       "(--secret-file, --secret-stdin, $DIRECTLINE_SECRET)",
                       o.command);
  }
}

}  // namespace dlcli
