// Start / token / reconnect answers (the Conversation object), 1.1 token
// strings and ResourceResponse ids.
#include "fuzz_support.hpp"
#include "protocol/messages.hpp"

using namespace directline::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, std::size_t size) {
  const std::string body = fuzz::text(data, size);
  auto conversation = protocol::parse_conversation(body);
  if (conversation) {
    FUZZ_CHECK(conversation->expires_in >= 0);
    FUZZ_CHECK(!conversation->token || !conversation->token->empty());
    FUZZ_CHECK(!conversation->stream_url || !conversation->stream_url->empty());
  } else {
    FUZZ_CHECK(conversation.error().code == Code::protocol);
  }
  auto token = protocol::parse_json_string_token(body);
  FUZZ_CHECK(token ? !token->empty() : token.error().code == Code::protocol);
  auto id = protocol::parse_resource_id(body);
  FUZZ_CHECK(id || id.error().code == Code::protocol);
  return 0;
}
