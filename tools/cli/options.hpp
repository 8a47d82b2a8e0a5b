// Command-line parsing for the `directline` CLI: one getopt_long table shared by
// all subcommands, each option tagged with the subcommands that accept it.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace dlcli {

// A mistake in the command line: reported with a hint to --help, exit code 2.
struct UsageError : std::runtime_error {
  UsageError(const std::string &message, std::string command)
      : std::runtime_error(message), command(std::move(command)) {}
  std::string command;
};

struct Options {
  std::string command;  // empty: none given
  bool help = false;
  bool version = false;

  // Connection (every subcommand).
  std::string endpoint;  // empty: $DIRECTLINE_ENDPOINT, else the library default
  std::string api = "3.0";
  std::string user_id;   // empty: $DIRECTLINE_USER_ID, else "user1"
  std::optional<double> timeout_s;
  std::optional<int> retries;
  bool insecure_http = false;
  bool insecure_tls = false;
  std::string ca_file;
  bool polling = false;
  int poll_interval_ms = 0;
  std::string log_level;

  // Credential sources.
  std::optional<std::string> token;
  std::optional<std::string> token_file;
  std::optional<std::string> secret_file;
  bool secret_stdin = false;

  // Conversation subcommands.
  std::string conversation;
  std::optional<std::string> watermark;

  // generate-token.
  std::string user_name;
  std::vector<std::string> trusted_origins;

  // send / upload.
  std::optional<std::string> text;
  std::optional<std::string> activity;
  std::optional<std::string> activity_file;
  std::vector<std::string> files;
  std::string content_type;

  // listen / chat.
  bool from_start = false;
  bool skip_own = false;
  bool json_output = false;
  int max_count = 0;
  std::optional<double> wait_s;
  std::vector<std::string> types;

  std::vector<std::string> positional;
};

// Parses argv. Throws UsageError. The secret is never accepted on argv.
Options parse_options(int argc, char **argv);

// The text for `directline --help` (command empty) or `directline CMD --help`.
std::string usage(const std::string &command);

// True for a known subcommand name.
bool is_command(const std::string &name);

}  // namespace dlcli
