// hello.cpp - the C++ wrapper (directline.hpp, header-only over the C ABI) in
// one page: token from a secret, start, send "hello", print the bot's reply,
// then show how a failure looks (a wrong secret).
//
// Environment: DIRECTLINE_SECRET (required), DIRECTLINE_ENDPOINT (e.g.
// http://127.0.0.1:PORT/v3/directline; default: the public service).
// Build: see CMakeLists.txt beside this file. Exit status 0 when the bot replied.
#include <directline.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

int main() {
  const char *secret = std::getenv("DIRECTLINE_SECRET");
  const char *endpoint = std::getenv("DIRECTLINE_ENDPOINT");
  if (secret == nullptr || *secret == '\0') {
    std::cerr << "hello: set DIRECTLINE_SECRET\n";
    return 1;
  }
  std::cout << "directline " << directline::version() << "\n";
  directline::ClientOptions options;
  if (endpoint != nullptr) options.endpoint = endpoint;

  try {
    directline::Client client(options);
    // A token is what a browser or device should hold; the secret stays here.
    directline::Token token = client.generate_token(secret);
    directline::Conversation conversation = client.start_conversation(token.value());
    std::cout << "conversation " << conversation.id() << "\n";

    std::optional<std::string> sent = conversation.send_message("user1", "hello");
    // Our own message comes back too (and "typing"): wait for the bot's answer.
    bool replied = false;
    for (int waited = 0; waited < 15 && !replied; ++waited) {
      std::optional<directline::Activity> activity = conversation.next_activity(1000);
      if (!activity || activity->is_own() || activity->type() != "message" || !activity->text()) continue;
      std::cout << "bot: " << *activity->text() << "\n";
      replied = true;
    }
    if (!replied) {
      std::cerr << "hello: no reply within 15 s (sent " << sent.value_or("?") << ")\n";
      return 1;
    }
  } catch (const directline::Error &e) {
    // code() is a dl_result; what() never contains the secret or a token.
    std::cerr << "hello: " << dl_result_name(e.code()) << ": " << e.what() << "\n";
    return 1;
  }

  // Errors are exceptions carrying the dl_result code and the HTTP status.
  try {
    directline::Client client(options);
    client.generate_token("not-the-secret");
    std::cerr << "hello: a wrong secret was accepted\n";
    return 1;
  } catch (const directline::Error &e) {
    std::cout << "wrong secret rejected: " << dl_result_name(e.code()) << " (HTTP " << e.http_status()
              << ")\n";
  }
  return 0;
}
