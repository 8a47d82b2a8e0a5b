// Every 3.0 operation through the C API against a real emulator.
#include <atomic>
#include <cstring>
#include <set>
#include <thread>

#include "integration_support.hpp"

using namespace itest;

TEST_CASE("4 generate token: conversation id, token, expires_in 1800", "[integration][v3]") {
  Emulator emu;
  auto client = make_client(emu);
  dl_token *raw = nullptr;
  REQUIRE(dl_generate_token(client.get(), dltest::kSecret, nullptr, &raw) == DL_OK);
  TokenPtr token(raw);
  CHECK(std::strlen(dl_token_value(raw)) > 0);
  REQUIRE(dl_token_conversation_id(raw) != nullptr);
  CHECK(std::strlen(dl_token_conversation_id(raw)) > 0);
  CHECK(dl_token_expires_in(raw) == 1800);
  CHECK(dl_error_last()->code == DL_OK);
}

TEST_CASE("5 generate token with user and trusted origins", "[integration][v3]") {
  Emulator emu;
  auto client = make_client(emu);
  const char *origins[] = {"https://a.example"};
  dl_token_options opts;
  dl_token_options_init(&opts);
  opts.user_id = "dl_abc";
  opts.user_name = "Ann";
  opts.trusted_origins = origins;
  opts.trusted_origins_count = 1;
  dl_token *raw = nullptr;
  REQUIRE(dl_generate_token(client.get(), dltest::kSecret, &opts, &raw) == DL_OK);
  TokenPtr token(raw);
  auto conv = start(client.get(), dl_token_value(raw));
  post_text(conv.get(), "who am i", "someone-else");
  std::string all = get_all(conv.get());
  CHECK(all.find("\"dl_abc\"") != std::string::npos);  // 35: the token's user wins
}

TEST_CASE("16/17 start with a secret: 201 with id, token, stream URL; two starts, two ids",
          "[integration][v3]") {
  Emulator emu;
  auto client = make_client(emu);
  auto a = start(client.get());
  auto b = start(client.get());
  CHECK(dl_conversation_is_new(a.get()) == 1);
  CHECK(std::strlen(dl_conversation_id(a.get())) > 0);
  CHECK(std::string(dl_conversation_id(a.get())) != dl_conversation_id(b.get()));
  REQUIRE(dl_conversation_token(a.get()) != nullptr);
  CHECK(dl_conversation_expires_in(a.get()) == 1800);
  REQUIRE(dl_conversation_stream_url(a.get()) != nullptr);
  std::string url = dl_conversation_stream_url(a.get());
  CHECK(url.find(std::string("/v3/directline/conversations/") + dl_conversation_id(a.get()) + "/stream") !=
        std::string::npos);  // 22
  CHECK(url.find("t=") != std::string::npos);
  CHECK(dl_conversation_watermark(a.get()) == nullptr);
  CHECK(dl_conversation_is_ended(a.get()) == 0);
}

TEST_CASE("18/19 start with a generated token: 201 then 200, same conversation", "[integration][v3]") {
  Emulator emu;
  auto client = make_client(emu);
  dl_token *raw = nullptr;
  REQUIRE(dl_generate_token(client.get(), dltest::kSecret, nullptr, &raw) == DL_OK);
  TokenPtr token(raw);
  auto first = start(client.get(), dl_token_value(raw));
  auto again = start(client.get(), dl_token_value(raw));
  CHECK(std::string(dl_conversation_id(first.get())) == dl_token_conversation_id(raw));
  CHECK(std::string(dl_conversation_id(again.get())) == dl_token_conversation_id(raw));
  CHECK(dl_conversation_is_new(first.get()) == 1);
  CHECK(dl_conversation_is_new(again.get()) == 0);
}

TEST_CASE("27/37/38 post returns an id; GET returns own message and echo in order; watermark pages",
          "[integration][v3]") {
  Emulator emu;
  auto client = make_client(emu);
  auto conv = start(client.get());
  std::string id = post_text(conv.get(), "hello");
  CHECK(id.rfind(std::string(dl_conversation_id(conv.get())) + "|", 0) == 0);
  std::string all = get_all(conv.get());
  auto own = all.find("\"hello\"");
  auto echo = all.find("echo: hello");
  CHECK(own != std::string::npos);
  CHECK(echo != std::string::npos);
  CHECK(own < echo);
  CHECK(all.find("\"typing\"") == std::string::npos);  // 40
  CHECK(all.find("\"watermark\":\"2\"") != std::string::npos);
  std::string newer = get_all(conv.get(), "2");
  CHECK(newer.find("\"activities\":[]") != std::string::npos);
  std::string replay = get_all(conv.get(), "1");
  CHECK(replay.find("echo: hello") != std::string::npos);
  CHECK(replay.find("\"hello\"") == std::string::npos);
}

TEST_CASE("29/69 channelData and unknown fields are preserved end to end", "[integration][v3]") {
  Emulator emu;
  auto client = make_client(emu);
  auto conv = start(client.get());
  char *id = nullptr;
  REQUIRE(dl_conversation_post_activity(
              conv.get(),
              R"({"type":"message","from":{"id":"u1"},"text":"cd","channelData":{"k":[1,2]},"customField":"x1"})",
              &id) == DL_OK);
  StringPtr hold(id);
  std::string all = get_all(conv.get());
  // The caller's channelData is kept; the client adds its clientActivityID to it.
  CHECK(all.find(R"("k":[1,2])") != std::string::npos);
  CHECK(all.find(R"("clientActivityID":"dlc-)") != std::string::npos);
  CHECK(all.find(R"("customField":"x1")") != std::string::npos);
}

TEST_CASE("51/84 next_activity delivers the own message then the echo, exactly once",
          "[integration][v3][receive]") {
  for (int mode : {DL_RECEIVE_POLLING, DL_RECEIVE_AUTO}) {
    DYNAMIC_SECTION("receive mode " << mode) {
      Emulator emu;
      ClientSettings s;
      s.receive_mode = mode;
      auto client = make_client(emu, s);
      auto conv = start(client.get());
      std::string id = post_text(conv.get(), "ping");
      auto own = next_of_type(conv.get(), "message");
      REQUIRE(own);
      CHECK(std::string(dl_activity_id(own.get())) == id);
      CHECK(dl_activity_is_own(own.get()) == 1);
      CHECK(std::string(dl_activity_text(own.get())) == "ping");
      CHECK(std::string(dl_activity_from_id(own.get())) == "u1");
      auto echo = next_of_type(conv.get(), "message");
      REQUIRE(echo);
      CHECK(std::string(dl_activity_text(echo.get())) == "echo: ping");
      CHECK(dl_activity_is_own(echo.get()) == 0);
      CHECK(std::string(dl_activity_json(echo.get())).find("\"replyToId\":\"" + id + "\"") != std::string::npos);
      dl_activity *none = nullptr;
      int rc = DL_OK;
      // Nothing else but typing may follow.
      while ((rc = dl_conversation_next_activity(conv.get(), 300, &none)) == DL_OK) {
        ActivityPtr extra(none);
        CHECK(std::string(dl_activity_type(none)) == "typing");
      }
      CHECK(rc == DL_ETIMEOUT);
      CHECK(none == nullptr);
      REQUIRE(dl_conversation_watermark(conv.get()) != nullptr);
      CHECK(std::string(dl_conversation_watermark(conv.get())) == "2");
    }
  }
}

TEST_CASE("8/9 refresh a token: a different token that the conversation then uses",
          "[integration][v3]") {
  Emulator emu;
  auto client = make_client(emu);
  dl_token *raw = nullptr;
  REQUIRE(dl_generate_token(client.get(), dltest::kSecret, nullptr, &raw) == DL_OK);
  TokenPtr generated(raw);
  dl_token *refreshed_raw = nullptr;
  REQUIRE(dl_refresh_token(client.get(), dl_token_value(raw), nullptr, &refreshed_raw) == DL_OK);
  TokenPtr refreshed(refreshed_raw);
  CHECK(std::string(dl_token_value(refreshed_raw)) != dl_token_value(raw));
  CHECK(std::string(dl_token_conversation_id(refreshed_raw)) == dl_token_conversation_id(raw));
  CHECK(dl_token_expires_in(refreshed_raw) > 0);

  auto conv = start(client.get(), dl_token_value(raw));
  const char *before = dl_conversation_token(conv.get());
  std::string before_copy = before;
  REQUIRE(dl_conversation_refresh_token(conv.get()) == DL_OK);
  CHECK(std::string(dl_conversation_token(conv.get())) != before_copy);
  CHECK(std::string(before) == before_copy);  // borrowed pointer still valid
  post_text(conv.get(), "after refresh");
  REQUIRE(dl_conversation_set_token(conv.get(), dl_token_value(refreshed_raw)) == DL_OK);
  post_text(conv.get(), "with a handed-in token");
}

TEST_CASE("23/55 reconnect returns a new stream URL", "[integration][v3]") {
  Emulator emu;
  auto client = make_client(emu);
  auto conv = start(client.get());
  std::string first = dl_conversation_stream_url(conv.get());
  REQUIRE(dl_conversation_reconnect(conv.get(), nullptr) == DL_OK);
  CHECK(std::string(dl_conversation_stream_url(conv.get())) != first);
  REQUIRE(dl_conversation_reconnect(conv.get(), "0") == DL_OK);
}

TEST_CASE("58/59/60 upload: one raw file, several with an activity, several without",
          "[integration][v3][upload]") {
  Emulator emu;
  auto client = make_client(emu);
  auto conv = start(client.get());
  const char png[] = "\x89PNG\r\n\x1a\n-not-really";
  dl_upload_file one{"a.png", "image/png", png, sizeof png - 1};
  char *id = nullptr;
  int rc = dl_conversation_upload(conv.get(), "u1", &one, 1, nullptr, &id);
  INFO(last_message());
  REQUIRE(rc == DL_OK);
  REQUIRE(id != nullptr);
  dl_string_free(id);
  std::string all = get_all(conv.get());
  CHECK(all.find("\"image/png\"") != std::string::npos);
  CHECK(all.find("\"a.png\"") != std::string::npos);

  dl_upload_file two[] = {{"a.txt", "text/plain", "AAA", 3}, {"b.bin", nullptr, "BBB", 3}};
  rc = dl_conversation_upload(conv.get(), "u1", two, 2, R"({"type":"message","text":"two files"})", &id);
  INFO(last_message());
  REQUIRE(rc == DL_OK);
  dl_string_free(id);
  rc = dl_conversation_upload(conv.get(), "u1", two, 2, nullptr, nullptr);
  REQUIRE(rc == DL_OK);
  all = get_all(conv.get());
  CHECK(all.find("two files") != std::string::npos);
  CHECK(all.find("\"b.bin\"") != std::string::npos);
}

TEST_CASE("66 end posts endOfConversation; afterwards posts fail with DL_EENDED",
          "[integration][v3]") {
  Emulator emu;
  auto client = make_client(emu);
  auto conv = start(client.get());
  char *id = nullptr;
  REQUIRE(dl_conversation_end(conv.get(), "u1", &id) == DL_OK);
  REQUIRE(id != nullptr);
  dl_string_free(id);
  CHECK(dl_conversation_is_ended(conv.get()) == 1);
  CHECK(dl_conversation_send_message(conv.get(), "u1", "late", nullptr) == DL_EENDED);
  CHECK(get_all(conv.get()).find("endOfConversation") != std::string::npos);
}

TEST_CASE("67/57 the bot ends: next_activity delivers it then DL_EENDED; posts DL_EENDED",
          "[integration][v3][receive]") {
  Emulator emu;
  ClientSettings s;
  s.receive_mode = DL_RECEIVE_POLLING;
  auto client = make_client(emu, s);
  auto conv = start(client.get());
  emu.bot_ends(dl_conversation_id(conv.get()));
  auto end = next_of_type(conv.get(), "endOfConversation");
  REQUIRE(end);
  dl_activity *after = nullptr;
  CHECK(dl_conversation_next_activity(conv.get(), 2000, &after) == DL_EENDED);
  CHECK(dl_conversation_is_ended(conv.get()) == 1);
  CHECK(dl_conversation_send_message(conv.get(), "u1", "late", nullptr) == DL_EENDED);
}

TEST_CASE("83 export and resume in a new client deliver exactly what was missed",
          "[integration][v3][receive]") {
  Emulator emu;
  ClientSettings s;
  s.receive_mode = DL_RECEIVE_POLLING;
  auto client = make_client(emu, s);
  auto conv = start(client.get());
  post_text(conv.get(), "first");
  REQUIRE(next_of_type(conv.get(), "message"));
  auto echo = next_of_type(conv.get(), "message");
  REQUIRE(echo);
  CHECK(std::string(dl_activity_text(echo.get())) == "echo: first");
  char *state = nullptr;
  REQUIRE(dl_conversation_export(conv.get(), &state) == DL_OK);
  StringPtr hold(state);
  CHECK(std::string(state).find(dltest::kSecret) == std::string::npos);
  CHECK(std::string(state).find("\"watermark\":\"2\"") != std::string::npos);
  std::string id = dl_conversation_id(conv.get());
  conv.reset();

  emu.bot_says(id, 2, "missed");
  auto other_client = make_client(emu, s);
  dl_conversation *raw = nullptr;
  REQUIRE(dl_resume_conversation(other_client.get(), state, &raw) == DL_OK);
  ConversationPtr resumed(raw);
  CHECK(std::string(dl_conversation_id(raw)) == id);
  auto m1 = next_of_type(raw, "message");
  REQUIRE(m1);
  CHECK(std::string(dl_activity_text(m1.get())) == "missed 1");
  auto m2 = next_of_type(raw, "message");
  REQUIRE(m2);
  CHECK(std::string(dl_activity_text(m2.get())) == "missed 2");
}

TEST_CASE("14 open a conversation with the secret and read it", "[integration][v3]") {
  Emulator emu;
  auto client = make_client(emu);
  auto conv = start(client.get());
  post_text(conv.get(), "visible");
  dl_conversation *raw = nullptr;
  REQUIRE(dl_open_conversation(client.get(), dltest::kSecret, dl_conversation_id(conv.get()), nullptr, &raw) == DL_OK);
  ConversationPtr opened(raw);
  CHECK(dl_conversation_is_new(raw) == 0);
  CHECK(get_all(raw).find("visible") != std::string::npos);
}

TEST_CASE("one conversation used from four threads at once", "[integration][v3][threads]") {
  Emulator emu;
  auto client = make_client(emu);
  auto conv = start(client.get());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  std::vector<std::set<std::string>> ids(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        char *id = nullptr;
        std::string text = "t" + std::to_string(t) + "-" + std::to_string(i);
        if (dl_conversation_send_message(conv.get(), "u1", text.c_str(), &id) != DL_OK) {
          ++failures;
          continue;
        }
        ids[t].insert(id);
        dl_string_free(id);
        char *json = nullptr;
        if (dl_conversation_get_activities(conv.get(), nullptr, &json) != DL_OK) ++failures;
        dl_string_free(json);
      }
    });
  }
  for (auto &th : threads) th.join();
  CHECK(failures == 0);
  std::set<std::string> all;
  for (auto &s : ids) all.insert(s.begin(), s.end());
  CHECK(all.size() == 20);
}

TEST_CASE("a post asking for a streamed reply opens the stream first: no chunk is lost",
          "[integration][v3][agent]") {
  // The echo bot streams 3+ typing chunks 30 ms apart, then the final message. Typing is
  // sent only to an open socket (never replayed), and nothing is received before the
  // post: the post itself must have opened the stream.
  Emulator emu;
  auto client = make_client(emu);
  auto conv = start(client.get());
  char *id = nullptr;
  REQUIRE(dl_conversation_post_activity(
              conv.get(), R"({"type":"message","from":{"id":"u1"},"text":"hi","deliveryMode":"stream"})",
              &id) == DL_OK);
  dl_string_free(id);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));  // the whole reply is sent meanwhile
  int chunks = 0;
  std::string final_text;
  for (int i = 0; i < 20 && final_text.empty(); ++i) {
    dl_activity *a = nullptr;
    const int rc = dl_conversation_next_activity(conv.get(), 5000, &a);
    INFO(last_message());
    REQUIRE(rc == DL_OK);
    ActivityPtr owned(a);
    const char *type = dl_activity_stream_type(a);
    if (std::string(dl_activity_type(a)) == "typing" && type) ++chunks;
    if (type && std::string(type) == "final") final_text = dl_activity_text(a);
  }
  CHECK(final_text == "echo: hi");
  CHECK(chunks >= 3);
}
