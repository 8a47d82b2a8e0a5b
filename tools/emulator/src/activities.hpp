// The activity log of every conversation: user activities in (stored, streamed, sent to the
// bot), bot activities out (stored, streamed), and the one WebSocket per conversation that
// carries them as ActivitySet frames.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "bot.hpp"
#include "clock.hpp"
#include "http_types.hpp"
#include "options.hpp"
#include "responses.hpp"
#include "store.hpp"

namespace dlemu {

// Result of a WebSocket handshake check.
struct StreamGrant {
  std::shared_ptr<Conversation> conversation;
  uint64_t replay_from = 0;
  int ws_close_after = 0;  // fault: close with 1001 after every N activity frames (0 = never)
  int64_t delay_ms = 0;    // fault: wait before accepting
};

class Activities {
 public:
  // `base_url` is read when activities go to the bot (it is known once the port is bound).
  Activities(const Options &options, const Clock &clock, const std::string &base_url);
  void set_bot(std::unique_ptr<Bot> bot) { bot_ = std::move(bot); }

  static json bot_account();

  // --- user side
  // Fills channel fields, stores and streams a user activity; returns its id, or an error.
  std::optional<Outcome> append_user(const std::shared_ptr<Conversation> &conversation,
                                     json &activity, ApiVersion version, std::string &id);
  // Stores a user activity, sends it to the bot and answers the POST once the bot did
  // (POST activity, upload, 1.1 POST message).
  void post_user(const std::shared_ptr<Conversation> &conversation, json activity,
                 ApiVersion version, Reply reply, bool v1_no_content);
  // Tells the bot a conversation started (URL bots only); `done` runs when it answered.
  void announce_start(const std::shared_ptr<Conversation> &conversation, std::function<void()> done);

  // --- bot side: the bot sends an activity into a conversation. Sets `id`, or returns the
  // error to report: 400 past 256K characters, 403 when the conversation is full or (unless
  // `even_after_end`, or --allow-post-after-end) has ended.
  std::optional<Outcome> bot_send(const std::shared_ptr<Conversation> &conversation, json activity,
                                  const std::string &reply_to_id, std::string &id,
                                  bool even_after_end = false);

  // --- the conversation's WebSocket
  // Registers a new socket (collision rules, replay). False: the sink was closed instead.
  bool attach_stream(const StreamGrant &grant, const std::shared_ptr<StreamSink> &sink);
  void detach_stream(Conversation &conversation, const StreamSink *sink);
  // Closes the conversation's socket with `code`; false when it had none.
  bool drop_stream(Conversation &conversation, uint16_t code, const std::string &reason);

  int64_t open_sockets() const { return open_sockets_.load(); }
  uint64_t stored_total() const { return stored_total_.load(); }

 private:
  // Sends a stored user activity to the bot (with a user conversationUpdate first if due).
  void forward_to_bot(const std::shared_ptr<Conversation> &conversation, json activity, BotDone done);
  json conversation_update(const std::shared_ptr<Conversation> &conversation, bool with_bot,
                           bool with_user);
  // Appends a serialized activity to the log (lock held) and streams it; or the error when
  // it is too large for an activity or for what the conversation may still hold.
  std::optional<Outcome> store_locked(Conversation &c, std::string text, ApiVersion version);

  const Options &options_;
  const Clock &clock_;
  const std::string &base_url_;
  std::unique_ptr<Bot> bot_;
  std::atomic<int64_t> open_sockets_{0};
  std::atomic<uint64_t> stored_total_{0};
};

}  // namespace dlemu
