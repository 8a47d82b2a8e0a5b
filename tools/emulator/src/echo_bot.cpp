#include "echo_bot.hpp"

namespace dlemu {

namespace {
// On every user message: a typing, then "echo: <text>", both before the POST is answered.
class EchoBot : public Bot {
 public:
  explicit EchoBot(Activities &activities) : activities_(activities) {}

  void deliver(const std::shared_ptr<Conversation> &conversation, json activity,
               BotDone done) override {
    if (activity.value("type", "") == "message") {
      std::string reply_to = activity.value("id", "");
      std::string text;
      if (auto it = activity.find("text"); it != activity.end() && it->is_string())
        text = it->get<std::string>();
      std::string id;  // a conversation that ended or is full gets no answer
      activities_.bot_send(conversation, json{{"type", "typing"}}, reply_to, id);
      activities_.bot_send(conversation, json{{"type", "message"}, {"text", "echo: " + text}},
                           reply_to, id);
    }
    done(BotResult{BotResult::Kind::delivered, 200, {}});
  }
  bool wants_conversation_updates() const override { return false; }

 private:
  Activities &activities_;
};
}  // namespace

std::unique_ptr<Bot> make_echo_bot(Activities &activities) {
  return std::make_unique<EchoBot>(activities);
}

}  // namespace dlemu
