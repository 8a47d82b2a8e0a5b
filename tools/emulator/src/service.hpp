// The Direct Line service behind the transport: auth, conversations, activities,
// the bot, faults and admin. The transport (server.cpp) calls handle() for every HTTP
// request and authorize_stream()/attach_stream() for WebSocket upgrades.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "attachments.hpp"
#include "bot.hpp"
#include "clock.hpp"
#include "faults.hpp"
#include "http_types.hpp"
#include "options.hpp"
#include "store.hpp"
#include "tokens.hpp"

namespace dlemu {

using json = nlohmann::json;

// Who made a request: a secret (any conversation) or a conversation token.
struct Caller {
  bool is_secret = false;
  TokenClaims claims;     // tokens only
  std::string token;      // the presented token (never logged)
};

// Result of a WebSocket handshake check.
struct StreamGrant {
  std::shared_ptr<Conversation> conversation;
  uint64_t replay_from = 0;
  int ws_close_after = 0;  // fault: close with 1001 after every N activity frames (0 = never)
  int64_t delay_ms = 0;    // fault: wait before accepting
};

enum class ApiVersion { v3, v1 };

class Service : public std::enable_shared_from_this<Service> {
 public:
  Service(const Options &options, boost::asio::io_context &io);
  void set_base_url(std::string url) { base_url_ = std::move(url); }
  const Options &options() const { return options_; }

  void handle(std::shared_ptr<RequestContext> request, Reply reply);
  // Either a rejection to send instead of 101, or a grant.
  std::optional<Outcome> authorize_stream(const RequestContext &request, StreamGrant &grant);
  // Registers a new socket (collision rules, replay). False: the sink was closed instead.
  bool attach_stream(const StreamGrant &grant, const std::shared_ptr<StreamSink> &sink);
  void detach_stream(Conversation &conversation, const StreamSink *sink);

  // The bot side: the bot sends an activity into a conversation; returns its id.
  std::string bot_send(const std::shared_ptr<Conversation> &conversation, json activity,
                       const std::string &reply_to_id);

  void evict_idle();
  std::atomic<int64_t> open_sockets{0};

 private:
  friend class EchoBot;
  // Dispatch after faults.
  void dispatch(std::shared_ptr<RequestContext> request, Reply reply);

  // Auth: on failure returns the error response.
  std::optional<Outcome> authenticate(const RequestContext &request, ApiVersion version,
                                      Caller &caller);
  std::optional<Outcome> authorize_conversation(const Caller &caller, const std::string &id,
                                                ApiVersion version);
  // The conversation (touched), or nullptr (unknown or evicted).
  std::shared_ptr<Conversation> find_conversation(const std::string &id);
  // authenticate + authorize_conversation + find_conversation for a conversation route;
  // on failure returns the error response (401, 403, or 404 with the version's code).
  std::optional<Outcome> open_conversation(const RequestContext &request, const std::string &id,
                                           ApiVersion version, Caller &caller,
                                           std::shared_ptr<Conversation> &conversation);

  // 3.0
  void on_generate(const RequestContext &request, Reply reply);
  void on_refresh(const RequestContext &request, Reply reply);
  void on_start(const RequestContext &request, Reply reply);
  void on_reconnect(const RequestContext &request, Reply reply);
  void on_get_activities(const RequestContext &request, Reply reply);
  void on_post_activity(const RequestContext &request, Reply reply);
  void on_upload(const RequestContext &request, Reply reply, ApiVersion version);
  void on_session_id(const RequestContext &request, Reply reply);
  // 1.1
  void on_v1_token(const RequestContext &request, Reply reply);
  void on_v1_renew(const RequestContext &request, Reply reply);
  void on_v1_start(const RequestContext &request, Reply reply);
  void on_v1_get_messages(const RequestContext &request, Reply reply);
  void on_v1_post_message(const RequestContext &request, Reply reply);
  // Bot Connector
  void on_bot_activity(const RequestContext &request, Reply reply);
  void on_bot_members(const RequestContext &request, Reply reply);
  void on_attachment(const RequestContext &request, Reply reply);
  // Admin
  void on_admin(const RequestContext &request, Reply reply);

  // Activities (activities.cpp).
  // Fills channel fields, stores and streams a user activity; returns its id, or an error.
  std::optional<Outcome> append_user_activity(const std::shared_ptr<Conversation> &conversation,
                                              json &activity, ApiVersion version, std::string &id);
  // Sends a stored user activity to the bot (with a user conversationUpdate first if due).
  void forward_to_bot(const std::shared_ptr<Conversation> &conversation, json activity,
                      BotDone done);
  // Common tail of POST activity / upload / 1.1 POST message.
  void post_user_activity(const std::shared_ptr<Conversation> &conversation, json activity,
                          ApiVersion version, Reply reply, bool v1_no_content);
  // Tells the bot a conversation started (URL bots only); `done` runs when it answered.
  void announce_start(const std::shared_ptr<Conversation> &conversation,
                      std::function<void()> done);
  json conversation_update(const std::shared_ptr<Conversation> &conversation, bool with_bot,
                           bool with_user);
  json bot_account() const;

  // Responses.
  std::string stream_url(const RequestContext &request, const Conversation &conversation,
                          const std::string &user_id, uint64_t replay_from,
                          std::optional<uint64_t> watermark);
  std::string public_base(const RequestContext &request, bool websocket) const;
  std::string issue_conversation_token(const std::string &conversation_id,
                                       const std::string &user_id, const std::string &user_name);

  const Options &options_;
  boost::asio::io_context &io_;
  std::string base_url_;
  Clock clock_;
  TokenAuthority tokens_;
  SecretSet secrets_;
  ConversationStore store_;
  FaultInjector faults_;
  AttachmentStore attachments_;
  std::unique_ptr<Bot> bot_;
  std::atomic<uint64_t> activities_total_{0};
};

// Response helpers (service.cpp).
HttpResponse json_response(http::status status, std::string body, unsigned version = 11);
Outcome error_outcome(int status, const std::string &code, const std::string &message,
                      ApiVersion version);
Outcome json_outcome(int status, std::string body);
// Parses a JSON body; on failure returns the 400 to send. Rejects absurd nesting.
std::optional<Outcome> parse_json_body(const std::string &body, json &out, ApiVersion version);
std::string dump_json(const json &value);

}  // namespace dlemu
