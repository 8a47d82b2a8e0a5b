// listen: the conversation's activities as NDJSON, as they arrive.
#include <iostream>
#include <set>
#include <sstream>

#include "../errors.hpp"
#include "../output.hpp"
#include "../terminal.hpp"
#include "commands.hpp"
#include "common.hpp"

namespace dlcli {

namespace {

int run_listen(const Options &o) {
  if (o.from_start && o.watermark) throw UsageError("give --watermark or --from-start, not both", o.command);
  InterruptWatcher interrupts;  // before the client: its threads inherit the signal mask
  const std::string me = user_id(o);
  const std::set<std::string> types(o.types.begin(), o.types.end());
  int printed = 0;
  bool ended = false;
  // Prints one activity if it passes the filters; notes endOfConversation.
  auto emit = [&](const json &a, bool own) {
    const std::string type = string_field(a, "type");
    if (type == "endOfConversation") ended = true;
    if (o.skip_own && (own || sender_id(a) == me)) return;
    if (!types.empty() && !types.count(type)) return;
    if (o.max_count > 0 && printed >= o.max_count) return;
    print_line(a.dump());
    ++printed;
  };
  auto done = [&] { return ended || (o.max_count > 0 && printed >= o.max_count); };

  directline::Client client(client_options(o));
  auto conversation = open_for_receiving(client, o, [&](const json &a) { emit(a, false); });
  WatchGuard watch(interrupts, conversation);
  // On stderr, so scripts can tell when activities sent from now on will be seen.
  print_error("listening to conversation " + conversation.id());

  const auto wait = o.wait_s ? to_ms(*o.wait_s) : std::chrono::milliseconds(-1);
  while (!done()) {
    std::optional<directline::Activity> activity;
    try {
      activity = conversation.next_activity(wait);
    } catch (const directline::Error &e) {
      if (e.code() == DL_EENDED) break;  // the bot ended it: a normal stop
      if (e.code() == DL_ECANCELLED && interrupts.interrupted()) return kExitInterrupted;
      throw;
    }
    if (!activity) {  // idle for --wait
      if (o.max_count > 0) {
        std::ostringstream message;
        message << "only " << printed << " of " << o.max_count << " activities within " << *o.wait_s
                << " s (DL_ETIMEOUT)";
        print_error(message.str());
        return kExitTimeout;
      }
      break;
    }
    json parsed = json::parse(activity->json(), nullptr, false);
    if (parsed.is_discarded()) throw protocol_error("malformed activity from the service");
    emit(parsed, activity->is_own());
  }
  return kExitOk;
}

}  // namespace

void add_listen(CommandLine &cl) {
  Options &o = cl.options();
  auto *cmd = cl.command(
      "listen", "print activities as they arrive, one JSON per line (NDJSON)",
      "listen --conversation ID [--watermark W | --from-start] [--max N] [--wait S] [--type T]... [--skip-own]",
      "Without --watermark or --from-start, prints what arrives from now on. Stops at\n"
      "endOfConversation, after --max activities, after --wait seconds idle, or on Ctrl-C.",
      run_listen);
  cl.conversation(cmd, true);
  cl.watermark(cmd);
  cl.flag(cmd, "--from-start", o.from_start, "first print every retained activity");
  cl.flag(cmd, "--skip-own", o.skip_own, "skip activities sent by --user-id");
  cl.count(cmd, "--max", o.max_count, 0, "N", "stop after N activities (exit 12 if the wait ends first)");
  cl.wait(cmd, "stop when nothing arrives for this long");
  cl.option(cmd, "--type", o.types, "TYPE", "print only activities of this type (repeatable)");
  cl.receiving(cmd);
  cl.credentials(cmd, CredentialOptions::Either);
}

}  // namespace dlcli
