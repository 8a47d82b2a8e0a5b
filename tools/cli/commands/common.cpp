#include "common.hpp"

#include "../credentials.hpp"
#include "../paging.hpp"

namespace dlcli {

json token_json(const directline::Token &t) {
  json out = json::object();
  if (auto id = t.conversation_id()) out["conversationId"] = *id;
  out["token"] = t.value();
  if (t.expires_in() > 0) out["expires_in"] = t.expires_in();
  return out;
}

json conversation_json(const directline::Conversation &c) {
  json out = json::object();
  out["conversationId"] = c.id();
  if (auto t = c.token()) out["token"] = *t;
  if (c.expires_in() > 0) out["expires_in"] = c.expires_in();
  if (auto s = c.stream_url()) out["streamUrl"] = *s;
  return out;
}

json id_json(const std::optional<std::string> &id) {
  json out = json::object();
  if (id) out["id"] = *id;
  return out;
}

directline::Conversation open_existing(directline::Client &client, const Options &o) {
  Credential cred = resolve_credential(o, Need::Either);
  return client.open_conversation(cred.value, o.conversation);
}

directline::Conversation open_for_receiving(directline::Client &client, const Options &o,
                                            const std::function<void(const json &)> &emit_history) {
  Credential cred = resolve_credential(o, Need::Either);
  std::optional<std::string> watermark = o.watermark;
  if (!watermark) {
    auto probe = client.open_conversation(cred.value, o.conversation);
    watermark = drain_history(probe, [&](const json &a) {
      if (o.from_start) emit_history(a);
    });
  }
  return client.open_conversation(cred.value, o.conversation, watermark);
}

std::string string_field(const json &object, const char *key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return (it != object.end() && it->is_string()) ? it->get<std::string>() : "";
}

std::string sender_id(const json &activity) {
  auto from = activity.is_object() ? activity.find("from") : activity.end();
  if (from == activity.end()) return "";
  return from->is_string() ? from->get<std::string>() : string_field(*from, "id");
}

}  // namespace dlcli
