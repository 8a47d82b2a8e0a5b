// Export a conversation's state mid-stream and resume it elsewhere (in this
// process and in a fresh one): exactly what the first receiver had not
// delivered arrives, nothing twice (items 54, 83).
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

#include "receive_support.hpp"

using namespace rtest;
using namespace std::chrono;

namespace {

std::string export_state(dl_conversation *conversation) {
  char *state = nullptr;
  const int rc = dl_conversation_export(conversation, &state);
  INFO(last_error_text());
  REQUIRE(rc == DL_OK);
  std::string out = state;
  dl_string_free(state);
  return out;
}

// First receiver takes `taken` of 10 "k" messages, then the state moves on.
std::string receive_part_then_export(const dltest::EmulatorProcess &emulator, int receive_mode, int taken,
                                     std::string *conversation_id) {
  ClientSettings settings;
  settings.receive_mode = receive_mode;
  auto client = make_client(emulator, settings);
  auto conversation = start_with_token(client.get());
  *conversation_id = dl_conversation_id(conversation.get());
  dl_activity *none = nullptr;
  dl_conversation_next_activity(conversation.get(), 200, &none);
  bot_sends(emulator, *conversation_id, 10, "k");
  // Let everything reach the client, so the part not taken is in its buffer.
  std::this_thread::sleep_for(milliseconds(500));
  auto first = receive_bot_texts(conversation.get(), static_cast<std::size_t>(taken), "k ", seconds(10));
  REQUIRE(first.matching.size() == static_cast<std::size_t>(taken));
  return export_state(conversation.get());
}

std::vector<std::string> run_helper(const dltest::EmulatorProcess &emulator, const std::string &state,
                                    int count, const char *prefix, bool polling) {
  char path[] = "/tmp/receive_resume_XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(write(fd, state.data(), state.size()) == static_cast<ssize_t>(state.size()));
  close(fd);
  int out[2];
  REQUIRE(pipe(out) == 0);
  const std::string endpoint = emulator.v3();
  const std::string count_text = std::to_string(count);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    const char *argv[] = {DL_RESUME_HELPER_PATH, endpoint.c_str(), path, count_text.c_str(), prefix,
                          polling ? "polling" : "auto", nullptr};
    execv(argv[0], const_cast<char *const *>(argv));
    _exit(127);
  }
  close(out[1]);
  std::string output;
  char chunk[4096];
  ssize_t n;
  while ((n = read(out[0], chunk, sizeof chunk)) > 0) output.append(chunk, static_cast<std::size_t>(n));
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  unlink(path);
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < output.size()) {
    auto end = output.find('\n', start);
    if (end == std::string::npos) end = output.size();
    lines.push_back(output.substr(start, end - start));
    start = end + 1;
  }
  INFO("helper output:\n" << output);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  return lines;
}

}  // namespace

TEST_CASE("test_83_resume_in_another_process_receives_exactly_what_was_missed", "[resume][stream]") {
  dltest::EmulatorProcess emulator({"--admin"});
  std::string id;
  const std::string state = receive_part_then_export(emulator, DL_RECEIVE_AUTO, 4, &id);
  CHECK(state.find(dltest::kSecret) == std::string::npos);  // a secret is never exported
  bot_sends(emulator, id, 3, "m");  // arrives while nobody listens
  auto lines = run_helper(emulator, state, 3, "m ", false);
  std::vector<std::string> expected;
  for (int i = 5; i <= 10; ++i) expected.push_back("message\tbot\tk " + std::to_string(i));
  for (int i = 1; i <= 3; ++i) expected.push_back("message\tbot\tm " + std::to_string(i));
  expected.push_back("rc 0");
  CHECK(lines == expected);
}

TEST_CASE("test_83_resume_in_process_after_a_partly_delivered_polled_page", "[resume][polling]") {
  // Polling delivers the ten messages in one page: the export happens inside
  // that page, so the state must say which of its activities were delivered.
  dltest::EmulatorProcess emulator({"--admin"});
  std::string id;
  const std::string state = receive_part_then_export(emulator, DL_RECEIVE_POLLING, 4, &id);
  bot_sends(emulator, id, 2, "m");
  ClientSettings settings;
  settings.receive_mode = DL_RECEIVE_POLLING;
  auto client = make_client(emulator, settings);
  dl_conversation *resumed = nullptr;
  REQUIRE(dl_resume_conversation(client.get(), state.c_str(), &resumed) == DL_OK);
  ConversationPtr conversation(resumed);
  auto k = receive_bot_texts(conversation.get(), 6, "k ", seconds(10));
  std::string why;
  CHECK(numbered_in_order(k.matching, "k", 5, 6, &why));
  INFO(why);
  auto m = receive_bot_texts(conversation.get(), 2, "m ", seconds(10));
  CHECK(numbered_in_order(m.matching, "m", 1, 2, &why));
  INFO(why);
}
