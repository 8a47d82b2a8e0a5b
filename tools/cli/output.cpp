#include "output.hpp"

#include <directline.h>

#include <nlohmann/json.hpp>

#include <sys/ioctl.h>
#include <unistd.h>

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

void LiveText::update(const std::string &stream_id, const std::string &text) {
  if (!terminal_) {
    if (open_ && stream_ == stream_id && shown_ == text) return;
    open_ = true;
    stream_ = stream_id;
    shown_ = text;
    print_line(text);
    return;
  }
  if (open_ && stream_ != stream_id) end_line();
  if (!open_) {
    open_ = true;
    stream_ = stream_id;
    shown_.clear();
  }
  if (text == shown_) return;
  if (fits_one_line(shown_) && fits_one_line(text))
    write_stdout("\r" + text + "\x1b[K");  // erase what a longer earlier text left
  else if (text.compare(0, shown_.size(), shown_) == 0)
    write_stdout(text.substr(shown_.size()));  // grown past one row: append only
  else
    write_stdout("\n" + text);
  shown_ = text;
}

void LiveText::message(const std::string &stream_id, const std::string &text) {
  const bool ends_open_stream = open_ && !stream_id.empty() && stream_ == stream_id;
  if (terminal_ && ends_open_stream) {
    update(stream_id, text);
    write_stdout("\n");
    open_ = false;
    return;
  }
  if (ends_open_stream) open_ = false;
  end_line();
  print_line(text);
}

void LiveText::end_line() {
  if (!open_) return;
  open_ = false;
  if (terminal_) write_stdout("\n");
}

}  // namespace dlcli
