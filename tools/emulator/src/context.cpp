#include "context.hpp"

#include "echo_bot.hpp"
#include "log.hpp"
#include "remote_bot.hpp"
#include "util.hpp"

namespace dlemu {

namespace {
constexpr size_t kAttachmentBytes = 64u << 20;
}  // namespace

Context::Context(const Options &options, boost::asio::io_context &io)
    : options(options), io(io), auth(options, clock), faults(options.seed),
      attachments(kAttachmentBytes), activities(options, clock, base_url) {
  for (const auto &spec : options.faults) {
    FaultRule rule;
    std::string error;
    if (!parse_fault_spec(spec, rule, error)) throw std::invalid_argument("--fault: " + error);
    faults.add(rule);
  }
  if (options.bot == "echo") activities.set_bot(make_echo_bot(activities));
  else activities.set_bot(make_remote_bot(io, options.bot, options.bot_timeout_ms));
}

std::shared_ptr<Conversation> Context::find_conversation(const std::string &id) {
  int64_t now = clock.now_seconds();
  // Idle beyond --idle-evict counts as gone even before the periodic sweep runs.
  store.erase_if_idle(id, now - options.idle_evict_s);
  auto conversation = store.find(id);
  if (conversation) conversation->touch(now);
  return conversation;
}

std::optional<Outcome> Context::open_conversation(const RequestContext &request, const std::string &id,
                                                  ApiVersion version, Caller &caller,
                                                  std::shared_ptr<Conversation> &conversation) {
  if (auto error = auth.authenticate(request, version, caller)) return error;
  if (auto error = auth.authorize_conversation(caller, id, version)) return error;
  conversation = find_conversation(id);
  if (conversation) return std::nullopt;
  // 1.1 has a NotFound code; 3.0 reports an unknown id as BadArgument.
  return error_outcome(404, version == ApiVersion::v1 ? "NotFound" : "BadArgument",
                       "Unknown conversation", version);
}

std::string Context::public_base(const RequestContext &request, bool websocket) const {
  std::string scheme = websocket ? (request.tls ? "wss" : "ws") : (request.tls ? "https" : "http");
  auto it = request.msg.find(http::field::host);
  std::string host;
  if (it != request.msg.end()) host = std::string(trim(it->value()));
  bool usable = !host.empty() && host.size() < 256 &&
                host.find_first_of("/\\ ?#@\"<>") == std::string::npos;
  if (!usable) return scheme + base_url.substr(base_url.find(':'));
  return scheme + "://" + host;
}

std::string Context::stream_url(const RequestContext &request, const Conversation &conversation,
                                const std::string &user_id, uint64_t replay_from) {
  return public_base(request, true) + "/v3/directline/conversations/" + url_encode(conversation.id) +
         "/stream?watermark=" + std::to_string(replay_from) + "&t=" +
         auth.issue_stream_token(conversation.id, user_id, replay_from);
}

void Context::evict_idle() {
  size_t n = store.evict_idle(clock.now_seconds() - options.idle_evict_s);
  if (n) log(LogLevel::info, "evicted ", n, " idle conversations");
}

}  // namespace dlemu
