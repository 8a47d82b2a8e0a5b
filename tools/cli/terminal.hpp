// Interrupts and stdin for the long-running commands (listen, chat): Ctrl-C
// handled on a thread of its own, and a line reader that a signal or the end
// of the conversation can wake.
#pragma once

#include <directline.hpp>

#include <signal.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

namespace dlcli {

// Ctrl-C / SIGTERM while listening or chatting: the first signal closes the
// conversation (waking next_activity) and the stdin wait; a second one exits.
// Signals are blocked in every thread and taken by one sigwait thread, so no
// library call ever runs in a signal handler. Create it before the client, so
// that the library's threads inherit the mask.
class InterruptWatcher {
 public:
  InterruptWatcher();
  ~InterruptWatcher();
  InterruptWatcher(const InterruptWatcher &) = delete;
  InterruptWatcher &operator=(const InterruptWatcher &) = delete;

  // The conversation to close on a signal (nullptr: none).
  void watch(directline::Conversation *conversation);
  bool interrupted() const { return interrupted_; }
  // Wakes a LineReader waiting on stdin (e.g. when the bot ended the chat).
  void wake();
  int wake_fd() const { return wake_[0]; }

 private:
  void run();
  sigset_t set_{};
  int wake_[2] = {-1, -1};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> interrupted_{false};
  std::mutex mutex_;
  directline::Conversation *target_ = nullptr;
  std::thread thread_;
};

// Watches a conversation for the lifetime of the guard.
class WatchGuard {
 public:
  WatchGuard(InterruptWatcher &watcher, directline::Conversation &conversation) : watcher_(watcher) {
    watcher_.watch(&conversation);
  }
  ~WatchGuard() { watcher_.watch(nullptr); }
  WatchGuard(const WatchGuard &) = delete;
  WatchGuard &operator=(const WatchGuard &) = delete;

 private:
  InterruptWatcher &watcher_;
};

// Reads lines from stdin while staying interruptible (poll on stdin and the
// watcher's wake pipe).
class LineReader {
 public:
  explicit LineReader(int wake_fd) : wake_fd_(wake_fd) {}
  // False at EOF or when woken.
  bool next(std::string &line);

 private:
  int wake_fd_;
  std::string buffer_;
  bool eof_ = false;
};

}  // namespace dlcli
