// Shared helpers for the receive integration tests: RAII over the C API
// handles, a tiny HTTP client for the emulator's /admin routes, and
// receive loops that check exactly-once, in-order delivery.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "directline.h"
#include "emulator_process.hpp"

namespace rtest {

struct ClientDeleter { void operator()(dl_client *c) const { dl_client_free(c); } };
struct ConversationDeleter { void operator()(dl_conversation *c) const { dl_conversation_free(c); } };
struct ActivityDeleter { void operator()(dl_activity *a) const { dl_activity_free(a); } };
struct TokenDeleter { void operator()(dl_token *t) const { dl_token_free(t); } };
using ClientPtr = std::unique_ptr<dl_client, ClientDeleter>;
using ConversationPtr = std::unique_ptr<dl_conversation, ConversationDeleter>;
using ActivityPtr = std::unique_ptr<dl_activity, ActivityDeleter>;
using TokenPtr = std::unique_ptr<dl_token, TokenDeleter>;

struct ClientSettings {
  int receive_mode = DL_RECEIVE_AUTO;
  int polling_interval_ms = 100;
  int retry_base_delay_ms = 20;
  int reconnect_base_delay_ms = 20;  // fast stream reconnects (the default is 1000)
  bool disable_auto_refresh = false;
  int receive_queue_limit = 0;       // 0: the default (1000)
};

ClientPtr make_client(const dltest::EmulatorProcess &emulator, const ClientSettings &settings = {});
ConversationPtr start_with_secret(dl_client *client);
// Generates a token with the emulator's secret, then starts with that token.
ConversationPtr start_with_token(dl_client *client);

// One HTTP request to the emulator (loopback); returns the status code and
// fills *body. Throws std::runtime_error on socket errors.
int http_request(int port, const std::string &method, const std::string &path,
                 const std::string &body, std::string *response_body = nullptr);
// POST /admin/conversations/{id}/activities {"count":N,"text":text}; REQUIREs 200.
void bot_sends(const dltest::EmulatorProcess &emulator, const std::string &conversation_id,
               int count, const std::string &text);
void admin_post(const dltest::EmulatorProcess &emulator, const std::string &path,
                const std::string &body = "{}");
// WebSockets the emulator has open (GET /admin/stats).
int open_sockets(const dltest::EmulatorProcess &emulator);

struct Received {
  std::string id, type, text, from_id, json;
};

// next_activity until `count` activities of type message from the bot with a
// text starting with `prefix` arrived (others are skipped and returned in
// *others), or the deadline passes, or an error ends receiving.
struct ReceiveResult {
  std::vector<Received> matching;
  std::vector<Received> others;
  int last_error = DL_OK;
};
ReceiveResult receive_bot_texts(dl_conversation *conversation, std::size_t count,
                                const std::string &prefix, std::chrono::milliseconds deadline);

// "n 1".."n count" in order, each exactly once.
bool numbered_in_order(const std::vector<Received> &received, const std::string &text, int first,
                       int count, std::string *why);

std::string last_error_text();

}  // namespace rtest
