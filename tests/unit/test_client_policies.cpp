// Client and Conversation over a scripted in-memory transport: which calls
// retry, credentials and headers, lenient start, token history, 1.1 mapping.
#include <catch2/catch.hpp>

#include <deque>
#include <mutex>

#include "client.hpp"
#include "conversation.hpp"
#include "protocol/messages.hpp"

using namespace directline::core;
using protocol::ApiVersion;
using protocol::Json;

namespace {

class ScriptedTransport : public HttpTransport {
 public:
  std::deque<Outcome<HttpResponse>> replies;
  std::vector<HttpRequest> requests;

  void reply(int status, std::string body, std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    replies.emplace_back(std::move(r));
  }
  void fail(Code code) { replies.emplace_back(Error::make(code, "scripted failure")); }

  Outcome<HttpResponse> send(const HttpRequest &request) override {
    requests.push_back(request);
    if (replies.empty()) return Error::make(Code::network, "no scripted reply");
    auto r = replies.front();
    replies.pop_front();
    return r;
  }

  std::string header(std::size_t i, const std::string &name) const {
    for (auto &h : requests.at(i).headers)
      if (h.first == name) return h.second;
    return "";
  }
};

struct Fixture {
  std::shared_ptr<ScriptedTransport> transport = std::make_shared<ScriptedTransport>();
  std::shared_ptr<Client> client;

  explicit Fixture(ApiVersion v = ApiVersion::v3) {
    ClientConfig config;
    config.endpoint = v == ApiVersion::v3 ? "http://127.0.0.1:1/v3/directline" : "http://127.0.0.1:1/api";
    config.api_version = v;
    config.retry.base_delay_ms = 1;
    config.retry.max_attempts = 4;
    client = *Client::create(config, transport);
  }

  std::shared_ptr<Conversation> start(const std::string &credential = "SENTINEL-SECRET-unit") {
    transport->reply(201, R"({"conversationId":"c1","token":"tok-1-from-start","expires_in":1800,"streamUrl":"ws://127.0.0.1:1/s?t=st"})");
    auto c = client->start_conversation(credential);
    REQUIRE(c.ok());
    return *c;
  }
};

}  // namespace

TEST_CASE("client creation validates the endpoint and proxy", "[client]") {
  ClientConfig c;
  c.endpoint = "http://example.com/v3/directline";
  CHECK(Client::create(c, std::make_shared<ScriptedTransport>()).error().code == Code::insecure);
  c.endpoint = "";
  auto public_default = Client::create(c, std::make_shared<ScriptedTransport>());
  REQUIRE(public_default.ok());
  CHECK((*public_default)->endpoint() == "https://directline.botframework.com/v3/directline");
  c.api_version = ApiVersion::v1_1;
  CHECK((*Client::create(c, std::make_shared<ScriptedTransport>()))->endpoint() ==
        "https://directline.botframework.com/api");
  c.transport.proxy = "socks5://x:1";
  CHECK(Client::create(c, std::make_shared<ScriptedTransport>()).error().code == Code::invalid);
}

TEST_CASE("16 start with a secret: Bearer secret, 201 new, secret kept for later calls", "[client]") {
  Fixture f;
  auto conv = f.start();
  CHECK(f.transport->requests[0].method == "POST");
  CHECK(f.transport->requests[0].url == "http://127.0.0.1:1/v3/directline/conversations");
  CHECK(f.transport->header(0, "Authorization") == "Bearer SENTINEL-SECRET-unit");
  CHECK(conv->is_new());
  CHECK(std::string(conv->id_cstr()) == "c1");
  CHECK(std::string(conv->token_cstr()) == "tok-1-from-start");
  CHECK(std::string(conv->stream_url_cstr()) == "ws://127.0.0.1:1/s?t=st");
  CHECK_FALSE(conv->credentials().holds_token());  // a secret never needs refreshing

  f.transport->reply(200, R"({"id":"c1|0000001"})");
  auto id = conv->send_message("u1", "hi");
  REQUIRE(id.ok());
  CHECK(**id == "c1|0000001");
  CHECK(f.transport->header(1, "Authorization") == "Bearer SENTINEL-SECRET-unit");
  CHECK_FALSE(f.transport->requests[0].idempotent);  // start: never on a reused connection
  CHECK_FALSE(f.transport->requests[1].idempotent);  // post: likewise
  auto body = Json::parse(f.transport->requests[1].body);
  CHECK(body["type"] == "message");
  CHECK(body["from"]["id"] == "u1");
  CHECK(body["text"] == "hi");
  CHECK_FALSE(body.contains("id"));
  CHECK(conv->is_own_activity("c1|0000001"));
  CHECK_FALSE(conv->is_own_activity("c1|0000002"));
}

TEST_CASE("18/19 start with an issued token uses the token; 200 is not new", "[client]") {
  Fixture f;
  f.transport->reply(200, R"({"conversationId":"c9","token":"tok-generated-1","expires_in":1800})");
  auto token = f.client->generate_token("SENTINEL-SECRET-unit", {});
  REQUIRE(token.ok());
  CHECK(token->conversation_id == std::optional<std::string>("c9"));
  f.transport->reply(200, R"({"conversationId":"c9","token":"tok-generated-1","expires_in":1800})");
  auto conv = f.client->start_conversation("tok-generated-1");
  REQUIRE(conv.ok());
  CHECK_FALSE((*conv)->is_new());
  CHECK((*conv)->credentials().holds_token());
  CHECK((*conv)->credentials().refresh_lifetime_s() == 1800);
}

TEST_CASE("lenient start: no token keeps the credential, no streamUrl means polling", "[client]") {
  Fixture f;
  f.transport->reply(201, R"({"conversationId":"c2","futureField":[1]})");
  auto conv = f.client->start_conversation("SENTINEL-SECRET-unit");
  REQUIRE(conv.ok());
  CHECK((*conv)->token_cstr() == nullptr);
  CHECK((*conv)->stream_url_cstr() == nullptr);
  CHECK_FALSE((*conv)->stream_url().has_value());
  f.transport->reply(201, R"({"token":"x"})");
  CHECK(f.client->start_conversation("SENTINEL-SECRET-unit").error().code == Code::protocol);
}

TEST_CASE("GET activities retries 5xx and network errors, then succeeds", "[client][retry]") {
  Fixture f;
  auto conv = f.start();
  f.transport->reply(500, R"({"error":{"code":"InjectedFault","message":"x"}})");
  f.transport->fail(Code::network);
  f.transport->reply(200, R"({"activities":[],"watermark":"0"})");
  auto body = conv->get_activities(std::string("0"));
  REQUIRE(body.ok());
  CHECK(f.transport->requests.size() == 4);
  CHECK(f.transport->requests[3].idempotent);
  CHECK(f.transport->requests[3].url == "http://127.0.0.1:1/v3/directline/conversations/c1/activities?watermark=0");
}

TEST_CASE("POST activity is never retried (502, 500, 429, network)", "[client][retry]") {
  for (int status : {502, 500, 429}) {
    Fixture f;
    auto conv = f.start();
    f.transport->reply(status, R"({"error":{"code":"BotRejectedActivity","message":"no"}})",
                       {{"Retry-After", "1"}});
    f.transport->reply(200, R"({"id":"dup"})");
    auto r = conv->send_message("u1", "once");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().http_status == status);
    CHECK(f.transport->requests.size() == 2);  // start + one post
  }
  // No answer at all (it may have been delivered): looked for by its
  // clientActivityID before it is sent again, once, with the same id.
  Fixture f;
  auto conv = f.start();
  f.transport->fail(Code::network);
  f.transport->reply(200, R"({"activities":[],"watermark":"1"})");
  f.transport->reply(200, R"({"activities":[],"watermark":"1"})");
  f.transport->reply(200, R"({"id":"c1|0000002"})");
  auto r = conv->send_message("u1", "once");
  REQUIRE(r.ok());
  REQUIRE(f.transport->requests.size() == 5);  // start, post, 2 looks, post
  CHECK(f.transport->requests[2].method == "GET");
  CHECK(f.transport->requests[1].body == f.transport->requests[4].body);
  CHECK(Json::parse(f.transport->requests[4].body)["channelData"]["clientActivityID"].is_string());
}

TEST_CASE("start is not retried; token calls are", "[client][retry]") {
  Fixture f;
  f.transport->reply(500, "");
  f.transport->reply(201, R"({"conversationId":"c1"})");
  CHECK(f.client->start_conversation("SENTINEL-SECRET-unit").error().code == Code::server);
  CHECK(f.transport->requests.size() == 1);
  f.transport->replies.clear();
  f.transport->reply(503, "");
  f.transport->reply(200, R"({"conversationId":"c3","token":"tok-gen-3","expires_in":60})");
  CHECK(f.client->generate_token("SENTINEL-SECRET-unit", {}).ok());
  CHECK(f.transport->requests.size() == 3);
}

TEST_CASE("a service that echoes the secret cannot leak it into the error", "[client][redact]") {
  Fixture f;
  f.transport->reply(403, R"({"error":{"code":"BadArgument","message":"bad secret SENTINEL-SECRET-echo-7"}})");
  auto r = f.client->start_conversation("SENTINEL-SECRET-echo-7");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Code::forbidden);
  CHECK(r.error().message.find("SENTINEL") == std::string::npos);
  CHECK(r.error().message.find("[redacted]") != std::string::npos);
}

TEST_CASE("credentials with whitespace or control characters are rejected before sending",
          "[client]") {
  Fixture f;
  CHECK(f.client->start_conversation("a b").error().code == Code::invalid);
  CHECK(f.client->start_conversation("abc\r\nX-Evil: 1").error().code == Code::invalid);
  CHECK(f.client->start_conversation("").error().code == Code::invalid);
  CHECK(f.transport->requests.empty());
}

TEST_CASE("8 refresh keeps every earlier token string alive and switches auth", "[client]") {
  Fixture f;
  f.transport->reply(200, R"({"conversationId":"c9","token":"tok-generated-A","expires_in":1800})");
  auto token = f.client->generate_token("SENTINEL-SECRET-unit", {});
  f.transport->reply(201, R"({"conversationId":"c9","token":"tok-generated-A","expires_in":1800})");
  auto conv = *f.client->start_conversation("tok-generated-A");
  const char *first = conv->token_cstr();
  f.transport->reply(200, R"({"conversationId":"c9","token":"tok-refreshed-B","expires_in":900})");
  REQUIRE(conv->refresh_token().ok());
  CHECK(f.transport->requests.back().url == "http://127.0.0.1:1/v3/directline/tokens/refresh");
  CHECK(f.transport->header(2, "Authorization") == "Bearer tok-generated-A");
  CHECK(std::string(first) == "tok-generated-A");  // borrowed pointer still valid
  CHECK(std::string(conv->token_cstr()) == "tok-refreshed-B");
  CHECK(conv->expires_in() == 900);
  f.transport->reply(200, R"({"activities":[]})");
  REQUIRE(conv->get_activities(std::nullopt).ok());
  CHECK(f.transport->header(3, "Authorization") == "Bearer tok-refreshed-B");
}

TEST_CASE("refresh of a secret conversation is invalid without a request", "[client]") {
  Fixture f;
  auto conv = f.start();
  CHECK(conv->refresh_token().error().code == Code::invalid);
  CHECK(f.transport->requests.size() == 1);
}

TEST_CASE("23 reconnect replaces the stream URL; old pointers stay valid", "[client]") {
  Fixture f;
  auto conv = f.start();
  const char *old_url = conv->stream_url_cstr();
  f.transport->reply(200, R"({"conversationId":"c1","token":"tok-2","streamUrl":"ws://127.0.0.1:1/s?t=new"})");
  REQUIRE(conv->reconnect_now(std::string("5")).ok());
  CHECK(f.transport->requests.back().url == "http://127.0.0.1:1/v3/directline/conversations/c1?watermark=5");
  CHECK(std::string(old_url) == "ws://127.0.0.1:1/s?t=st");
  CHECK(std::string(conv->stream_url_cstr()) == "ws://127.0.0.1:1/s?t=new");
}

TEST_CASE("66/67 end marks the conversation ended; later posts fail without a request",
          "[client]") {
  Fixture f;
  auto conv = f.start();
  f.transport->reply(200, R"({"id":"c1|0000003"})");
  REQUIRE(conv->end("u1").ok());
  CHECK(Json::parse(f.transport->requests[1].body)["type"] == "endOfConversation");
  CHECK(conv->is_ended());
  CHECK(conv->send_message("u1", "late").error().code == Code::ended);
  CHECK(f.transport->requests.size() == 2);
}

TEST_CASE("67 a 403 NotAllowed on post means the bot ended the conversation", "[client]") {
  Fixture f;
  auto conv = f.start();
  f.transport->reply(403, R"({"error":{"code":"NotAllowed","message":"ended"}})");
  auto r = conv->send_message("u1", "late");
  CHECK(r.error().code == Code::ended);
  CHECK(r.error().http_status == 403);
  CHECK(conv->is_ended());
}

TEST_CASE("58 upload: one file raw with Content-Disposition, several as multipart", "[client][upload]") {
  Fixture f;
  auto conv = f.start();
  f.transport->reply(200, R"({"id":"c1|0000004"})");
  auto id = conv->upload("u 1", {{"a.png", "image/png", "PNG"}}, nullptr);
  REQUIRE(id.ok());
  const auto &raw = f.transport->requests[1];
  CHECK(raw.url == "http://127.0.0.1:1/v3/directline/conversations/c1/upload?userId=u%201");
  CHECK(raw.content_type == "image/png");
  CHECK(f.transport->header(1, "Content-Disposition") == "name=\"file\"; filename=\"a.png\"");
  CHECK(raw.body == "PNG");

  f.transport->reply(200, R"({"id":"c1|0000005"})");
  std::string activity = R"({"text":"see files"})";
  REQUIRE(conv->upload("u1", {{"a.txt", "text/plain", "A"}, {"b.txt", "text/plain", "B"}}, &activity).ok());
  const auto &multi = f.transport->requests[2];
  CHECK(multi.content_type.rfind("multipart/form-data; boundary=", 0) == 0);
  CHECK(multi.body.find("application/vnd.microsoft.activity") != std::string::npos);
  CHECK(multi.body.find(R"("type":"message")") != std::string::npos);
  CHECK(multi.body.find(R"("from":{"id":"u1"})") != std::string::npos);
  CHECK(conv->upload("u1", {}, nullptr).error().code == Code::invalid);
}

TEST_CASE("export holds the token (never the secret) and resumes on a matching client", "[client][state]") {
  Fixture f;
  auto conv = f.start();
  auto state = conv->export_state();
  REQUIRE(state.ok());
  CHECK(state->find("SENTINEL-SECRET-unit") == std::string::npos);
  CHECK(state->find("tok-1-from-start") != std::string::npos);
  auto resumed = f.client->resume_conversation(*state);
  REQUIRE(resumed.ok());
  CHECK(std::string((*resumed)->id_cstr()) == "c1");
  CHECK((*resumed)->credentials().holds_token());

  Fixture other(ApiVersion::v1_1);
  CHECK(other.client->resume_conversation(*state).error().code == Code::invalid);
}

TEST_CASE("75-80 1.1: JSON-string tokens, messages, 204 without id, renew path", "[client][v1]") {
  Fixture f(ApiVersion::v1_1);
  f.transport->reply(200, "\"v1-token-abcdef\"");
  auto token = f.client->generate_token("SENTINEL-SECRET-unit", {});
  REQUIRE(token.ok());
  CHECK(token->token == "v1-token-abcdef");
  CHECK_FALSE(token->conversation_id);
  CHECK(f.transport->requests[0].url == "http://127.0.0.1:1/api/tokens/conversation");

  f.transport->reply(200, R"({"conversationId":"v1c","token":"v1-token-abcdef","expires_in":1800})");
  auto conv = *f.client->start_conversation("v1-token-abcdef");
  CHECK(conv->stream_url_cstr() == nullptr);
  f.transport->reply(204, "");
  auto id = conv->send_message("user1", "hello");
  REQUIRE(id.ok());
  CHECK_FALSE(id->has_value());
  auto body = Json::parse(f.transport->requests[2].body);
  CHECK(body["channelData"]["clientActivityID"].is_string());  // settles a lost answer
  body.erase("channelData");
  CHECK(body == Json::parse(R"({"from":"user1","text":"hello"})"));
  CHECK(f.transport->requests[2].url == "http://127.0.0.1:1/api/conversations/v1c/messages");

  f.transport->reply(200, "\"v1-token-renewed\"");
  REQUIRE(conv->refresh_token().ok());
  CHECK(f.transport->requests[3].url == "http://127.0.0.1:1/api/tokens/v1c/renew");
  CHECK(std::string(conv->token_cstr()) == "v1-token-renewed");
  CHECK(conv->reconnect(std::nullopt).error().code == Code::invalid);
  CHECK(f.client->refresh_token("v1-token-renewed", "").error().code == Code::invalid);
}
