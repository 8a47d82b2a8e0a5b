#include "options.hpp"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "errors.hpp"

namespace dlcli {

namespace {

const char *const kGlobal = "global options";
const char *const kOptions = "options";
const char *const kCredentials = "credentials";

const char *const kFooter =
    "credentials: a token (--token, --token-file or $DIRECTLINE_TOKEN) or a secret\n"
    "(--secret-file, --secret-stdin or $DIRECTLINE_SECRET); a secret is never taken from argv.\n"
    "output: the service's JSON on stdout; errors on stderr as\n"
    "  directline: MESSAGE (CODE, HTTP STATUS, SERVICE CODE)\n"
    "exit codes: 0 ok, 1 local failure, 2 usage or invalid argument, 3 unauthorized (401),\n"
    "  4 forbidden (403), 5 token expired, 6 not found (404), 7 rejected request (400/409/413),\n"
    "  8 throttled (429), 9 bot error (502/504), 10 server error (5xx), 11 network or TLS,\n"
    "  12 timeout, 13 malformed response, 14 conversation ended, 130 interrupted.\n"
    "Run 'directline COMMAND --help' for the options of a command.\n";

// Root help: usage, commands, global options, footer. A command's help: its
// usage line first, its own options, then the global options it also takes.
class Help : public CLI::Formatter {
 public:
  struct Doc {
    std::string synopsis;
    std::string details;
  };
  std::map<std::string, Doc> docs;

  std::string make_help(const CLI::App *app, std::string, CLI::AppFormatMode mode) const override {
    if (mode == CLI::AppFormatMode::Sub) return make_expanded(app);
    std::ostringstream out;
    const CLI::App *root = app->get_parent();
    if (!root) {
      out << "usage: directline [options] COMMAND [command options]\n\n"
          << app->get_description() << "\n"
          << make_subcommands(app, mode) << groups(app) << "\n"
          << make_footer(app);
      return out.str();
    }
    const Doc &doc = docs.at(app->get_name());
    out << "usage: directline " << doc.synopsis << "\n\n" << app->get_description() << ".\n";
    if (!doc.details.empty()) out << doc.details << "\n";
    out << make_positionals(app) << groups(app) << groups(root);
    return out.str();
  }

 private:
  // Each named group of options, one blank line before each.
  std::string groups(const CLI::App *app) const {
    std::string out;
    for (const std::string &group : app->get_groups()) {
      auto opts = app->get_options(
          [&](const CLI::Option *opt) { return opt->get_group() == group && opt->nonpositional(); });
      if (!group.empty() && !opts.empty()) out += make_group(group, false, opts);
    }
    return out;
  }
};

CLI::Validator count_at_least(int min) {
  return CLI::Validator(
      [min](std::string &text) -> std::string {
        errno = 0;
        char *end = nullptr;
        long v = std::strtol(text.c_str(), &end, 10);
        if (errno || end == text.c_str() || *end || v < min || v > 1000000000)
          return "expected an integer >= " + std::to_string(min) + ", got '" + text + "'";
        return "";
      },
      "");
}

CLI::Validator seconds() {
  return CLI::Validator(
      [](std::string &text) -> std::string {
        errno = 0;
        char *end = nullptr;
        double v = std::strtod(text.c_str(), &end);
        if (errno || end == text.c_str() || *end || !(v >= 0) || v > 86400.0 * 365)
          return "expected seconds >= 0, got '" + text + "'";
        return "";
      },
      "");
}

CLI::Validator not_empty() {
  return CLI::Validator([](std::string &text) -> std::string { return text.empty() ? "is empty" : ""; }, "");
}

CLI::Validator one_of(std::vector<std::string> allowed) {
  return CLI::Validator(
      [allowed](std::string &text) -> std::string {
        for (const auto &a : allowed)
          if (text == a) return "";
        std::string list;
        for (size_t i = 0; i < allowed.size(); ++i)
          list += (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ") + allowed[i];
        return "expected " + list + ", got '" + text + "'";
      },
      "");
}

// "--name" of "--name=value".
std::string option_name(const std::string &arg) { return arg.substr(0, arg.find('=')); }

bool has_option(const CLI::App *app, const std::string &name) {
  try {
    app->get_option(name);
    return true;
  } catch (const CLI::OptionNotFound &) {
    return false;
  }
}

}  // namespace

CommandLine::CommandLine(Options &options)
    : options_(options), app_(std::make_unique<CLI::App>("A client for the Bot Framework Direct Line API (3.0 and 1.1).", "directline")) {
  auto help = std::make_shared<Help>();
  help->column_width(34);
  help->label("Positionals", "arguments");
  app_->formatter(help);  // before the subcommands: they inherit it
  app_->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  // Global options are defined once, on the root; fallthrough lets every
  // command take them after its name too. Leftovers are checked by hand for
  // clearer messages ("does not apply to", "unknown command").
  app_->fallthrough();
  app_->allow_extras();
  app_->require_subcommand(0, 1);
  app_->set_help_flag("-h,--help", "show help (for a command: directline COMMAND --help)")->group(kGlobal);

  Options &o = options_;
  auto global = [&](CLI::Option *opt) { opt->group(kGlobal); };
  global(app_->add_option("--endpoint", o.endpoint,
                         "Direct Line base URL, e.g. http://127.0.0.1:PORT/v3/directline, or a region:\n"
                         "global (default), europe, india, usgov, china")
             ->type_name("URL")
             ->envname("DIRECTLINE_ENDPOINT"));
  global(app_->add_option("--api", o.api, "protocol version (default 3.0)")
             ->type_name("3.0|1.1")
             ->check(one_of({"3.0", "1.1"})));
  global(app_->add_option("--user-id", o.user_id,
                         "the user sending activities (default user1); for generate-token,\n"
                         "the user bound into the token (default none)")
             ->type_name("ID")
             ->envname("DIRECTLINE_USER_ID")
             ->check(not_empty()));
  global(app_->add_option("--timeout", o.timeout_s, "bound on each request, retries included")
             ->type_name("SECONDS")
             ->check(seconds()));
  global(app_->add_option("--retries", o.retries, "attempts for retryable calls (1: no retry)")
             ->type_name("N")
             ->check(count_at_least(1)));
  global(app_->add_flag("--insecure-http", o.insecure_http, "allow plain http/ws to a non-loopback host"));
  global(app_->add_flag("--insecure-skip-tls-verify", o.insecure_tls, "do not verify certificates (tests only)"));
  global(app_->add_option("--ca-file", o.ca_file, "PEM bundle of trusted certificate authorities")->type_name("FILE"));
  global(app_->add_option("--log-level", o.log_level, "library log to stderr (redacted)")
             ->type_name("debug|info|warn|error")
             ->check(one_of({"debug", "info", "warn", "error"})));
  global(app_->add_flag("--version", o.version, "print the library version"));

  // `directline help [COMMAND]`: hidden (no group), same text as --help.
  CLI::App *help_command = app_->add_subcommand("help", "show help");
  help_command->group("")->add_option("topic", help_topic_, "a command")->type_name("COMMAND");
  help->docs["help"] = {"help [COMMAND]", ""};
}

CommandLine::~CommandLine() = default;

CLI::App *CommandLine::command(const std::string &name, const std::string &summary, const std::string &synopsis,
                               const std::string &details, Run run) {
  CLI::App *cmd = app_->add_subcommand(name, summary);
  cmd->group("commands");
  cmd->set_help_flag("-h,--help", "")->group("");  // listed once, with the global options
  static_cast<Help *>(app_->get_formatter().get())->docs[name] = {synopsis, details};
  runs_[name] = std::move(run);
  return cmd;
}

void CommandLine::option(CLI::App *cmd, const std::string &name, std::string &into, const std::string &type,
                         const std::string &help) {
  cmd->add_option(name, into, help)->type_name(type)->group(kOptions);
}

void CommandLine::option(CLI::App *cmd, const std::string &name, std::optional<std::string> &into,
                         const std::string &type, const std::string &help) {
  cmd->add_option(name, into, help)->type_name(type)->group(kOptions);
}

void CommandLine::option(CLI::App *cmd, const std::string &name, std::vector<std::string> &into,
                         const std::string &type, const std::string &help) {
  cmd->add_option(name, into, help)->type_name(type)->group(kOptions);
}

void CommandLine::count(CLI::App *cmd, const std::string &name, int &into, int min, const std::string &type,
                        const std::string &help) {
  cmd->add_option(name, into, help)->type_name(type)->group(kOptions)->check(count_at_least(min));
}

void CommandLine::flag(CLI::App *cmd, const std::string &name, bool &into, const std::string &help) {
  cmd->add_flag(name, into, help)->group(kOptions);
}

void CommandLine::positional(CLI::App *cmd, const std::string &name, std::string &into, const std::string &type,
                             const std::string &help) {
  cmd->add_option(name, into, help)->type_name(type)->required();
}

void CommandLine::positional(CLI::App *cmd, const std::string &name, std::vector<std::string> &into,
                             const std::string &type, const std::string &help) {
  cmd->add_option(name, into, help)->type_name(type);
}

void CommandLine::credentials(CLI::App *cmd, CredentialOptions which) {
  Options &o = options_;
  if (which != CredentialOptions::Secret) {
    cmd->add_option("--token", o.token, "a Direct Line token (or $DIRECTLINE_TOKEN)")
        ->type_name("TOKEN")
        ->group(kCredentials);
    cmd->add_option("--token-file", o.token_file, "read the token from FILE")->type_name("FILE")->group(kCredentials);
  }
  if (which != CredentialOptions::Token)
    cmd->add_option("--secret-file", o.secret_file,
                    "read the secret from FILE (first line; - for stdin); or set $DIRECTLINE_SECRET")
        ->type_name("FILE")
        ->group(kCredentials);
  if (which == CredentialOptions::Secret || which == CredentialOptions::Either)
    cmd->add_flag("--secret-stdin", o.secret_stdin, "read the secret from the first line of stdin")
        ->group(kCredentials);
}

void CommandLine::conversation(CLI::App *cmd, bool required) {
  auto *opt = cmd->add_option("--conversation", options_.conversation, "the conversation id")
                  ->type_name("ID")
                  ->group(kOptions)
                  ->check(not_empty());
  if (required) opt->required();
}

void CommandLine::watermark(CLI::App *cmd) {
  option(cmd, "--watermark", options_.watermark, "W", "resume after this watermark");
}

void CommandLine::receiving(CLI::App *cmd) {
  flag(cmd, "--polling", options_.polling, "receive by polling instead of the WebSocket stream");
  count(cmd, "--poll-interval", options_.poll_interval_ms, 1, "MS", "polling interval (default 1000)");
}

void CommandLine::wait(CLI::App *cmd, const std::string &help) {
  cmd->add_option("--wait", options_.wait_s, help)->type_name("SECONDS")->group(kOptions)->check(seconds());
}

std::string CommandLine::help_for(const std::string &command) const {
  if (command.empty()) return app_->get_formatter()->make_help(app_.get(), "", CLI::AppFormatMode::Normal);
  return app_->get_subcommand(command)->help();
}

// What CLI11 left over (allow_extras): an unknown command or option, an option
// of another command, or a stray argument.
void CommandLine::check_leftovers(const CLI::App *selected) const {
  std::vector<std::string> rest = app_->remaining();
  if (selected)
    for (const auto &r : selected->remaining()) rest.push_back(r);
  if (rest.empty()) return;
  const std::string &first = rest.front();
  const std::string command = selected ? selected->get_name() : "";
  if (first.size() > 1 && first[0] == '-') {
    const std::string name = option_name(first);
    if (selected && has_option(selected, name))
      throw UsageError("option " + name + " belongs after the command: directline " + command + " " + name, command);
    for (const CLI::App *other : app_->get_subcommands([](const CLI::App *) { return true; }))
      if (selected && has_option(other, name))
        throw UsageError("option " + name + " does not apply to '" + command + "'", command);
    throw UsageError("unknown option '" + name + "'", command);
  }
  if (!selected) throw UsageError("unknown command '" + first + "'", "");
  throw UsageError("unexpected argument '" + first + "'", command);
}

std::optional<int> CommandLine::parse(int argc, char **argv) {
  app_->footer(kFooter);  // after the subcommands: they would inherit it
  auto selected = [&]() -> const CLI::App * {
    auto chosen = app_->get_subcommands();
    return chosen.empty() ? nullptr : chosen.front();
  };
  try {
    app_->parse(argc, argv);
  } catch (const CLI::CallForHelp &) {
    std::cout << app_->help();
    return kExitOk;
  } catch (const CLI::ParseError &e) {
    const CLI::App *cmd = selected();
    throw UsageError(e.what(), cmd ? cmd->get_name() : "");
  }
  const CLI::App *cmd = selected();
  if (options_.version) {
    std::cout << "directline " << directline::version() << "\n";
    return kExitOk;
  }
  if (cmd && cmd->get_name() == "help") {
    if (!cmd->remaining().empty() || !app_->remaining().empty()) check_leftovers(cmd);
    if (!help_topic_.empty() && help_topic_ != "help" && !runs_.count(help_topic_))
      throw UsageError("unknown command '" + help_topic_ + "'", "");
    std::cout << help_for(help_topic_);
    return kExitOk;
  }
  check_leftovers(cmd);
  if (!cmd) {
    std::cerr << app_->help();
    return kExitUsage;
  }
  options_.command = cmd->get_name();
  return std::nullopt;
}

int CommandLine::run() const { return runs_.at(options_.command)(options_); }

directline::ClientOptions client_options(const Options &o) {
  directline::ClientOptions c;
  c.endpoint = o.endpoint;
  c.api_version = o.api == "1.1" ? directline::ApiVersion::V1_1 : directline::ApiVersion::V3;
  if (o.timeout_s) {
    auto ms = std::chrono::milliseconds(std::max<long long>(1, static_cast<long long>(*o.timeout_s * 1000)));
    c.request_timeout = ms;
    c.retry_deadline = ms;
    if (ms < std::chrono::seconds(10)) c.connect_timeout = ms;
  }
  if (o.retries) c.retry_max_attempts = *o.retries;
  c.allow_insecure_http = o.insecure_http;
  c.insecure_skip_tls_verify = o.insecure_tls;
  if (!o.ca_file.empty() && access(o.ca_file.c_str(), R_OK) != 0)
    throw LocalError("cannot read CA file '" + o.ca_file + "'");
  c.ca_file = o.ca_file;
  c.receive_mode = o.polling ? directline::ReceiveMode::Polling : directline::ReceiveMode::Auto;
  c.polling_interval = std::chrono::milliseconds(o.poll_interval_ms);
  c.user_agent = "directline-cli";
  return c;
}

std::string user_id(const Options &o) { return o.user_id.empty() ? "user1" : o.user_id; }

std::chrono::milliseconds to_ms(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

}  // namespace dlcli
