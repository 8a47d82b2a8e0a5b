// Error paths with the emulator's fault injection, clock and admin routes:
// each gives the documented code, and retries happen only where documented.
#include <cstring>

#include "integration_support.hpp"

using namespace itest;

namespace {

bool contains(const std::string &haystack, const std::string &needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("3 an unknown secret gives DL_EFORBIDDEN with HTTP 403", "[integration][errors]") {
  Emulator emu;
  auto client = make_client(emu);
  dl_conversation *c = nullptr;
  CHECK(dl_start_conversation(client.get(), "not-the-secret-123", &c) == DL_EFORBIDDEN);
  CHECK(c == nullptr);
  CHECK(dl_error_last()->http_status == 403);
  CHECK(dl_error_last()->code == DL_EFORBIDDEN);
  dl_token *t = nullptr;
  CHECK(dl_generate_token(client.get(), "not-the-secret-123", nullptr, &t) == DL_EFORBIDDEN);
  CHECK(t == nullptr);
}

TEST_CASE("1 a 401 gives DL_EUNAUTHORIZED", "[integration][errors]") {
  Emulator emu;
  auto client = make_client(emu);
  emu.add_fault("route=generate,status=401,times=1");
  dl_token *t = nullptr;
  CHECK(dl_generate_token(client.get(), dltest::kSecret, nullptr, &t) == DL_EUNAUTHORIZED);
  CHECK(dl_error_last()->http_status == 401);
  CHECK(std::string(dl_error_last()->service_code) == "InjectedFault");
}

TEST_CASE("10/11 an expired token gives DL_ETOKEN_EXPIRED everywhere, also on refresh",
          "[integration][errors]") {
  Emulator emu;
  auto client = make_client(emu);
  dl_token *raw = nullptr;
  REQUIRE(dl_generate_token(client.get(), dltest::kSecret, nullptr, &raw) == DL_OK);
  TokenPtr token(raw);
  auto conv = start(client.get(), dl_token_value(raw));
  emu.advance_clock(4000);
  CHECK(dl_conversation_send_message(conv.get(), "u1", "late", nullptr) == DL_ETOKEN_EXPIRED);
  CHECK(dl_error_last()->http_status == 403);
  CHECK(std::string(dl_error_last()->service_code) == "TokenExpired");
  char *json = nullptr;
  CHECK(dl_conversation_get_activities(conv.get(), nullptr, &json) == DL_ETOKEN_EXPIRED);
  CHECK(json == nullptr);
  CHECK(dl_conversation_refresh_token(conv.get()) == DL_ETOKEN_EXPIRED);
  dl_token *refreshed = nullptr;
  CHECK(dl_refresh_token(client.get(), dl_token_value(raw), nullptr, &refreshed) == DL_ETOKEN_EXPIRED);
  CHECK(refreshed == nullptr);
}

TEST_CASE("12 refreshing a secret is refused", "[integration][errors]") {
  Emulator emu;
  auto client = make_client(emu);
  dl_token *t = nullptr;
  CHECK(dl_refresh_token(client.get(), dltest::kSecret, nullptr, &t) == DL_EFORBIDDEN);
  auto conv = start(client.get());
  CHECK(dl_conversation_refresh_token(conv.get()) == DL_EINVALID);  // holds a secret: no request
}

TEST_CASE("24/33 unknown conversations give DL_ENOTFOUND", "[integration][errors]") {
  Emulator emu;
  auto client = make_client(emu);
  dl_conversation *raw = nullptr;
  REQUIRE(dl_open_conversation(client.get(), dltest::kSecret, "no-such-conversation", nullptr, &raw) == DL_OK);
  ConversationPtr conv(raw);
  CHECK(dl_conversation_reconnect(raw, nullptr) == DL_ENOTFOUND);
  CHECK(dl_error_last()->http_status == 404);
  CHECK(dl_conversation_send_message(raw, "u1", "x", nullptr) == DL_ENOTFOUND);
}

TEST_CASE("34 an activity the service rejects gives DL_EBAD_REQUEST; bad JSON DL_EINVALID",
          "[integration][errors]") {
  Emulator emu;
  auto client = make_client(emu);
  auto conv = start(client.get());
  std::string huge = R"({"type":"message","from":{"id":"u1"},"text":")" + std::string(300 * 1024, 'x') + "\"}";
  CHECK(dl_conversation_post_activity(conv.get(), huge.c_str(), nullptr) == DL_EBAD_REQUEST);  // 65
  CHECK(dl_error_last()->http_status == 400);
  CHECK(dl_conversation_post_activity(conv.get(), "{not json", nullptr) == DL_EINVALID);
  CHECK(dl_conversation_post_activity(conv.get(), R"({"type":"message"})", nullptr) == DL_EINVALID);
}

TEST_CASE("64 a 429 with Retry-After on GET: the client waits at least that long, then succeeds",
          "[integration][errors][retry]") {
  Emulator emu;
  auto client = make_client(emu);
  auto conv = start(client.get());
  emu.add_fault("route=get-activities,status=429,retry_after=1,times=1");
  auto t0 = std::chrono::steady_clock::now();
  std::string all = get_all(conv.get());
  long long waited = elapsed_ms(t0);
  CHECK(waited >= 1000);
  CHECK(waited < 5000);
  CHECK(contains(all, "\"activities\""));
}

TEST_CASE("64 a 429 on POST is returned with retry_after_s, not retried", "[integration][errors][retry]") {
  Emulator emu;
  auto client = make_client(emu);
  auto conv = start(client.get());
  emu.add_fault("route=post-activity,status=429,retry_after=2,times=1");
  CHECK(dl_conversation_send_message(conv.get(), "u1", "throttled", nullptr) == DL_ETHROTTLED);
  CHECK(dl_error_last()->retry_after_s == 2);
  CHECK(dl_error_last()->http_status == 429);
  CHECK_FALSE(contains(get_all(conv.get()), "\"throttled\""));
}

TEST_CASE("500 on GET is retried and succeeds", "[integration][errors][retry]") {
  Emulator emu;
  auto client = make_client(emu);
  auto conv = start(client.get());
  emu.add_fault("route=get-activities,status=500,times=2");
  post_text(conv.get(), "survives");
  CHECK(contains(get_all(conv.get()), "survives"));
}

TEST_CASE("500 on GET beyond the attempts gives DL_ESERVER", "[integration][errors][retry]") {
  Emulator emu;
  ClientSettings s;
  s.retry_max_attempts = 2;
  auto client = make_client(emu, s);
  auto conv = start(client.get());
  emu.add_fault("route=get-activities,status=500,times=2");
  char *json = nullptr;
  CHECK(dl_conversation_get_activities(conv.get(), nullptr, &json) == DL_ESERVER);
  CHECK(dl_error_last()->http_status == 500);
  CHECK(json == nullptr);
  json = nullptr;
  CHECK(dl_conversation_get_activities(conv.get(), nullptr, &json) == DL_OK);  // fault used up
  dl_string_free(json);
}

TEST_CASE("30 a 502 on POST is not retried: the message is posted at most once",
          "[integration][errors][retry]") {
  Emulator emu;
  auto client = make_client(emu);
  auto conv = start(client.get());
  emu.add_fault("route=post-activity,status=502,times=1");
  CHECK(dl_conversation_send_message(conv.get(), "u1", "only-once", nullptr) == DL_EBOT);
  CHECK(dl_error_last()->http_status == 502);
  // Had the client retried, the second (unfaulted) attempt would have stored it.
  CHECK_FALSE(contains(get_all(conv.get()), "only-once"));
}

TEST_CASE("31 a 504 gives DL_EBOT", "[integration][errors]") {
  Emulator emu;
  auto client = make_client(emu);
  auto conv = start(client.get());
  emu.add_fault("route=post-activity,status=504,times=1");
  CHECK(dl_conversation_send_message(conv.get(), "u1", "slow bot", nullptr) == DL_EBOT);
  CHECK(dl_error_last()->http_status == 504);
}

TEST_CASE("a dropped connection gives DL_ENETWORK (GET retried first)", "[integration][errors]") {
  Emulator emu;
  ClientSettings s;
  s.retry_max_attempts = 2;
  auto client = make_client(emu, s);
  auto conv = start(client.get());
  emu.add_fault("route=get-activities,drop");
  char *json = nullptr;
  CHECK(dl_conversation_get_activities(conv.get(), nullptr, &json) == DL_ENETWORK);
  CHECK(json == nullptr);
  emu.clear_faults();
  emu.add_fault("route=get-activities,drop,times=1");
  CHECK(contains(get_all(conv.get()), "\"activities\""));  // retried past the drop
  // A post is never answered: it is looked for, not found, sent once more, then reported.
  emu.add_fault("route=post-activity,drop");
  CHECK(dl_conversation_send_message(conv.get(), "u1", "dropped", nullptr) == DL_ENETWORK);
  emu.clear_faults();
  CHECK_FALSE(contains(get_all(conv.get()), "dropped"));
  // Dropped once: not in the conversation, so the second send goes through, once.
  emu.add_fault("route=post-activity,drop,times=1");
  post_text(conv.get(), "dropped-once");
  const std::string all = get_all(conv.get());
  CHECK(all.find("\"dropped-once\"") != std::string::npos);
  CHECK(all.find("\"dropped-once\"") == all.rfind("\"dropped-once\""));
}

TEST_CASE("a truncated body gives DL_EPROTOCOL", "[integration][errors]") {
  Emulator emu;
  auto client = make_client(emu);
  auto conv = start(client.get());
  post_text(conv.get(), "some content to cut in half");
  emu.add_fault("route=get-activities,truncate,times=1");
  char *json = nullptr;
  CHECK(dl_conversation_get_activities(conv.get(), nullptr, &json) == DL_EPROTOCOL);
  CHECK(json == nullptr);
  emu.add_fault("route=start,truncate,times=1");
  dl_conversation *c = nullptr;
  CHECK(dl_start_conversation(client.get(), dltest::kSecret, &c) == DL_EPROTOCOL);
  CHECK(c == nullptr);
}

TEST_CASE("a response slower than the request timeout gives DL_ETIMEOUT", "[integration][errors]") {
  Emulator emu;
  ClientSettings s;
  s.request_timeout_ms = 300;
  s.retry_max_attempts = 1;
  auto client = make_client(emu, s);
  auto conv = start(client.get());
  emu.add_fault("route=get-activities,delay=1500,times=1");
  auto t0 = std::chrono::steady_clock::now();
  char *json = nullptr;
  CHECK(dl_conversation_get_activities(conv.get(), nullptr, &json) == DL_ETIMEOUT);
  CHECK(elapsed_ms(t0) < 1400);
}

TEST_CASE("a post that timed out is found once the service stored it, not sent twice",
          "[integration][errors][exactly-once]") {
  Emulator emu;
  ClientSettings s;
  s.request_timeout_ms = 400;
  auto client = make_client(emu, s);
  auto conv = start(client.get());
  // Handled after the client gave up on the answer: the client keeps looking for it.
  emu.add_fault("route=post-activity,delay=900,times=1");
  char *id = nullptr;
  const int rc = dl_conversation_send_message(conv.get(), "u1", "late but once", &id);
  INFO(last_message());
  REQUIRE(rc == DL_OK);
  StringPtr hold(id);
  const std::string all = get_all(conv.get());
  const auto first = all.find("\"late but once\"");
  REQUIRE(first != std::string::npos);
  CHECK(first == all.rfind("\"late but once\""));
  CHECK(all.find(std::string("\"id\":\"") + id + "\"") != std::string::npos);
}

TEST_CASE("nothing listening gives DL_ENETWORK quickly", "[integration][errors]") {
  int port = 0;
  {
    Emulator emu;
    port = emu.port();
  }
  dl_client_options o;
  dl_client_options_init(&o);
  std::string endpoint = "http://127.0.0.1:" + std::to_string(port) + "/v3/directline";
  o.endpoint = endpoint.c_str();
  o.retry_max_attempts = 1;
  dl_client *raw = nullptr;
  REQUIRE(dl_client_new(&o, &raw) == DL_OK);
  ClientPtr client(raw);
  dl_conversation *c = nullptr;
  CHECK(dl_start_conversation(raw, dltest::kSecret, &c) == DL_ENETWORK);
}
