// chat: each stdin line is sent, the bot's replies are printed; streamed
// replies grow in place. With --token-endpoint it talks to a Copilot Studio
// agent: region, token, greeting.
#include <unistd.h>

#include <condition_variable>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "../credentials.hpp"
#include "../errors.hpp"
#include "../output.hpp"
#include "../terminal.hpp"
#include "commands.hpp"
#include "common.hpp"

namespace dlcli {

namespace {

// The main thread waits for the bot's answer to what it sent: the reply to
// its id (replyToId), or any bot message when the id is unknown (1.1, the
// greeting). The receiving thread reports what it sees.
class Replies {
 public:
  void expect() {
    std::lock_guard<std::mutex> lock(mutex_);
    awaiting_ = true;
    id_.reset();
  }
  // The id the post returned; a reply that came first already counted.
  void sent(const std::optional<std::string> &id) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (awaiting_ && id) id_ = id;
  }
  void seen(const std::string &reply_to) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (awaiting_ && (!id_ || reply_to == *id_)) {
      awaiting_ = false;
      changed_.notify_all();
    }
  }
  // The receiver stopped: the bot ended the conversation, or an error.
  void finish(std::optional<directline::Error> error, bool ended) {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
    ended_ = ended;
    error_ = std::move(error);
    changed_.notify_all();
  }
  // True when the answer came within `timeout`.
  bool wait(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return !awaiting_ || done_; });
    return !awaiting_;
  }
  bool done() {
    std::lock_guard<std::mutex> lock(mutex_);
    return done_;
  }
  bool ended() {
    std::lock_guard<std::mutex> lock(mutex_);
    return ended_;
  }
  std::optional<directline::Error> error() {
    std::lock_guard<std::mutex> lock(mutex_);
    return error_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool awaiting_ = false;
  std::optional<std::string> id_;
  bool done_ = false;
  bool ended_ = false;
  std::optional<directline::Error> error_;
};

// Prints what the bot sends: text (streamed chunks growing in place), sign-in
// links, "[type]" for other activities, or every activity as NDJSON.
class ReplyPrinter {
 public:
  ReplyPrinter(bool json_output, bool terminal) : json_output_(json_output), live_(terminal) {}

  void print(const directline::Activity &activity) {
    if (json_output_) {
      print_line(one_line(activity.json()));
      return;
    }
    const std::string type = activity.type();
    const auto text = activity.text();
    const bool has_text = text && !text->empty();
    const std::string stream = activity.stream_id().value_or("");
    if (type == "typing") {
      if (!stream.empty() && has_text) live_.update(stream, activity.stream_sequence(), *text);
      return;
    }
    const auto signin = activity.signin_url();
    if (has_text) live_.message(stream, *text);
    else if (!signin && type != "endOfConversation") live_.message("", "[" + type + "]");
    if (signin) live_.message("", "sign in: " + *signin);
  }

  void end_line() { live_.end_line(); }

 private:
  bool json_output_;
  LiveText live_;
};

// The agent's Direct Line endpoint from its regional settings, or the
// configured one (default: global) with a warning when they cannot be read.
std::string agent_endpoint(directline::Client &lookup, const std::string &token_endpoint) {
  try {
    return lookup.fetch_regional_endpoint(token_endpoint);
  } catch (const directline::Error &e) {
    print_error("warning: no regional endpoint for the agent: " + describe(e) + "; using " + lookup.endpoint());
    return lookup.endpoint();
  }
}

void check_chat_usage(const Options &o) {
  const bool agent = !o.token_endpoint.empty();
  const bool explicit_credential = o.token || o.token_file || o.secret_file;
  if (agent && explicit_credential)
    throw UsageError("give --token-endpoint or a credential, not both", o.command);
  if (agent && !o.conversation.empty())
    throw UsageError("--token-endpoint starts a new conversation: drop --conversation", o.command);
  if (!o.conversation.empty() && (o.greet || !o.locale.empty() || !o.timezone.empty()))
    throw UsageError("--greet, --locale and --timezone apply when chat starts the conversation", o.command);
  if (o.api == "1.1" && (agent || o.stream))
    throw UsageError(std::string(agent ? "--token-endpoint" : "--stream") + " needs --api 3.0", o.command);
}

int run_chat(const Options &o) {
  check_chat_usage(o);
  InterruptWatcher interrupts;  // before any client: their threads inherit the signal mask
  const auto reply_wait = to_ms(o.wait_s.value_or(15.0));
  directline::ClientOptions settings = client_options(o);
  settings.stream_replies = o.stream;

  directline::StartOptions start;
  if (!o.user_id.empty()) start.user_id = o.user_id;
  if (!o.user_name.empty()) start.user_name = o.user_name;
  if (!o.locale.empty()) start.locale = o.locale;
  if (!o.timezone.empty()) start.local_timezone = o.timezone;
  start.send_start_event = o.greet || !o.token_endpoint.empty();

  std::optional<directline::Client> client;
  std::optional<directline::Conversation> holder;
  if (!o.token_endpoint.empty()) {
    directline::Client lookup(settings);
    settings.endpoint = agent_endpoint(lookup, o.token_endpoint);
    auto token = lookup.fetch_token(o.token_endpoint);
    client.emplace(settings);
    holder.emplace(client->start_conversation(token.value(), start));  // user id: given or generated
  } else if (o.conversation.empty()) {
    Credential cred = resolve_credential(o, Need::Either);
    client.emplace(settings);
    if (!start.user_id) start.user_id = user_id(o);
    const bool plain = !start.send_start_event && !start.user_name && !start.locale && !start.local_timezone;
    holder.emplace(plain ? client->start_conversation(cred.value) : client->start_conversation(cred.value, start));
  } else {
    client.emplace(settings);
    holder.emplace(open_for_receiving(*client, o, [](const json &) {}));
  }
  directline::Conversation &conversation = *holder;
  const std::string me = conversation.user_id().value_or(user_id(o));
  print_error("listening to conversation " + conversation.id());
  WatchGuard watch(interrupts, conversation);

  Replies replies;
  ReplyPrinter printer(o.json_output, isatty(STDOUT_FILENO) != 0);
  if (start.send_start_event) replies.expect();  // the greeting
  std::thread receiver([&] {
    while (true) {
      std::optional<directline::Activity> activity;
      try {
        activity = conversation.next_activity(-1);
      } catch (const directline::Error &e) {
        printer.end_line();
        const bool ended = e.code() == DL_EENDED;
        if (ended) print_error("the conversation has ended");
        replies.finish(e.code() != DL_ECANCELLED && !ended ? std::optional<directline::Error>(e) : std::nullopt,
                       ended);
        interrupts.wake();
        return;
      }
      if (!activity || activity->is_own() || activity->from_id() == me) continue;
      printer.print(*activity);
      if (activity->type() != "typing") replies.seen(activity->reply_to_id().value_or(""));
    }
  });
  struct Joiner {
    directline::Conversation &c;
    std::thread &t;
    ~Joiner() {
      c.close();
      if (t.joinable()) t.join();
    }
  } joiner{conversation, receiver};

  if (start.send_start_event && !replies.wait(reply_wait) && !replies.done()) {
    std::ostringstream note;
    note << "warning: no greeting within " << o.wait_s.value_or(15.0) << " s";
    print_error(note.str());
  }
  const bool interactive = isatty(STDIN_FILENO);
  LineReader reader(interrupts.wake_fd());
  std::string line;
  bool last_answered = true;
  while (!replies.done()) {
    if (interactive) std::cerr << "> " << std::flush;
    if (!reader.next(line)) break;
    if (trim(line).empty()) continue;
    if (replies.done()) break;
    replies.expect();
    std::optional<std::string> id;
    if (o.locale.empty()) {
      id = conversation.send_message(me, line);
    } else {  // agents read the language of each message
      id = conversation.post_activity(
          json{{"type", "message"}, {"from", {{"id", me}}}, {"text", line}, {"locale", o.locale}}.dump());
    }
    replies.sent(id);
    last_answered = replies.wait(reply_wait);
  }
  if (interrupts.interrupted()) return kExitInterrupted;
  if (auto error = replies.error()) return report(*error);
  if (replies.ended()) return kExitOk;  // the bot said goodbye: a normal end of the chat
  if (!last_answered) {
    std::ostringstream message;
    message << "no reply from the bot within " << o.wait_s.value_or(15.0) << " s (DL_ETIMEOUT)";
    print_error(message.str());
    return kExitTimeout;
  }
  return kExitOk;
}

}  // namespace

void add_chat(CommandLine &cl) {
  Options &o = cl.options();
  auto *cmd = cl.command(
      "chat", "interactive: send each stdin line, print the bot's replies; exits on EOF",
      "chat [--conversation ID | --token-endpoint URL] [--stream] [--locale L] [--wait S] [--json]",
      "Without --conversation, starts a new one (its id goes to stderr). Each line read from\n"
      "stdin is sent as a message; the bot's replies are printed as they arrive. Streamed\n"
      "replies (--stream) grow in place on a terminal, one line per update otherwise.\n"
      "With --token-endpoint (a Copilot Studio agent's token URL, see fetch-token) it finds\n"
      "the agent's region, gets a token, starts with the greeting event and prints the greeting.",
      run_chat);
  cl.conversation(cmd, false);
  cl.option(cmd, "--token-endpoint", o.token_endpoint, "URL", "start with a token from this agent token endpoint");
  cl.flag(cmd, "--stream", o.stream, "ask for streamed replies (deliveryMode stream)");
  cl.flag(cmd, "--greet", o.greet, "send the startConversation event (always with --token-endpoint)");
  cl.option(cmd, "--locale", o.locale, "L", "the user's locale, e.g. fr-FR");
  cl.option(cmd, "--timezone", o.timezone, "TZ", "the user's time zone, e.g. Europe/Paris");
  cl.option(cmd, "--user-name", o.user_name, "NAME", "the user's name in the greeting event");
  cl.flag(cmd, "--json", o.json_output, "print replies as NDJSON instead of text");
  cl.wait(cmd, "how long to wait for each reply (default 15)");
  cl.receiving(cmd);
  cl.credentials(cmd, CredentialOptions::EitherFromFile);
}

}  // namespace dlcli
