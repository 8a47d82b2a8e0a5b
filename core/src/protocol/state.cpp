#include "protocol/state.hpp"

#include "protocol/messages.hpp"

namespace directline::core::protocol {

const char *api_version_name(ApiVersion v) { return v == ApiVersion::v3 ? "3.0" : "1.1"; }

std::string state_to_json(const ConversationState &state) {
  Json doc;
  doc["stateVersion"] = kStateFormatVersion;
  doc["conversationId"] = state.conversation_id;
  doc["token"] = state.token ? Json(*state.token) : nullptr;
  doc["watermark"] = state.watermark ? Json(*state.watermark) : nullptr;
  doc["endpoint"] = state.endpoint;
  doc["apiVersion"] = api_version_name(state.api_version);
  doc["expiresIn"] = state.expires_in;
  if (!state.delivered_ids.empty()) doc["deliveredIds"] = state.delivered_ids;
  return doc.dump();
}

Outcome<ConversationState> state_from_json(const std::string &json) {
  auto parsed = parse_untrusted_json(json, Code::invalid, "state_json");
  if (!parsed) return parsed.error();
  const Json &doc = *parsed;
  auto bad = [](const std::string &why) { return Error::make(Code::invalid, "state_json: " + why); };
  if (!doc.is_object()) return bad("not a JSON object");
  auto version = doc.find("stateVersion");
  if (version != doc.end() && (!version->is_number_integer() || version->get<int>() > kStateFormatVersion))
    return bad("unsupported stateVersion");
  ConversationState state;
  auto id = doc.find("conversationId");
  if (id == doc.end() || !id->is_string() || id->get<std::string>().empty())
    return bad("missing conversationId");
  state.conversation_id = id->get<std::string>();
  auto token = doc.find("token");
  if (token != doc.end() && token->is_string() && !token->get<std::string>().empty())
    state.token = token->get<std::string>();
  auto wm = doc.find("watermark");
  if (wm != doc.end() && wm->is_string()) state.watermark = wm->get<std::string>();
  auto endpoint = doc.find("endpoint");
  if (endpoint == doc.end() || !endpoint->is_string()) return bad("missing endpoint");
  state.endpoint = endpoint->get<std::string>();
  auto api = doc.find("apiVersion");
  if (api == doc.end() || !api->is_string()) return bad("missing apiVersion");
  if (api->get<std::string>() == "3.0") state.api_version = ApiVersion::v3;
  else if (api->get<std::string>() == "1.1") state.api_version = ApiVersion::v1_1;
  else return bad("unknown apiVersion");
  auto expires = doc.find("expiresIn");
  if (expires != doc.end() && expires->is_number_integer()) state.expires_in = expires->get<int>();
  auto delivered = doc.find("deliveredIds");
  if (delivered != doc.end() && !delivered->is_null()) {
    if (!delivered->is_array() || delivered->size() > kMaxStateDeliveredIds)
      return bad("deliveredIds must be an array of at most " + std::to_string(kMaxStateDeliveredIds) + " ids");
    for (const auto &item : *delivered) {
      if (!item.is_string() || item.get<std::string>().empty())
        return bad("deliveredIds must hold non-empty strings");
      state.delivered_ids.push_back(item.get<std::string>());
    }
  }
  return state;
}

}  // namespace directline::core::protocol
