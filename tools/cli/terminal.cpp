#include "terminal.hpp"

#include <poll.h>
#include <pthread.h>
#include <unistd.h>

#include <cerrno>

#include "errors.hpp"

namespace dlcli {

namespace {
// Far above any activity a service accepts; bounds memory on endless input.
constexpr size_t kMaxLine = 1 << 20;
}  // namespace

InterruptWatcher::InterruptWatcher() {
  sigemptyset(&set_);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGTERM);
  sigaddset(&set_, SIGUSR1);  // our own wake-up to stop the watcher
  pthread_sigmask(SIG_BLOCK, &set_, nullptr);
  if (pipe(wake_) != 0) wake_[0] = wake_[1] = -1;
  thread_ = std::thread([this] { run(); });
}

InterruptWatcher::~InterruptWatcher() {
  stopping_ = true;
  pthread_kill(thread_.native_handle(), SIGUSR1);
  thread_.join();
  if (wake_[0] >= 0) {
    ::close(wake_[0]);
    ::close(wake_[1]);
  }
}

void InterruptWatcher::watch(directline::Conversation *conversation) {
  std::lock_guard<std::mutex> lock(mutex_);
  target_ = conversation;
  if (interrupted_ && target_) target_->close();
}

void InterruptWatcher::wake() {
  if (wake_[1] >= 0) (void)!write(wake_[1], "x", 1);
}

void InterruptWatcher::run() {
  while (true) {
    int sig = 0;
    if (sigwait(&set_, &sig) != 0) continue;
    if (sig == SIGUSR1) {
      if (stopping_) return;
      continue;
    }
    if (interrupted_) _exit(kExitInterrupted);  // second Ctrl-C: give up waiting
    interrupted_ = true;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (target_) target_->close();
    }
    wake();
  }
}

bool LineReader::next(std::string &line) {
  while (true) {
    size_t nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return true;
    }
    if (eof_) {
      if (buffer_.empty()) return false;
      line.swap(buffer_);
      buffer_.clear();
      return true;
    }
    pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    int n = ::poll(fds, wake_fd_ >= 0 ? 2 : 1, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (wake_fd_ >= 0 && (fds[1].revents & POLLIN)) return false;
    char chunk[4096];
    ssize_t got = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) eof_ = true;
    else buffer_.append(chunk, static_cast<size_t>(got));
    if (buffer_.size() > kMaxLine && buffer_.find('\n') == std::string::npos)
      throw LocalError("an input line is longer than " + std::to_string(kMaxLine >> 20) + " MiB", kExitUsage);
  }
}

}  // namespace dlcli
