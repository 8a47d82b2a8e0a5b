// Exactly-once writes over reused connections: the emulator handles a post in
// full and then closes the connection without answering (lose_response), the
// ambiguous outcome; the client must settle it without sending twice.
#include <map>

#include <nlohmann/json.hpp>

#include "integration_support.hpp"

using namespace itest;
using Json = nlohmann::json;

namespace {

// Every activity of the conversation (GET activities, paged).
std::vector<Json> all_activities(dl_conversation *c) {
  std::vector<Json> out;
  std::string watermark;
  for (;;) {
    const std::string page = get_all(c, watermark.empty() ? nullptr : watermark.c_str());
    auto set = Json::parse(page);
    if (set["activities"].empty()) return out;
    for (auto &a : set["activities"]) out.push_back(a);
    watermark = set["watermark"].get<std::string>();
  }
}

}  // namespace

TEST_CASE("1,000 sends through lost responses: each reaches the bot exactly once, none fails",
          "[integration][exactly-once]") {
  Emulator emu({"--fault", "route=post-activity,lose_response,rate=0.3", "--seed", "11"});
  auto client = make_client(emu);
  auto conv = start(client.get());
  constexpr int kSends = 1000;
  std::map<std::string, std::string> id_of;  // text -> id the client reported
  int failed = 0;
  for (int i = 1; i <= kSends; ++i) {
    const std::string text = "m " + std::to_string(i);
    char *id = nullptr;
    const int rc = dl_conversation_send_message(conv.get(), "u1", text.c_str(), &id);
    if (rc != DL_OK) {
      ++failed;
      UNSCOPED_INFO(text << ": " << dl_result_name(rc) << ": " << last_message());
      continue;
    }
    id_of[text] = id;
    dl_string_free(id);
  }
  CHECK(failed == 0);
  emu.clear_faults();

  std::map<std::string, int> user_count, echo_count;
  std::map<std::string, std::string> stored_id;
  for (const auto &a : all_activities(conv.get())) {
    if (a.value("type", "") != "message") continue;
    const std::string text = a.value("text", "");
    if (a["from"].value("id", "") == "u1") {
      ++user_count[text];
      stored_id[text] = a.value("id", "");
    } else if (text.rfind("echo: ", 0) == 0) {
      ++echo_count[text.substr(6)];  // the bot answers each message it saw
    }
  }
  int wrong = 0;
  for (int i = 1; i <= kSends; ++i) {
    const std::string text = "m " + std::to_string(i);
    if (user_count[text] != 1 || echo_count[text] != 1 || stored_id[text] != id_of[text]) {
      ++wrong;
      UNSCOPED_INFO(text << ": stored " << user_count[text] << "x, echoed " << echo_count[text]
                         << "x, id " << stored_id[text] << " vs reported " << id_of[text]);
    }
  }
  CHECK(wrong == 0);
  CHECK(user_count.size() == static_cast<std::size_t>(kSends));
}

TEST_CASE("a start with a token is repeated after a lost response; one with a secret is not",
          "[integration][exactly-once]") {
  Emulator emu;
  auto client = make_client(emu);
  dl_token *raw = nullptr;
  REQUIRE(dl_generate_token(client.get(), dltest::kSecret, nullptr, &raw) == DL_OK);
  TokenPtr token(raw);
  emu.add_fault("route=start,lose_response,times=1");
  dl_conversation *c = nullptr;
  const int rc = dl_start_conversation(client.get(), dl_token_value(raw), &c);
  INFO(last_message());
  REQUIRE(rc == DL_OK);
  ConversationPtr conv(c);
  CHECK(std::string(dl_conversation_id(c)) == dl_token_conversation_id(raw));
  CHECK(dl_conversation_is_new(c) == 1);  // the first, unanswered start created it

  emu.add_fault("route=start,lose_response,times=1");
  dl_conversation *secret_conv = nullptr;
  CHECK(dl_start_conversation(client.get(), dltest::kSecret, &secret_conv) == DL_ENETWORK);
  CHECK(secret_conv == nullptr);
  CHECK(last_message().find("may have been started") != std::string::npos);
}

TEST_CASE("an upload with an activity part is settled like a post", "[integration][exactly-once]") {
  Emulator emu;
  auto client = make_client(emu);
  auto conv = start(client.get());
  emu.add_fault("route=upload,lose_response,times=1");
  dl_upload_file files[2] = {{"a.txt", "text/plain", "A", 1}, {"b.txt", "text/plain", "B", 1}};
  char *id = nullptr;
  const int rc = dl_conversation_upload(conv.get(), "u1", files, 2, R"({"text":"with files"})", &id);
  INFO(last_message());
  REQUIRE(rc == DL_OK);
  StringPtr hold(id);
  int copies = 0;
  for (const auto &a : all_activities(conv.get()))
    if (a.value("text", "") == "with files") {
      ++copies;
      CHECK(a.value("id", "") == id);
    }
  CHECK(copies == 1);
}

TEST_CASE("the caller's clientActivityID is kept and used", "[integration][exactly-once]") {
  Emulator emu;
  auto client = make_client(emu);
  auto conv = start(client.get());
  emu.add_fault("route=post-activity,lose_response,times=1");
  char *id = nullptr;
  REQUIRE(dl_conversation_post_activity(
              conv.get(),
              R"({"type":"message","from":{"id":"u1"},"text":"mine","channelData":{"clientActivityID":"app-42","k":1}})",
              &id) == DL_OK);
  StringPtr hold(id);
  int copies = 0;
  for (const auto &a : all_activities(conv.get()))
    if (a.value("text", "") == "mine") {
      ++copies;
      CHECK(a["channelData"] == Json::parse(R"({"clientActivityID":"app-42","k":1})"));
      CHECK(a.value("id", "") == id);
    }
  CHECK(copies == 1);
}
