// What every request handler works with: the options, the clock, auth, the conversations,
// their activities (and the bot behind them), faults and uploaded files.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>

#include "activities.hpp"
#include "attachments.hpp"
#include "auth.hpp"
#include "clock.hpp"
#include "faults.hpp"
#include "http_types.hpp"
#include "options.hpp"
#include "responses.hpp"
#include "store.hpp"

namespace dlemu {

class Context {
 public:
  Context(const Options &options, boost::asio::io_context &io);

  const Options &options;
  boost::asio::io_context &io;
  std::string base_url;  // http(s)://HOST:PORT of the listener, set once bound
  Clock clock;
  Auth auth;
  ConversationStore store;
  FaultInjector faults;
  AttachmentStore attachments;
  Activities activities;

  // The conversation (touched), or nullptr (unknown or evicted).
  std::shared_ptr<Conversation> find_conversation(const std::string &id);
  // authenticate + authorize + find for a conversation route (the conversation id is the
  // route's first parameter). On failure it replies with the error (401, 403, or 404 with the
  // version's code) and returns nullopt.
  struct Opened {
    Caller caller;
    std::shared_ptr<Conversation> conversation;
  };
  std::optional<Opened> open_conversation(const RequestContext &request, ApiVersion version,
                                          const Reply &reply);
  // scheme://host[:port] for URLs handed to clients: the request's Host when it is a host
  // name or address with an optional port (works behind a port forward), else the listener's
  // own address.
  std::string public_base(const RequestContext &request, bool websocket) const;
  std::string stream_url(const RequestContext &request, const Conversation &conversation,
                         const std::string &user_id, uint64_t replay_from);
  void evict_idle();
};

}  // namespace dlemu
