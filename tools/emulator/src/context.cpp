#include "context.hpp"

#include <cctype>

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
  if (options.bot == "echo") activities.set_bot(make_echo_bot(activities, io, options, base_url));
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

std::optional<Context::Opened> Context::open_conversation(const RequestContext &request,
                                                          ApiVersion version, const Reply &reply) {
  const std::string &id = request.route.params.at(0);
  Opened opened;
  std::optional<Outcome> error = auth.authenticate(request, version, opened.caller);
  if (!error) error = auth.authorize_conversation(opened.caller, id, version);
  if (!error && !(opened.conversation = find_conversation(id))) {
    // 1.1 has a NotFound code; 3.0 reports an unknown id as BadArgument.
    error = error_outcome(404, version == ApiVersion::v1 ? "NotFound" : "BadArgument",
                          "Unknown conversation", version);
  }
  if (!error) return opened;
  reply(std::move(*error));
  return std::nullopt;
}

namespace {
// A Host header fit to put in a URL: a DNS name or IPv4 address, or a bracketed IPv6 address,
// with an optional port. Anything else (control bytes, non-ASCII, '/', '@', quotes...) is not
// used, so URLs and the JSON around them stay well-formed whatever a client sends.
bool usable_host(std::string_view host) {
  if (host.empty() || host.size() > 255) return false;
  size_t port_at = std::string_view::npos;
  if (host.front() == '[') {
    size_t close = host.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    for (char c : host.substr(1, close - 1))
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return false;
    if (close + 1 < host.size()) {
      if (host[close + 1] != ':') return false;
      port_at = close + 2;
    }
  } else {
    size_t colon = host.find(':');
    for (char c : host.substr(0, colon))
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') return false;
    if (colon == 0) return false;
    if (colon != std::string_view::npos) port_at = colon + 1;
  }
  if (port_at == std::string_view::npos) return true;
  int64_t port = 0;
  return parse_int64_in_range(host.substr(port_at), 0, 65535, port) && host.size() - port_at <= 5;
}
}  // namespace

std::string Context::public_base(const RequestContext &request, bool websocket) const {
  std::string scheme = websocket ? (request.tls ? "wss" : "ws") : (request.tls ? "https" : "http");
  auto it = request.msg.find(http::field::host);
  std::string_view host = it == request.msg.end() ? std::string_view{} : trim(it->value());
  if (!usable_host(host)) return scheme + base_url.substr(base_url.find(':'));
  return scheme + "://" + std::string(host);
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
