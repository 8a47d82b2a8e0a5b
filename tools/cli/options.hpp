// The command line of the `directline` CLI, parsed with CLI11: global options
// on the root (accepted before or after the command), each command's own
// options on its subcommand. The secret is never accepted on argv.
#pragma once

#include <directline.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}  // namespace CLI

namespace dlcli {

struct Options {
  std::string command;  // the selected subcommand; empty: none

  // Global options (every command).
  std::string endpoint;  // empty: $DIRECTLINE_ENDPOINT, else the library default
  std::string api = "3.0";
  std::string user_id;   // empty: $DIRECTLINE_USER_ID, else a per-command default
  std::optional<double> timeout_s;
  std::optional<int> retries;
  bool insecure_http = false;
  bool insecure_tls = false;
  std::string ca_file;
  std::string log_level;
  bool version = false;

  // Credential sources.
  std::optional<std::string> token;
  std::optional<std::string> token_file;
  std::optional<std::string> secret_file;
  bool secret_stdin = false;

  // Conversation commands.
  std::string conversation;
  std::optional<std::string> watermark;

  // generate-token, chat.
  std::string user_name;
  std::vector<std::string> trusted_origins;

  // fetch-token, chat: a token endpoint (Copilot Studio agents).
  std::string token_endpoint;

  // send / upload.
  std::optional<std::string> text;
  std::optional<std::string> activity;
  std::optional<std::string> activity_file;
  std::vector<std::string> files;
  std::string content_type;
  std::vector<std::string> words;  // send's positional text

  // listen / chat.
  bool polling = false;
  int poll_interval_ms = 0;
  bool from_start = false;
  bool skip_own = false;
  bool json_output = false;
  int max_count = 0;
  std::optional<double> wait_s;
  std::vector<std::string> types;

  // chat.
  std::string locale;
  std::string timezone;
  bool greet = false;
  bool stream = false;
};

// Which credential options a command takes.
enum class CredentialOptions { Secret, Token, Either, EitherFromFile };

// Builds the subcommands. Each command module adds its subcommand with
// `command()` and its options, and says how to run it.
class CommandLine {
 public:
  explicit CommandLine(Options &options);
  ~CommandLine();

  using Run = std::function<int(const Options &)>;
  // A new subcommand. synopsis: its usage line after "directline "; details:
  // a paragraph for its --help (may be empty).
  CLI::App *command(const std::string &name, const std::string &summary, const std::string &synopsis,
                    const std::string &details, Run run);

  // A command's own options, in its "options" group; only this file knows CLI11.
  void option(CLI::App *cmd, const std::string &name, std::string &into, const std::string &type,
              const std::string &help);
  void option(CLI::App *cmd, const std::string &name, std::optional<std::string> &into, const std::string &type,
              const std::string &help);
  void option(CLI::App *cmd, const std::string &name, std::vector<std::string> &into, const std::string &type,
              const std::string &help);  // repeatable
  void count(CLI::App *cmd, const std::string &name, int &into, int min, const std::string &type,
             const std::string &help);
  void flag(CLI::App *cmd, const std::string &name, bool &into, const std::string &help);
  // A required (or optional) argument after the options.
  void positional(CLI::App *cmd, const std::string &name, std::string &into, const std::string &type,
                  const std::string &help);
  void positional(CLI::App *cmd, const std::string &name, std::vector<std::string> &into, const std::string &type,
                  const std::string &help);

  // Options shared by several commands.
  void credentials(CLI::App *cmd, CredentialOptions which);
  void conversation(CLI::App *cmd, bool required);
  void watermark(CLI::App *cmd);
  void receiving(CLI::App *cmd);  // --polling, --poll-interval
  void wait(CLI::App *cmd, const std::string &help);

  // Parses argv; returns the exit code when the process should stop now
  // (help, version, usage errors), else nullopt and options().command is set.
  std::optional<int> parse(int argc, char **argv);
  int run() const;

  Options &options() { return options_; }

 private:
  void check_leftovers(const CLI::App *selected) const;
  std::string help_for(const std::string &command) const;
  Options &options_;
  std::unique_ptr<CLI::App> app_;
  std::map<std::string, Run> runs_;
  std::string help_topic_;
};

// Client settings from the global options (and $DIRECTLINE_ENDPOINT).
directline::ClientOptions client_options(const Options &o);

// --user-id, else $DIRECTLINE_USER_ID (CLI11 reads it), else "user1".
std::string user_id(const Options &o);

std::chrono::milliseconds to_ms(double seconds);

}  // namespace dlcli
