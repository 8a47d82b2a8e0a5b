// Protocol layer: endpoints, JSON <-> structs (3.0 and 1.1), multipart.
#include <catch2/catch.hpp>

#include "protocol/dialect.hpp"
#include "protocol/endpoints.hpp"
#include "protocol/messages.hpp"
#include "protocol/multipart.hpp"

using namespace directline::core;
using namespace directline::core::protocol;

TEST_CASE("3.0 endpoints append the documented paths to the base", "[protocol]") {
  Endpoints e("http://127.0.0.1:9/v3/directline", ApiVersion::v3);
  CHECK(e.generate_token() == "http://127.0.0.1:9/v3/directline/tokens/generate");
  CHECK(e.refresh_token("ignored") == "http://127.0.0.1:9/v3/directline/tokens/refresh");
  CHECK(e.start_conversation() == "http://127.0.0.1:9/v3/directline/conversations");
  CHECK(e.reconnect("abc", std::nullopt) == "http://127.0.0.1:9/v3/directline/conversations/abc");
  CHECK(e.reconnect("abc", std::string("7")) ==
        "http://127.0.0.1:9/v3/directline/conversations/abc?watermark=7");
  CHECK(e.activities("abc") == "http://127.0.0.1:9/v3/directline/conversations/abc/activities");
  CHECK(e.activities("a|b", std::string("")) ==
        "http://127.0.0.1:9/v3/directline/conversations/a%7Cb/activities?watermark=");
  CHECK(e.upload("abc", "user 1") ==
        "http://127.0.0.1:9/v3/directline/conversations/abc/upload?userId=user%201");
}

TEST_CASE("1.1 endpoints use tokens/conversation, renew and messages", "[protocol][v1]") {
  Endpoints e("http://127.0.0.1:9/api", ApiVersion::v1_1);
  CHECK(e.generate_token() == "http://127.0.0.1:9/api/tokens/conversation");
  CHECK(e.refresh_token("c1") == "http://127.0.0.1:9/api/tokens/c1/renew");
  CHECK(e.start_conversation() == "http://127.0.0.1:9/api/conversations");
  CHECK(e.activities("c1", std::string("3")) ==
        "http://127.0.0.1:9/api/conversations/c1/messages?watermark=3");
  CHECK(e.upload("c1", "u") == "http://127.0.0.1:9/api/conversations/c1/upload?userId=u");
}

TEST_CASE("Conversation bodies parse leniently and keep what is there", "[protocol]") {
  auto full = parse_conversation(
      R"({"conversationId":"c1","token":"tok","expires_in":1800,"streamUrl":"ws://h/s?t=x","referenceGrammarId":"g","extra":{}})");
  REQUIRE(full.ok());
  CHECK(full->conversation_id == "c1");
  CHECK(full->token == std::optional<std::string>("tok"));
  CHECK(full->expires_in == 1800);
  CHECK(full->stream_url == std::optional<std::string>("ws://h/s?t=x"));

  auto bare = parse_conversation(R"({"conversationId":"c2"})");
  REQUIRE(bare.ok());
  CHECK_FALSE(bare->token.has_value());
  CHECK_FALSE(bare->stream_url.has_value());
  CHECK(bare->expires_in == 0);

  auto wrong = parse_conversation("[1,2]");
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().code == Code::protocol);
  CHECK_FALSE(parse_conversation("{\"conversationId\":").ok());
}

TEST_CASE("1.1 token bodies are JSON strings", "[protocol][v1]") {
  auto t = parse_json_string_token("\"RCurR_abc\"");
  REQUIRE(t.ok());
  CHECK(*t == "RCurR_abc");
  CHECK(parse_json_string_token(R"({"token":"x1"})").ok());
  CHECK(parse_json_string_token("RCurR_abc").error().code == Code::protocol);
  CHECK_FALSE(parse_json_string_token("\"\"").ok());
}

TEST_CASE("TokenParameters carry user and trusted origins, or nothing", "[protocol]") {
  CHECK(token_parameters_json(std::nullopt, std::nullopt, {}).empty());
  auto body = Json::parse(token_parameters_json(std::string("dl_abc"), std::string("Ann"),
                                                {"https://a.example"}));
  CHECK(body["user"]["id"] == "dl_abc");
  CHECK(body["user"]["name"] == "Ann");
  CHECK(body["trustedOrigins"][0] == "https://a.example");
}

TEST_CASE("27 ResourceResponse ids; empty bodies mean no id", "[protocol]") {
  auto id = parse_resource_id(R"({"id":"c1|0000001"})");
  REQUIRE(id.ok());
  CHECK(*id == std::optional<std::string>("c1|0000001"));
  auto none = parse_resource_id("");
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  CHECK(parse_resource_id("<html>").error().code == Code::protocol);
}

TEST_CASE("88 outgoing activities need type and from.id and are otherwise untouched",
          "[protocol]") {
  auto ok = parse_outgoing_activity(R"({"type":"message","from":{"id":"u1"},"zeta":1,"alpha":{"x":[1]}})");
  REQUIRE(ok.ok());
  CHECK(ok->dump() == R"({"type":"message","from":{"id":"u1"},"zeta":1,"alpha":{"x":[1]}})");
  CHECK(parse_outgoing_activity("not json").error().code == Code::invalid);
  CHECK(parse_outgoing_activity("[]").error().code == Code::invalid);
  CHECK(parse_outgoing_activity(R"({"from":{"id":"u1"}})").error().code == Code::invalid);
  CHECK(parse_outgoing_activity(R"({"type":"message"})").error().code == Code::invalid);
  CHECK(parse_outgoing_activity(R"({"type":"message","from":{"id":""}})").error().code == Code::invalid);
  CHECK(parse_outgoing_activity(R"({"type":7,"from":{"id":"u"}})").error().code == Code::invalid);
}

TEST_CASE("69 ActivitySets keep unknown fields, order and the watermark rules", "[protocol]") {
  auto batch = parse_activity_set(
      R"({"activities":[{"type":"message","id":"c|0000001","from":{"id":"bot"},"text":"hi","zz":{"k":true},"aa":1},
                        {"type":"typing","id":"c|0000002","from":{"id":"bot"}}],"watermark":"2"})",
      ApiVersion::v3);
  REQUIRE(batch.ok());
  REQUIRE(batch->activities.size() == 2);
  const auto &first = batch->activities[0];
  CHECK(first.id == "c|0000001");
  CHECK(first.type == "message");
  CHECK(first.text == std::optional<std::string>("hi"));
  CHECK(first.from_id == "bot");
  CHECK(first.json.find(R"("zz":{"k":true},"aa":1)") != std::string::npos);
  CHECK_FALSE(batch->activities[1].text.has_value());
  CHECK(batch->watermark == std::optional<std::string>("2"));
}

TEST_CASE("56 a null, missing or empty watermark stays unset; numbers become strings",
          "[protocol]") {
  CHECK_FALSE(parse_activity_set(R"({"activities":[],"watermark":null})", ApiVersion::v3)->watermark);
  CHECK_FALSE(parse_activity_set(R"({"activities":[]})", ApiVersion::v3)->watermark);
  CHECK_FALSE(parse_activity_set(R"({"activities":[],"watermark":""})", ApiVersion::v3)->watermark);
  CHECK(parse_activity_set(R"({"activities":[],"watermark":42})", ApiVersion::v3)->watermark ==
        std::optional<std::string>("42"));
  CHECK(parse_activity_set(R"({"watermark":"1"})", ApiVersion::v3).ok());
  CHECK(parse_activity_set(R"({"activities":{}})", ApiVersion::v3).error().code == Code::protocol);
  CHECK(parse_activity_set(R"({"activities":[1]})", ApiVersion::v3).error().code == Code::protocol);
  CHECK(parse_activity_set(R"({"activities":[{"type":"mess)", ApiVersion::v3).error().code ==
        Code::protocol);
}

TEST_CASE("80 1.1 MessageSets map messages onto activities", "[protocol][v1]") {
  auto batch = parse_activity_set(
      R"({"messages":[{"id":"c|000000000000000001","conversationId":"c","created":"2016-01-01T00:00:00Z","from":"user1","text":"hello"}],"watermark":"1","eTag":"*"})",
      ApiVersion::v1_1);
  REQUIRE(batch.ok());
  REQUIRE(batch->activities.size() == 1);
  CHECK(batch->activities[0].type == "message");
  CHECK(batch->activities[0].from_id == "user1");
  CHECK(batch->activities[0].text == std::optional<std::string>("hello"));
  CHECK(batch->activities[0].json.find("\"created\"") != std::string::npos);
  CHECK(batch->watermark == std::optional<std::string>("1"));
}

TEST_CASE("79 activities become 1.1 messages (text, from, attachments, channelData)",
          "[protocol][v1]") {
  auto activity = Json::parse(
      R"({"type":"message","from":{"id":"user1","name":"U"},"text":"hello","channelData":{"k":1},
          "attachments":[{"contentType":"image/png","contentUrl":"https://x/a.png"},{"content":{}}],"locale":"en"})");
  Json message = activity_to_v1_message(activity);
  CHECK(message["from"] == "user1");
  CHECK(message["text"] == "hello");
  CHECK(message["channelData"]["k"] == 1);
  REQUIRE(message["attachments"].size() == 1);
  CHECK(message["attachments"][0]["url"] == "https://x/a.png");
  CHECK(message["attachments"][0]["contentType"] == "image/png");
  CHECK_FALSE(message.contains("locale"));
  CHECK_FALSE(message.contains("type"));
}

TEST_CASE("58 a single raw file carries its type and a quoted file name", "[protocol][upload]") {
  auto body = raw_file_body(UploadPart{"a.png", "image/png", std::string("\x89PNG\0\1", 6)});
  CHECK(body.content_type == "image/png");
  CHECK(body.content_disposition == "name=\"file\"; filename=\"a.png\"");
  CHECK(body.body.size() == 6);
  auto nameless_type = raw_file_body(UploadPart{"we\"ird\r\n.bin", "", "x"});
  CHECK(nameless_type.content_type == "application/octet-stream");
  CHECK(nameless_type.content_disposition == "name=\"file\"; filename=\"we\\\"ird.bin\"");
}

TEST_CASE("59 multipart bodies: activity part first, one file part each, closing boundary",
          "[protocol][upload]") {
  std::string activity = R"({"type":"message","from":{"id":"u1"},"text":"two files"})";
  auto body = multipart_body({{"a.txt", "text/plain", "AAA"}, {"b.bin", "", "BBB"}}, &activity,
                             "application/vnd.microsoft.activity", "XyZ");
  CHECK(body.content_type == "multipart/form-data; boundary=XyZ");
  const std::string expected =
      "--XyZ\r\nContent-Type: application/vnd.microsoft.activity\r\n"
      "Content-Disposition: form-data; name=\"activity\"\r\n\r\n" + activity + "\r\n"
      "--XyZ\r\nContent-Type: text/plain\r\n"
      "Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nAAA\r\n"
      "--XyZ\r\nContent-Type: application/octet-stream\r\n"
      "Content-Disposition: form-data; name=\"file\"; filename=\"b.bin\"\r\n\r\nBBB\r\n"
      "--XyZ--\r\n";
  CHECK(body.body == expected);
  auto no_activity = multipart_body({{"a.txt", "text/plain", "A"}}, nullptr, "x", "B");
  CHECK(no_activity.body.find("name=\"activity\"") == std::string::npos);
}

TEST_CASE("the dialects say what differs between 3.0 and 1.1", "[protocol][v1]") {
  const Dialect &v3 = Dialect::of(ApiVersion::v3);
  const Dialect &v1 = Dialect::of(ApiVersion::v1_1);
  CHECK(v3.version() == ApiVersion::v3);
  CHECK(v1.version() == ApiVersion::v1_1);

  // Tokens: a Conversation object in 3.0, a JSON string in 1.1 (bound to the conversation asked for).
  auto issued = v3.parse_token(R"({"conversationId":"c1","token":"t1","expires_in":1800})", "refresh token", "");
  REQUIRE(issued);
  CHECK(issued->token == "t1");
  CHECK(issued->conversation_id == std::optional<std::string>("c1"));
  CHECK(issued->expires_in == 1800);
  auto missing = v3.parse_token(R"({"conversationId":"c1"})", "refresh token", "");
  REQUIRE(!missing);
  CHECK(missing.error().code == Code::protocol);
  CHECK(missing.error().message == "refresh token: response has no token");
  auto renewed = v1.parse_token(R"("t2")", "renew token", "c2");
  REQUIRE(renewed);
  CHECK(renewed->token == "t2");
  CHECK(renewed->conversation_id == std::optional<std::string>("c2"));
  CHECK(renewed->expires_in == 0);
  CHECK(!v1.parse_token("not json", "generate token", ""));
  CHECK(v1.generate_body(std::string("u"), std::nullopt, {}).empty());
  CHECK(Json::parse(v3.generate_body(std::string("u"), std::nullopt, {}))["user"]["id"] == "u");
  CHECK(v1.refresh_needs_conversation());
  CHECK(!v3.refresh_needs_conversation());

  // What 1.1 lacks.
  CHECK(v3.has_stream());
  CHECK(!v1.has_stream());
  CHECK(v3.posts_return_ids());
  CHECK(!v1.posts_return_ids());
  CHECK(v3.has_end_activity());
  CHECK(!v1.has_end_activity());
  CHECK(v3.start_tells_new());
  CHECK(!v1.start_tells_new());
  CHECK(v3.start_takes_body());
  CHECK(!v1.start_takes_body());

  // A posted activity: as is in 3.0, a message in 1.1.
  const Json activity = {{"type", "message"}, {"from", {{"id", "u1"}}}, {"text", "hi"}};
  CHECK(v3.encode_activity(activity) == activity);
  const Json message = v1.encode_activity(activity);
  CHECK(message["from"] == "u1");
  CHECK(message["text"] == "hi");
  CHECK(std::string(v3.activity_media_type()) == "application/vnd.microsoft.activity");
  CHECK(std::string(v1.activity_media_type()) == "application/vnd.microsoft.bot.message");
}
