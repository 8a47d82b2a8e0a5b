// directline: command-line client for the Bot Framework Direct Line API.
// Built on directline.hpp (the C ABI) only. Prints the service's JSON on
// stdout; errors go to stderr with a distinct exit code per error class.
#include <directline.hpp>

#include <iostream>
#include <new>

#include "commands/commands.hpp"
#include "errors.hpp"
#include "options.hpp"
#include "output.hpp"

int main(int argc, char **argv) {
  using namespace dlcli;
  try {
    Options options;
    CommandLine cl(options);
    add_generate_token(cl);
    add_start_conversation(cl);
    add_refresh_token(cl);
    add_fetch_token(cl);
    add_reconnect(cl);
    add_send(cl);
    add_activities(cl);
    add_upload(cl);
    add_end(cl);
    add_listen(cl);
    add_chat(cl);
    try {
      if (auto done = cl.parse(argc, argv)) return *done;
      install_log_level(options.log_level);
      return cl.run();
    } catch (const UsageError &e) {
      std::cerr << "directline: " << e.what() << "\n"
                << "Try 'directline " << (e.command.empty() ? "" : e.command + " ") << "--help'.\n";
      return kExitUsage;
    }
  } catch (const directline::Error &e) {
    return report(e);
  } catch (const LocalError &e) {
    print_error(e.what());
    return e.exit_code;
  } catch (const std::bad_alloc &) {
    print_error("out of memory");
    return kExitLocal;
  } catch (const std::exception &e) {
    print_error(e.what());
    return kExitLocal;
  }
}
