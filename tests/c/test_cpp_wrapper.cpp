// The C++ wrapper (bindings/cpp/directline.hpp) against a real emulator process:
// RAII ownership, Error fields, optional results, timeouts, close from another
// thread, export/resume. Item numbers refer to docs/protocol.md section 6.
#include <catch2/catch.hpp>

#include <directline.hpp>

#include <chrono>
#include <string>
#include <thread>
#include <type_traits>

#include "emulator_process.hpp"

using namespace std::chrono_literals;
using dltest::EmulatorProcess;
using dltest::kSecret;

namespace {

directline::Client client_for(const EmulatorProcess &emu, directline::ApiVersion api = directline::ApiVersion::V3) {
  return directline::Client(directline::ClientOptions{}
                                .with_endpoint(api == directline::ApiVersion::V3 ? emu.v3() : emu.v1())
                                .with_api_version(api)
                                .with_polling_interval(200ms));
}

// The next activity that is not our own and not typing, or nullopt after `budget`.
std::optional<directline::Activity> next_reply(directline::Conversation &c,
                                               std::chrono::milliseconds budget = 10s) {
  auto deadline = std::chrono::steady_clock::now() + budget;
  while (std::chrono::steady_clock::now() < deadline) {
    auto a = c.next_activity(500ms);
    if (a && !a->is_own() && a->type() == "message" && a->from_id().rfind("user", 0) != 0) return a;
  }
  return std::nullopt;
}

}  // namespace

static_assert(!std::is_copy_constructible_v<directline::Client>);
static_assert(!std::is_copy_constructible_v<directline::Conversation>);
static_assert(std::is_copy_constructible_v<directline::Activity>);
static_assert(std::is_nothrow_move_constructible_v<directline::Conversation>);

TEST_CASE("cpp_18_token_start_send_and_reply_v3", "[cpp]") {
  EmulatorProcess emu;
  auto client = client_for(emu);
  auto token = client.generate_token(kSecret, directline::TokenOptions{}.with_user_id("dl_cpp"));
  REQUIRE(token.conversation_id());
  REQUIRE(token.expires_in() == 1800);
  REQUIRE_FALSE(token.value().empty());

  auto conversation = client.start_conversation(token.value());
  CHECK(conversation.id() == *token.conversation_id());
  CHECK(conversation.is_new());
  CHECK_FALSE(conversation.is_ended());
  REQUIRE(conversation.stream_url());
  REQUIRE(conversation.token());

  auto id = conversation.send_message("dl_cpp", "hi");
  REQUIRE(id);
  CHECK(id->rfind(conversation.id(), 0) == 0);

  auto own = conversation.next_activity(10s);
  while (own && own->type() == "typing") own = conversation.next_activity(10s);
  REQUIRE(own);
  CHECK(own->id() == *id);  // item 51: echoed with the id the POST returned
  CHECK(own->from_id() == "dl_cpp");

  auto reply = next_reply(conversation);
  REQUIRE(reply);
  CHECK(reply->text() == std::optional<std::string>("echo: hi"));
  CHECK(reply->from_id() == "bot");
  CHECK(reply->reply_to_id() == id);
  CHECK_FALSE(own->reply_to_id());
  CHECK(conversation.watermark());

  directline::Activity copy = *reply;  // shared, immutable
  CHECK(copy.id() == reply->id());
}

TEST_CASE("cpp_79_send_and_reply_v1_1", "[cpp]") {
  EmulatorProcess emu;
  auto client = client_for(emu, directline::ApiVersion::V1_1);
  auto conversation = client.start_conversation(kSecret);
  CHECK_FALSE(conversation.stream_url());
  CHECK_FALSE(conversation.send_message("user1", "old school"));  // 204: no id
  auto own = conversation.next_activity(10s);
  REQUIRE(own);
  CHECK(own->text() == std::optional<std::string>("old school"));
  CHECK(own->from_id() == "user1");  // (is_own() is 0 on 1.1 today: reported to the core)
  auto reply = next_reply(conversation);
  REQUIRE(reply);
  CHECK(reply->text() == std::optional<std::string>("echo: old school"));
}

TEST_CASE("cpp_03_error_carries_code_status_and_no_secret", "[cpp]") {
  EmulatorProcess emu;
  auto client = client_for(emu);
  const std::string wrong = "wrong-secret-for-the-cpp-test";
  try {
    client.generate_token(wrong);
    FAIL("expected directline::Error");
  } catch (const directline::Error &e) {
    CHECK(e.code() == DL_EFORBIDDEN);
    CHECK(e.http_status() == 403);
    CHECK_FALSE(e.retry_after());
    CHECK(std::string(e.what()).find(wrong) == std::string::npos);
    CHECK_FALSE(std::string(e.what()).empty());
  }
  auto conversation = client.open_conversation(kSecret, "no-such-conversation");
  try {
    conversation.get_activities();
    FAIL("expected directline::Error");
  } catch (const directline::Error &e) {
    CHECK(e.code() == DL_ENOTFOUND);
    CHECK(e.http_status() == 404);
    CHECK_FALSE(e.service_code().empty());
  }
}

TEST_CASE("cpp_64_throttled_post_reports_retry_after", "[cpp]") {
  EmulatorProcess emu({"--fault", "route=post-activity,status=429,retry_after=2,times=1"});
  auto client = client_for(emu);
  auto conversation = client.start_conversation(kSecret);
  try {
    conversation.send_message("user1", "too fast");
    FAIL("expected directline::Error");
  } catch (const directline::Error &e) {
    CHECK(e.code() == DL_ETHROTTLED);
    CHECK(e.http_status() == 429);
    REQUIRE(e.retry_after());
    CHECK(*e.retry_after() == 2s);
  }
  CHECK(conversation.send_message("user1", "later"));  // only the first POST was refused
}

TEST_CASE("cpp_next_activity_timeout_is_nullopt_and_close_wakes_waiters", "[cpp]") {
  EmulatorProcess emu;
  auto client = client_for(emu);
  auto conversation = client.start_conversation(kSecret);
  CHECK_FALSE(conversation.next_activity(0));
  auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(conversation.next_activity(300ms));
  CHECK(std::chrono::steady_clock::now() - start >= 250ms);

  std::thread closer([&] {
    std::this_thread::sleep_for(200ms);
    conversation.close();
  });
  try {
    conversation.next_activity(-1);
    FAIL("expected directline::Error");
  } catch (const directline::Error &e) {
    CHECK(e.code() == DL_ECANCELLED);
  }
  closer.join();
}

TEST_CASE("cpp_83_export_and_resume_delivers_only_what_was_missed", "[cpp]") {
  EmulatorProcess emu;
  auto client = client_for(emu);
  std::string state;
  std::string conversation_id;
  {
    auto conversation = client.start_conversation(kSecret);
    conversation_id = conversation.id();
    conversation.send_message("user1", "first");
    REQUIRE(next_reply(conversation));
    state = conversation.export_state();
  }
  CHECK(state.find(conversation_id) != std::string::npos);
  CHECK(state.find(kSecret) == std::string::npos);  // a secret is never exported

  auto other = client.open_conversation(kSecret, conversation_id);
  other.send_message("user2", "second");

  auto resumed = client.resume_conversation(state);
  CHECK(resumed.id() == conversation_id);
  std::vector<std::string> texts;
  for (int i = 0; i < 20 && texts.size() < 2; ++i)
    if (auto a = resumed.next_activity(500ms); a && a->type() == "message") texts.push_back(*a->text());
  CHECK(texts == std::vector<std::string>{"second", "echo: second"});
}

TEST_CASE("cpp_invalid_use_throws_instead_of_crashing", "[cpp]") {
  CHECK_THROWS_MATCHES(directline::Client(directline::ClientOptions{}.with_endpoint("not a url")),
                       directline::Error,
                       Catch::Predicate<directline::Error>([](const directline::Error &e) {
                         return e.code() == DL_EINVALID;
                       }));
  CHECK_THROWS_MATCHES(directline::Client(directline::ClientOptions{}.with_endpoint("http://example.com/v3/directline")),
                       directline::Error,
                       Catch::Predicate<directline::Error>([](const directline::Error &e) {
                         return e.code() == DL_EINSECURE;
                       }));
  EmulatorProcess emu;
  auto client = client_for(emu);
  auto conversation = client.start_conversation(kSecret);
  auto moved = std::move(conversation);
  CHECK_FALSE(static_cast<bool>(conversation));
  CHECK_THROWS_AS(conversation.id(), directline::Error);
  CHECK(moved.id().size() > 0);
  CHECK_THROWS_AS(moved.post_activity("{not json"), directline::Error);
}

TEST_CASE("cpp_start_options_post_the_greeting_event_and_streaming_is_asked_for", "[cpp]") {
  EmulatorProcess emu;
  directline::Client client(directline::ClientOptions{}.with_endpoint(emu.v3()).with_stream_replies(true));
  auto conversation = client.start_conversation(kSecret, directline::StartOptions{}
                                                             .with_user_id("dl_cpp_user")
                                                             .with_locale("fr-FR")
                                                             .with_local_timezone("Europe/Paris")
                                                             .with_send_start_event(true));
  CHECK(conversation.user_id() == std::optional<std::string>("dl_cpp_user"));
  conversation.send_message("dl_cpp_user", "hi");
  std::optional<directline::Activity> event, message;
  for (int i = 0; i < 40 && !(event && message); ++i)
    if (auto a = conversation.next_activity(250ms); a && a->from_id() == "dl_cpp_user")
      (a->type() == "event" ? event : message) = a;
  REQUIRE(event);
  CHECK(event->json().find("\"startConversation\"") != std::string::npos);
  CHECK(event->json().find("\"Europe/Paris\"") != std::string::npos);
  REQUIRE(message);
  CHECK(message->json().find("\"deliveryMode\":\"stream\"") != std::string::npos);

  // Without a user id the library makes one up; an ordinary reply is not streamed.
  auto plain = client_for(emu).start_conversation(kSecret, directline::StartOptions{});
  REQUIRE(plain.user_id());
  CHECK(plain.user_id()->rfind("dl_", 0) == 0);
  auto other = client_for(emu).start_conversation(kSecret);
  CHECK_FALSE(other.user_id());
  other.send_message("user1", "plain");
  auto reply = next_reply(other);
  REQUIRE(reply);
  CHECK_FALSE(reply->stream_id());
  CHECK_FALSE(reply->stream_type());
  CHECK(reply->stream_sequence() == 0);
  CHECK_FALSE(reply->signin_url());
}

TEST_CASE("cpp_fetch_token_error_carries_the_status", "[cpp]") {
  EmulatorProcess emu;
  auto client = client_for(emu);
  const std::string url =
      emu.base_url() + "/powervirtualagents/botsbyschema/no.such.agent/directline/token?api-version=2022-03-01-preview";
  try {
    client.fetch_token(url);
    FAIL("expected directline::Error");
  } catch (const directline::Error &e) {
    CHECK(e.http_status() >= 400);
    CHECK(e.http_status() < 500);
  }
  CHECK_THROWS_MATCHES(client.fetch_token("not a url"), directline::Error,
                       Catch::Predicate<directline::Error>([](const directline::Error &e) {
                         return e.code() == DL_EINVALID;
                       }));
}

TEST_CASE("cpp_agent_token_region_greeting_stream_and_sign_in", "[cpp]") {
  EmulatorProcess emu({"--stream-delay", "10"});
  auto lookup = client_for(emu);
  const std::string url =
      emu.base_url() + "/powervirtualagents/botsbyschema/emulator.agent/directline/token?api-version=2022-03-01-preview";
  const std::string endpoint = lookup.fetch_regional_endpoint(url);
  CHECK(endpoint == emu.base_url() + "/v3/directline");
  auto token = lookup.fetch_token(url);
  REQUIRE(token.conversation_id());
  CHECK(token.expires_in() > 0);

  directline::Client client(directline::ClientOptions{}.with_endpoint(endpoint).with_stream_replies(true));
  auto conversation = client.start_conversation(token.value(), directline::StartOptions{}.with_send_start_event(true));
  CHECK(conversation.id() == *token.conversation_id());
  const std::string me = conversation.user_id().value_or("");
  auto greeting = next_reply(conversation);
  REQUIRE(greeting);
  CHECK_FALSE(greeting->stream_id());

  conversation.send_message(me, "one two three");
  std::vector<int> sequences;
  std::optional<std::string> stream;
  std::optional<directline::Activity> final_message;
  for (int i = 0; i < 40 && !final_message; ++i) {
    auto a = conversation.next_activity(500ms);
    if (!a || a->from_id() == me) continue;
    if (a->type() == "typing") {
      REQUIRE(a->stream_id());
      if (!stream) stream = a->stream_id();
      CHECK(a->stream_id() == stream);
      CHECK(a->stream_type() == std::optional<std::string>("streaming"));
      sequences.push_back(a->stream_sequence());
    } else if (a->type() == "message") {
      final_message = a;
    }
  }
  REQUIRE(final_message);
  CHECK(final_message->text() == std::optional<std::string>("echo: one two three"));
  CHECK(final_message->stream_id() == stream);
  CHECK(final_message->stream_type() == std::optional<std::string>("final"));
  CHECK(final_message->stream_sequence() == 0);
  REQUIRE(sequences.size() >= 3);
  for (size_t i = 0; i < sequences.size(); ++i) CHECK(sequences[i] == static_cast<int>(i) + 1);

  conversation.send_message(me, "login");
  auto card = next_reply(conversation);
  REQUIRE(card);
  REQUIRE(card->signin_url());
  CHECK(card->signin_url()->rfind(emu.base_url() + "/signin?", 0) == 0);
}
