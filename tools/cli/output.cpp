#include "output.hpp"

#include <directline.h>

#include <nlohmann/json.hpp>

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <mutex>

#include "errors.hpp"

namespace dlcli {

namespace {

std::mutex g_output_mutex;

void write_stdout(const std::string &data) {
  std::lock_guard<std::mutex> lock(g_output_mutex);
  std::fwrite(data.data(), 1, data.size(), stdout);
  std::fflush(stdout);
}

void log_to_stderr(int level, const char *message, void *) {
  static const char *const names[] = {"debug", "info", "warn", "error"};
  std::lock_guard<std::mutex> lock(g_output_mutex);
  std::fprintf(stderr, "directline[%s]: %s\n", (level >= 0 && level < 4) ? names[level] : "log", message);
}

}  // namespace

void print_line(const std::string &line) { write_stdout(line + "\n"); }

void print_error(const std::string &message) {
  std::lock_guard<std::mutex> lock(g_output_mutex);
  std::fprintf(stderr, "directline: %s\n", message.c_str());
  std::fflush(stderr);
}

std::string one_line(const std::string &service_json) {
  auto parsed = nlohmann::ordered_json::parse(service_json, nullptr, false);
  return parsed.is_discarded() ? service_json : parsed.dump();
}

void install_log_level(const std::string &level) {
  if (level.empty()) return;
  static const std::pair<const char *, int> levels[] = {
      {"debug", DL_LOG_DEBUG}, {"info", DL_LOG_INFO}, {"warn", DL_LOG_WARN}, {"error", DL_LOG_ERROR}};
  for (const auto &l : levels)
    if (level == l.first) {
      dl_set_log_handler(log_to_stderr, l.second, nullptr);
      return;
    }
  throw UsageError("--log-level: expected debug, info, warn or error", "");
}

LiveText::LiveText(bool terminal) : terminal_(terminal) {
  winsize size{};
  if (terminal_ && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) width_ = size.ws_col;
}

// \r only reaches the start of the last screen row: rewriting is safe for
// text that stays on one row.
bool LiveText::fits_one_line(const std::string &text) const {
  return text.find('\n') == std::string::npos && text.size() < static_cast<size_t>(width_);
}

void LiveText::update(const std::string &stream_id, int sequence, const std::string &text) {
  if (std::find(closed_.begin(), closed_.end(), stream_id) != closed_.end()) return;
  if (open_ && stream_ == stream_id) {
    if (sequence > 0 && sequence < sequence_) return;
  } else {
    end_line();
    open_ = true;
    stream_ = stream_id;
    sequence_ = 0;
    shown_.clear();
  }
  if (sequence > 0) sequence_ = sequence;
  show(text);
}

void LiveText::show(const std::string &text) {
  if (text == shown_) return;
  if (!terminal_) print_line(text);
  else if (fits_one_line(shown_) && fits_one_line(text))
    write_stdout("\r" + text + "\x1b[K");  // erase what a longer earlier text left
  else if (text.compare(0, shown_.size(), shown_) == 0)
    write_stdout(text.substr(shown_.size()));  // grown past one row: append only
  else
    write_stdout("\n" + text);
  shown_ = text;
}

void LiveText::message(const std::string &stream_id, const std::string &text) {
  if (!stream_id.empty()) {
    closed_.push_back(stream_id);
    if (closed_.size() > 64) closed_.pop_front();
  }
  if (open_ && !stream_id.empty() && stream_ == stream_id) {
    open_ = false;
    if (terminal_) {  // the final text replaces the live line
      show(text);
      write_stdout("\n");
      return;
    }
  }
  end_line();
  print_line(text);
}

void LiveText::end_line() {
  if (!open_) return;
  open_ = false;
  if (terminal_) write_stdout("\n");
}

}  // namespace dlcli
