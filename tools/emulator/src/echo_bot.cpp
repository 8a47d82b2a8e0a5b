#include "echo_bot.hpp"

#include <algorithm>

#include <boost/asio/steady_timer.hpp>

#include "util.hpp"

namespace dlemu {

namespace {
bool french(const std::string &locale) { return locale.size() >= 2 && iequals(locale.substr(0, 2), "fr"); }

std::string string_field(const json &activity, const char *key) {
  auto it = activity.find(key);
  return it != activity.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The stream description in both documented forms: the `streaminfo` entity (Teams) and the
// channelData fields (Web Chat). The first chunk has no streamId: its own id becomes it.
void mark_stream(json &activity, const std::string &stream_id, const char *type, int sequence) {
  json info = {{"type", "streaminfo"}, {"streamType", type}};
  json channel_data = {{"streamType", type}};
  if (!stream_id.empty()) info["streamId"] = channel_data["streamId"] = stream_id;
  if (sequence > 0) info["streamSequence"] = channel_data["streamSequence"] = sequence;  // never on final
  activity["entities"] = json::array({info});
  activity["channelData"] = channel_data;
}

// One streamed reply in flight: sends the chunks after the first on a timer, then the final.
struct StreamedReply : std::enable_shared_from_this<StreamedReply> {
  StreamedReply(Activities &activities, boost::asio::io_context &io, int64_t delay_ms)
      : activities(activities), timer(io), delay(delay_ms) {}

  void next() {
    timer.expires_after(delay);
    timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->send_next();
    });
  }

  void send_next() {
    std::string id;
    bool last = sent == chunks.size();
    json activity = {{"type", last ? "message" : "typing"}, {"text", last ? chunks.back() : chunks[sent]}};
    if (last) mark_stream(activity, stream_id, "final", 0);
    else mark_stream(activity, stream_id, "streaming", static_cast<int>(sent) + 1);
    // A conversation that ended or filled up meanwhile ends the stream too.
    if (activities.bot_send(conversation, std::move(activity), reply_to, id) || last) return;
    ++sent;
    next();
  }

  Activities &activities;
  boost::asio::steady_timer timer;
  std::chrono::milliseconds delay;
  std::shared_ptr<Conversation> conversation;
  std::string reply_to, stream_id;
  std::vector<std::string> chunks;
  size_t sent = 0;
};

class EchoBot : public Bot {
 public:
  EchoBot(Activities &activities, boost::asio::io_context &io, const Options &options,
          const std::string &base_url)
      : activities_(activities), io_(io), options_(options), base_url_(base_url) {}

  void deliver(const std::shared_ptr<Conversation> &conversation, json activity,
               BotDone done) override {
    const std::string type = string_field(activity, "type");
    const std::string reply_to = string_field(activity, "id");
    if (type == "event" && string_field(activity, "name") == "startConversation") {
      greet(conversation, reply_to, string_field(activity, "locale"));
    } else if (type == "message") {
      const std::string text = string_field(activity, "text");
      if (iequals(trim(text), "login")) sign_in_card(conversation, reply_to);
      else if (string_field(activity, "deliveryMode") == "stream") stream(conversation, reply_to, "echo: " + text);
      else echo(conversation, reply_to, "echo: " + text);
    }
    done(BotResult{BotResult::Kind::delivered, 200, {}});
  }
  bool wants_conversation_updates() const override { return false; }

 private:
  // A conversation that ended or is full gets no answer: send errors are dropped.
  void send(const std::shared_ptr<Conversation> &conversation, json activity, const std::string &reply_to) {
    std::string id;
    activities_.bot_send(conversation, std::move(activity), reply_to, id);
  }

  void echo(const std::shared_ptr<Conversation> &conversation, const std::string &reply_to,
            const std::string &text) {
    send(conversation, json{{"type", "typing"}}, reply_to);
    send(conversation, json{{"type", "message"}, {"text", text}}, reply_to);
  }

  void greet(const std::shared_ptr<Conversation> &conversation, const std::string &reply_to,
             const std::string &locale) {
    json greeting = {{"type", "message"},
                     {"text", french(locale)
                                  ? "Bonjour ! Je suis le bot d'écho de l'émulateur. Écrivez-moi, je vous répondrai."
                                  : "Hello! I am the emulator's echo bot. Write to me and I will echo it."}};
    if (!locale.empty()) greeting["locale"] = locale;
    send(conversation, std::move(greeting), reply_to);
  }

  void sign_in_card(const std::shared_ptr<Conversation> &conversation, const std::string &reply_to) {
    std::string url = base_url_ + "/signin?conversationId=" + url_encode(conversation->id) +
                      "&state=" + random_id(12);
    json card = {{"text", "Sign in to continue"},
                 {"connectionName", "emulator"},
                 {"buttons", json::array({{{"type", "signin"}, {"title", "Sign in"}, {"value", url}}})}};
    send(conversation,
         json{{"type", "message"},
              {"text", "Please sign in."},
              {"attachments",
               json::array({{{"contentType", "application/vnd.microsoft.card.oauth"}, {"content", card}}})}},
         reply_to);
  }

  void stream(const std::shared_ptr<Conversation> &conversation, const std::string &reply_to,
              const std::string &text) {
    auto reply = std::make_shared<StreamedReply>(activities_, io_, options_.stream_delay_ms);
    reply->conversation = conversation;
    reply->reply_to = reply_to;
    reply->chunks = stream_chunks(text);
    // The first chunk goes out before the POST is answered; its id names the stream.
    json first = {{"type", "typing"}, {"text", reply->chunks.front()}};
    mark_stream(first, "", "streaming", 1);
    if (activities_.bot_send(conversation, std::move(first), reply_to, reply->stream_id)) return;
    reply->sent = 1;
    reply->next();
  }

  Activities &activities_;
  boost::asio::io_context &io_;
  const Options &options_;
  const std::string &base_url_;
};
}  // namespace

std::vector<std::string> stream_chunks(const std::string &text) {
  size_t words = 1;
  for (size_t i = 1; i < text.size(); ++i) words += text[i] != ' ' && text[i - 1] == ' ';
  const size_t n = std::clamp<size_t>(words, 3, 8);
  std::vector<std::string> chunks;
  for (size_t i = 1; i <= n; ++i) {
    size_t cut = text.size() * i / n;
    while (cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) ++cut;
    chunks.push_back(text.substr(0, cut));
  }
  return chunks;
}

std::unique_ptr<Bot> make_echo_bot(Activities &activities, boost::asio::io_context &io,
                                   const Options &options, const std::string &base_url) {
  return std::make_unique<EchoBot>(activities, io, options, base_url);
}

}  // namespace dlemu
