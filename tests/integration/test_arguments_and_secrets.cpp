// Invalid arguments on every export, option checks, and the rule that no
// secret or token ever reaches an error message or a log line.
#include <cstring>
#include <mutex>
#include <thread>

#include "integration_support.hpp"

using namespace itest;

namespace {

void expect_invalid(int rc, const char *parameter) {
  INFO("parameter " << parameter << ": " << last_message());
  CHECK(rc == DL_EINVALID);
  CHECK(dl_error_last()->code == DL_EINVALID);
  CHECK(std::string(dl_error_last()->message).find(parameter) != std::string::npos);
}

}  // namespace

TEST_CASE("version, result strings and NULL-tolerant getters and frees", "[integration][args]") {
  CHECK(std::string(dl_version_string()) == DL_VERSION_STRING);
  CHECK(std::string(dl_result_string(DL_ETOKEN_EXPIRED)) == "token expired");
  CHECK(std::string(dl_result_string(12345)) == "unknown error");
  for (int code = DL_OK; code >= DL_EINTERNAL; --code) CHECK(dl_result_string(code) != nullptr);
  dl_client_free(nullptr);
  dl_token_free(nullptr);
  dl_conversation_free(nullptr);
  dl_activity_free(nullptr);
  dl_string_free(nullptr);
  dl_conversation_close(nullptr);
  dl_client_options_init(nullptr);
  dl_token_options_init(nullptr);
  CHECK(dl_token_value(nullptr) == nullptr);
  CHECK(dl_token_conversation_id(nullptr) == nullptr);
  CHECK(dl_token_expires_in(nullptr) == 0);
  CHECK(dl_conversation_id(nullptr) == nullptr);
  CHECK(dl_conversation_token(nullptr) == nullptr);
  CHECK(dl_conversation_stream_url(nullptr) == nullptr);
  CHECK(dl_conversation_expires_in(nullptr) == 0);
  CHECK(dl_conversation_is_new(nullptr) == 0);
  CHECK(dl_conversation_is_ended(nullptr) == 0);
  CHECK(dl_conversation_watermark(nullptr) == nullptr);
  CHECK(dl_activity_json(nullptr) == nullptr);
  CHECK(dl_activity_id(nullptr) == nullptr);
  CHECK(dl_activity_type(nullptr) == nullptr);
  CHECK(dl_activity_text(nullptr) == nullptr);
  CHECK(dl_activity_from_id(nullptr) == nullptr);
  CHECK(dl_activity_is_own(nullptr) == 0);
  CHECK(dl_client_endpoint(nullptr) == nullptr);
}

TEST_CASE("client options: defaults, bad version, bad endpoint, insecure http", "[integration][args]") {
  dl_client *c = reinterpret_cast<dl_client *>(0x1);
  expect_invalid(dl_client_new(nullptr, nullptr), "out");
  REQUIRE(dl_client_new(nullptr, &c) == DL_OK);
  CHECK(std::string(dl_client_endpoint(c)) == "https://directline.botframework.com/v3/directline");
  dl_client_free(c);

  dl_client_options o;
  dl_client_options_init(&o);
  o.version = 99;
  c = reinterpret_cast<dl_client *>(0x1);
  expect_invalid(dl_client_new(&o, &c), "version");
  CHECK(c == nullptr);

  dl_client_options_init(&o);
  o.endpoint = "not a url";
  CHECK(dl_client_new(&o, &c) == DL_EINVALID);
  o.endpoint = "http://directline.example.com/v3/directline";
  CHECK(dl_client_new(&o, &c) == DL_EINSECURE);
  CHECK(c == nullptr);
  o.allow_insecure_http = 1;
  REQUIRE(dl_client_new(&o, &c) == DL_OK);
  dl_client_free(c);
  dl_client_options_init(&o);
  o.api_version = 7;
  CHECK(dl_client_new(&o, &c) == DL_EINVALID);
  dl_client_options_init(&o);
  o.request_timeout_ms = -5;
  CHECK(dl_client_new(&o, &c) == DL_EINVALID);
  dl_client_options_init(&o);
  o.user_agent = "evil\r\nX-Injected: 1";
  CHECK(dl_client_new(&o, &c) == DL_EINVALID);
  dl_client_options_init(&o);
  o.api_version = DL_API_V1_1;
  REQUIRE(dl_client_new(&o, &c) == DL_OK);
  CHECK(std::string(dl_client_endpoint(c)) == "https://directline.botframework.com/api");
  dl_client_free(c);
}

TEST_CASE("NULL and invalid arguments on every fallible export", "[integration][args]") {
  Emulator emu;
  auto client = make_client(emu);
  auto conv = start(client.get());
  dl_client *cl = client.get();
  dl_conversation *cv = conv.get();
  dl_token *tok = reinterpret_cast<dl_token *>(0x1);
  dl_conversation *out_conv = reinterpret_cast<dl_conversation *>(0x1);
  char *str = reinterpret_cast<char *>(0x1);
  dl_activity *act = reinterpret_cast<dl_activity *>(0x1);

  expect_invalid(dl_generate_token(nullptr, "s", nullptr, &tok), "client");
  CHECK(tok == nullptr);
  expect_invalid(dl_generate_token(cl, nullptr, nullptr, &tok), "secret");
  expect_invalid(dl_generate_token(cl, "s", nullptr, nullptr), "out");
  dl_token_options topts;
  dl_token_options_init(&topts);
  topts.version = 0;
  expect_invalid(dl_generate_token(cl, dltest::kSecret, &topts, &tok), "version");
  dl_token_options_init(&topts);
  topts.trusted_origins_count = 2;
  expect_invalid(dl_generate_token(cl, dltest::kSecret, &topts, &tok), "trusted_origins");
  expect_invalid(dl_refresh_token(nullptr, "t", nullptr, &tok), "client");
  expect_invalid(dl_refresh_token(cl, nullptr, nullptr, &tok), "token");
  expect_invalid(dl_refresh_token(cl, "t", nullptr, nullptr), "out");

  expect_invalid(dl_start_conversation(nullptr, "s", &out_conv), "client");
  CHECK(out_conv == nullptr);
  expect_invalid(dl_start_conversation(cl, nullptr, &out_conv), "secret_or_token");
  expect_invalid(dl_start_conversation(cl, "s", nullptr), "out");
  CHECK(dl_start_conversation(cl, "", &out_conv) == DL_EINVALID);
  CHECK(dl_start_conversation(cl, "two words", &out_conv) == DL_EINVALID);
  expect_invalid(dl_open_conversation(nullptr, "s", "c", nullptr, &out_conv), "client");
  expect_invalid(dl_open_conversation(cl, nullptr, "c", nullptr, &out_conv), "secret_or_token");
  expect_invalid(dl_open_conversation(cl, "s", nullptr, nullptr, &out_conv), "conversation_id");
  expect_invalid(dl_open_conversation(cl, "s", "c", nullptr, nullptr), "out");
  expect_invalid(dl_resume_conversation(nullptr, "{}", &out_conv), "client");
  expect_invalid(dl_resume_conversation(cl, nullptr, &out_conv), "state_json");
  expect_invalid(dl_resume_conversation(cl, "{}", nullptr), "out");
  CHECK(dl_resume_conversation(cl, "garbage", &out_conv) == DL_EINVALID);
  CHECK(out_conv == nullptr);

  expect_invalid(dl_conversation_post_activity(nullptr, "{}", &str), "conversation");
  CHECK(str == nullptr);
  expect_invalid(dl_conversation_post_activity(cv, nullptr, &str), "activity_json");
  expect_invalid(dl_conversation_send_message(nullptr, "u", "t", nullptr), "conversation");
  expect_invalid(dl_conversation_send_message(cv, nullptr, "t", nullptr), "user_id");
  expect_invalid(dl_conversation_send_message(cv, "u", nullptr, nullptr), "text");
  CHECK(dl_conversation_send_message(cv, "", "t", nullptr) == DL_EINVALID);
  dl_upload_file file{"a.txt", "text/plain", "x", 1};
  expect_invalid(dl_conversation_upload(nullptr, "u", &file, 1, nullptr, nullptr), "conversation");
  expect_invalid(dl_conversation_upload(cv, nullptr, &file, 1, nullptr, nullptr), "user_id");
  expect_invalid(dl_conversation_upload(cv, "u", nullptr, 1, nullptr, nullptr), "files");
  expect_invalid(dl_conversation_upload(cv, "u", &file, 0, nullptr, nullptr), "file_count");
  dl_upload_file nameless{nullptr, nullptr, "x", 1};
  expect_invalid(dl_conversation_upload(cv, "u", &nameless, 1, nullptr, nullptr), "name");
  dl_upload_file no_data{"a", nullptr, nullptr, 5};
  expect_invalid(dl_conversation_upload(cv, "u", &no_data, 1, nullptr, nullptr), "data");
  CHECK(dl_conversation_upload(cv, "u", &file, 1, "[1]", nullptr) == DL_EINVALID);
  expect_invalid(dl_conversation_end(nullptr, "u", nullptr), "conversation");
  expect_invalid(dl_conversation_end(cv, nullptr, nullptr), "user_id");
  expect_invalid(dl_conversation_get_activities(nullptr, nullptr, &str), "conversation");
  expect_invalid(dl_conversation_get_activities(cv, nullptr, nullptr), "set_json_out");
  expect_invalid(dl_conversation_reconnect(nullptr, nullptr), "conversation");
  expect_invalid(dl_conversation_refresh_token(nullptr), "conversation");
  expect_invalid(dl_conversation_set_token(nullptr, "t"), "conversation");
  expect_invalid(dl_conversation_set_token(cv, nullptr), "token");
  CHECK(dl_conversation_set_token(cv, "bad token\n") == DL_EINVALID);
  expect_invalid(dl_conversation_next_activity(nullptr, 0, &act), "conversation");
  CHECK(act == nullptr);
  expect_invalid(dl_conversation_next_activity(cv, 0, nullptr), "out");
  expect_invalid(dl_conversation_next_activity(cv, -7, &act), "timeout_ms");
  expect_invalid(dl_conversation_export(nullptr, &str), "conversation");
  expect_invalid(dl_conversation_export(cv, nullptr), "state_json_out");

  // A success resets the thread's error.
  CHECK(dl_conversation_reconnect(cv, nullptr) == DL_OK);
  CHECK(dl_error_last()->code == DL_OK);
  CHECK(dl_error_last()->http_status == 0);
  CHECK(std::string(dl_error_last()->message).empty());
}

TEST_CASE("close wakes a waiting next_activity with DL_ECANCELLED", "[integration][args]") {
  Emulator emu;
  ClientSettings s;
  s.receive_mode = DL_RECEIVE_POLLING;
  auto client = make_client(emu, s);
  auto conv = start(client.get());
  int rc = DL_OK;
  std::thread waiter([&] {
    dl_activity *a = nullptr;
    rc = dl_conversation_next_activity(conv.get(), -1, &a);
    dl_activity_free(a);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto t0 = std::chrono::steady_clock::now();
  dl_conversation_close(conv.get());
  waiter.join();
  CHECK(rc == DL_ECANCELLED);
  CHECK(elapsed_ms(t0) < 2000);
  dl_conversation_close(conv.get());  // idempotent
  dl_activity *a = nullptr;
  CHECK(dl_conversation_next_activity(conv.get(), 0, &a) == DL_ECANCELLED);
}

TEST_CASE("a sentinel secret and its tokens never appear in errors or debug logs",
          "[integration][secrets]") {
  const std::string secret = "SENTINEL-SECRET-7f3a9c2e51";
  Emulator emu({}, {secret});
  auto captured = std::make_unique<LogCapture>(DL_LOG_DEBUG);
  std::vector<std::string> messages;
  std::vector<std::string> credentials{secret};
  auto note = [&] {
    messages.emplace_back(dl_error_last()->message);
    messages.emplace_back(dl_error_last()->service_code);
  };
  {
    ClientSettings s;
    s.retry_max_attempts = 2;
    s.receive_mode = DL_RECEIVE_POLLING;
    auto client = make_client(emu, s);
    dl_token *raw = nullptr;
    REQUIRE(dl_generate_token(client.get(), secret.c_str(), nullptr, &raw) == DL_OK);
    TokenPtr token(raw);
    credentials.emplace_back(dl_token_value(raw));
    auto conv = start(client.get(), secret.c_str());
    credentials.emplace_back(dl_conversation_token(conv.get()));
    post_text(conv.get(), "hello");

    dl_conversation *bad = nullptr;
    CHECK(dl_start_conversation(client.get(), (secret + "-wrong").c_str(), &bad) == DL_EFORBIDDEN);
    note();
    emu.add_fault("route=get-activities,status=500,times=2");
    char *json = nullptr;
    CHECK(dl_conversation_get_activities(conv.get(), nullptr, &json) == DL_ESERVER);
    note();
    emu.add_fault("route=post-activity,drop");
    CHECK(dl_conversation_send_message(conv.get(), "u1", "x", nullptr) == DL_ENETWORK);
    emu.clear_faults();
    note();
    // Receiving only now: its polls would have taken the injected faults above.
    REQUIRE(next_of_type(conv.get(), "message"));
    emu.advance_clock(4000);
    dl_conversation *tok_conv = nullptr;
    CHECK(dl_start_conversation(client.get(), dl_token_value(raw), &tok_conv) == DL_ETOKEN_EXPIRED);
    note();
    CHECK(dl_conversation_set_token(conv.get(), (secret + " x").c_str()) == DL_EINVALID);
    note();
    dl_token *refreshed = nullptr;
    CHECK(dl_refresh_token(client.get(), dl_token_value(raw), nullptr, &refreshed) != DL_OK);
    note();
  }
  const auto lines = captured->taken();
  captured.reset();
  CHECK_FALSE(lines.empty());
  for (const auto &line : lines) messages.push_back(line.second);
  for (const auto &m : messages) {
    for (const auto &cred : credentials) {
      INFO("line: " << m);
      CHECK(m.find(cred) == std::string::npos);
    }
    CHECK(m.find("SENTINEL") == std::string::npos);
  }
}
