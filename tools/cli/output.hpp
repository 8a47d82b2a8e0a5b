// What the CLI writes: the service's JSON and replies on stdout, errors and
// notes on stderr. Every write takes one lock, so lines from the receiving
// thread and the main thread never interleave.
#pragma once

#include <deque>
#include <string>

namespace dlcli {

// One line on stdout, flushed.
void print_line(const std::string &line);

// "directline: MESSAGE" on stderr.
void print_error(const std::string &message);

// The service's JSON as one compact line (field order and unknown fields kept);
// the text unchanged when it is not JSON.
std::string one_line(const std::string &service_json);

// Sends the library's (redacted) log to stderr from `level` on:
// debug|info|warn|error. Empty: leaves the library's default.
void install_log_level(const std::string &level);

// Shows streamed replies as they grow. On a terminal the current line is
// rewritten in place as the text grows; elsewhere every update is one plain
// line, so pipes and logs see each step. Used from one thread.
class LiveText {
 public:
  explicit LiveText(bool terminal);
  // A chunk of stream `stream_id` carrying the text so far (it replaces the
  // text before, may even shorten it). Stale chunks (a lower `sequence`) and
  // chunks of a stream already closed by its final message are dropped.
  void update(const std::string &stream_id, int sequence, const std::string &text);
  // A complete message: closes the live line when it ends stream `stream_id`
  // (empty: not streamed), else prints the text as a line of its own.
  void message(const std::string &stream_id, const std::string &text);
  // Ends an open live line (before other output).
  void end_line();

 private:
  bool fits_one_line(const std::string &text) const;
  void show(const std::string &text);
  bool terminal_;
  int width_ = 80;
  bool open_ = false;
  std::string stream_;
  int sequence_ = 0;
  std::string shown_;
  std::deque<std::string> closed_;  // the last streams closed, to drop late chunks
};

}  // namespace dlcli
