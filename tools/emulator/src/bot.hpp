// The bot behind the emulator: the built-in echo bot or a remote Bot Connector endpoint.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace dlemu {

class Conversation;

struct BotResult {
  enum class Kind { delivered, rejected, timeout, unreachable } kind = Kind::delivered;
  int status = 0;    // the bot's HTTP status (delivered / rejected)
  std::string body;  // the bot's response body (rejected: reported as innerHttpError)
};

using BotDone = std::function<void(BotResult)>;

class Bot {
 public:
  virtual ~Bot() = default;
  // Delivers one activity; `done` runs exactly once, on any thread, with no lock held.
  virtual void deliver(const std::shared_ptr<Conversation> &conversation, nlohmann::json activity,
                       BotDone done) = 0;
  // Whether the bot is told about members (conversationUpdate); the echo bot ignores them.
  virtual bool wants_conversation_updates() const = 0;
};

}  // namespace dlemu
