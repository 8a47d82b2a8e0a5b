// Copilot Studio pieces of the protocol layer: region names, the token
// endpoint and regional channel settings, streamed replies, sign-in cards.
#include <catch2/catch.hpp>

#include "protocol/agent.hpp"
#include "protocol/messages.hpp"
#include "protocol/status.hpp"

using namespace directline::core;
using namespace directline::core::protocol;

TEST_CASE("region names map to the official Direct Line hosts", "[protocol][agent]") {
  CHECK(region_endpoint("global", ApiVersion::v3) == "https://directline.botframework.com/v3/directline");
  CHECK(region_endpoint("Europe", ApiVersion::v3) == "https://europe.directline.botframework.com/v3/directline");
  CHECK(region_endpoint("india", ApiVersion::v1_1) == "https://india.directline.botframework.com/api");
  CHECK(region_endpoint("usgov", ApiVersion::v3) == "https://directline.botframework.azure.us/v3/directline");
  CHECK(region_endpoint("china", ApiVersion::v3) == "https://directline.botframework.azure.cn/v3/directline");
  CHECK_FALSE(region_endpoint("https://example.org/v3/directline", ApiVersion::v3));
  CHECK_FALSE(region_endpoint("mars", ApiVersion::v3));
}

TEST_CASE("a token endpoint's answer gives token, conversation and lifetime", "[protocol][agent]") {
  auto token = parse_agent_token(R"({"token":"t1","expires_in":3600,"conversationId":"c9"})");
  REQUIRE(token.ok());
  CHECK(token->token == "t1");
  CHECK(token->conversation_id == "c9");
  CHECK(token->expires_in == 3600);
  CHECK(parse_agent_token(R"({"token":"t2"})")->conversation_id.empty());
  CHECK(parse_agent_token(R"({"expires_in":1})").error().code == Code::protocol);
  CHECK(parse_agent_token("not json").error().code == Code::protocol);
  CHECK(parse_agent_token(std::string(5000, '[')).error().code == Code::protocol);
}

TEST_CASE("token endpoint errors keep their code and message, in every shape", "[protocol][agent]") {
  auto flat = parse_error_body(R"({"ErrorCode":"BotNotFound","ErrorMessage":"no such bot"})");
  CHECK(flat.code == "BotNotFound");
  CHECK(flat.message == "no such bot");
  auto numeric = parse_error_body(R"({"ErrorCode":4103,"ErrorMessage":"ItemWithIdNotFound"})");
  CHECK(numeric.code == "4103");
  CHECK(numeric.message == "ItemWithIdNotFound");
  auto plain = parse_error_body(R"({"code":"Forbidden","message":"nope"})");
  CHECK(plain.code == "Forbidden");
  auto direct_line = parse_error_body(R"({"error":{"code":"TokenExpired","message":"m"},"code":"x"})");
  CHECK(direct_line.code == "TokenExpired");
  Error e = error_for_response("fetch token", 404, R"({"ErrorCode":"BotNotFound","ErrorMessage":"m"})",
                               std::nullopt, 0);
  CHECK(e.code == Code::not_found);
  CHECK(e.service_code == "BotNotFound");
  CHECK(e.message.find("BotNotFound") != std::string::npos);
}

TEST_CASE("the regional settings URL keeps scheme, host, port and api-version", "[protocol][agent]") {
  CHECK(regional_settings_url("https://env.environment.api.powerplatform.com/powervirtualagents/botsbyschema/"
                              "cr1_agent/directline/token?api-version=2022-03-01-preview")
            .value() ==
        "https://env.environment.api.powerplatform.com/powervirtualagents/regionalchannelsettings"
        "?api-version=2022-03-01-preview");
  CHECK(regional_settings_url("http://127.0.0.1:8123/x/token?a=1&api-version=v2#frag").value() ==
        "http://127.0.0.1:8123/powervirtualagents/regionalchannelsettings?api-version=v2");
  CHECK(regional_settings_url("https://[::1]:9/t").value() ==
        "https://[::1]:9/powervirtualagents/regionalchannelsettings");
  CHECK(regional_settings_url("ftp://h/t").error().code == Code::invalid);
}

TEST_CASE("regional channel settings give the v3 endpoint", "[protocol][agent]") {
  CHECK(parse_regional_endpoint(
            R"({"channelUrlsById":{"directline":"https://europe.directline.botframework.com/"},"geo":"europe"})")
            .value() == "https://europe.directline.botframework.com/v3/directline");
  CHECK(parse_regional_endpoint(R"({"channelUrlsById":{"directline":"http://127.0.0.1:5"}})").value() ==
        "http://127.0.0.1:5/v3/directline");
  CHECK(parse_regional_endpoint(R"({"channelUrlsById":{}})").error().code == Code::protocol);
  CHECK(parse_regional_endpoint(R"({"channelUrlsById":{"directline":"javascript:x"}})").error().code ==
        Code::protocol);
  CHECK(parse_regional_endpoint(R"({"channelUrlsById":{"directline":"https://h/?q=1"}})").error().code ==
        Code::protocol);
  CHECK(parse_regional_endpoint("[]").error().code == Code::protocol);
}

TEST_CASE("stream fields come from the streaminfo entity or the older channelData", "[protocol][agent]") {
  auto first = to_received(Json::parse(R"({"type":"typing","id":"a1","text":"He",
      "entities":[{"type":"streaminfo","streamType":"streaming","streamSequence":1}]})"),
                           ApiVersion::v3);
  CHECK(first.stream_id == "a1");  // the first chunk defines the stream
  CHECK(first.stream_type == "streaming");
  CHECK(first.stream_sequence == 1);
  auto next = to_received(Json::parse(R"({"type":"typing","id":"a2","text":"Hello",
      "entities":[{"type":"other"},{"type":"streaminfo","streamId":"a1","streamType":"streaming","streamSequence":"2"}]})"),
                          ApiVersion::v3);
  CHECK(next.stream_id == "a1");
  CHECK(next.stream_sequence == 2);
  CHECK_FALSE(next.reply_to_id);
  CHECK(to_received(Json::parse(R"({"type":"message","replyToId":"u7"})"), ApiVersion::v3).reply_to_id == "u7");
  auto final_message = to_received(Json::parse(R"({"type":"message","id":"a3","text":"Hello!",
      "channelData":{"streamType":"final","streamId":"a1"}})"),
                                   ApiVersion::v3);
  CHECK(final_message.stream_id == "a1");
  CHECK(final_message.stream_type == "final");
  CHECK(final_message.stream_sequence == 0);
  auto plain = to_received(Json::parse(R"({"type":"message","id":"a4","text":"hi","channelData":{}})"),
                           ApiVersion::v3);
  CHECK_FALSE(plain.stream_id);
  CHECK_FALSE(plain.stream_type);
  CHECK(plain.stream_sequence == 0);
}

TEST_CASE("the sign-in URL comes from the first OAuth or sign-in card", "[protocol][agent]") {
  auto oauth = to_received(Json::parse(R"({"type":"message","id":"m","attachments":[
      {"contentType":"image/png","contentUrl":"https://x/a.png"},
      {"contentType":"application/vnd.microsoft.card.oauth","content":{"text":"Sign in",
        "connectionName":"c","buttons":[{"type":"imBack","value":"no"},
        {"type":"signin","title":"Sign in","value":"https://login.example/signin?x=1"}]}}]})"),
                           ApiVersion::v3);
  CHECK(oauth.signin_url == "https://login.example/signin?x=1");
  auto signin = to_received(Json::parse(R"({"type":"message","attachments":[
      {"contentType":"application/vnd.microsoft.card.signin","content":{"buttons":[
        {"type":"openUrl","value":"https://s/"}]}}]})"),
                            ApiVersion::v3);
  CHECK(signin.signin_url == "https://s/");
  auto none = to_received(Json::parse(R"({"type":"message","attachments":[
      {"contentType":"application/vnd.microsoft.card.oauth","content":{"buttons":[{"type":"signin","value":""}]}}]})"),
                          ApiVersion::v3);
  CHECK_FALSE(none.signin_url);
}
