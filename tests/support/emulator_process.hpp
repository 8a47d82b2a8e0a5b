// Starts a real directline-emulator process for a C++ test and stops it in the
// destructor. The binary comes from $DIRECTLINE_EMULATOR or DL_EMULATOR_PATH
// (a compile definition the test target sets to the built emulator).
#pragma once

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace dltest {

inline const char *const kSecret = "test-secret-0123456789";

class EmulatorProcess {
 public:
  explicit EmulatorProcess(std::vector<std::string> extra_args = {},
                           std::vector<std::string> secrets = {kSecret}) {
    std::string binary = emulator_path();
    std::vector<std::string> args{binary, "--port", "0"};
    for (auto &s : secrets) { args.push_back("--secret"); args.push_back(s); }
    for (auto &a : extra_args) args.push_back(a);

    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      std::vector<char *> argv;
      for (auto &a : args) argv.push_back(const_cast<char *>(a.c_str()));
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    stdout_ = fdopen(out[0], "r");
    char line[512] = {0};
    if (!stdout_ || !fgets(line, sizeof line, stdout_)) {
      stop();
      throw std::runtime_error("emulator did not start: " + binary);
    }
    std::string l(line);
    const std::string prefix = "listening on ";
    if (l.compare(0, prefix.size(), prefix) != 0) {
      stop();
      throw std::runtime_error("unexpected emulator output: " + l);
    }
    base_url_ = l.substr(prefix.size());
    while (!base_url_.empty() && (base_url_.back() == '\n' || base_url_.back() == '\r'))
      base_url_.pop_back();
  }

  EmulatorProcess(const EmulatorProcess &) = delete;
  EmulatorProcess &operator=(const EmulatorProcess &) = delete;
  ~EmulatorProcess() { stop(); }

  const std::string &base_url() const { return base_url_; }  // http://127.0.0.1:PORT
  std::string v3() const { return base_url_ + "/v3/directline"; }
  std::string v1() const { return base_url_ + "/api"; }
  int port() const { return std::atoi(base_url_.substr(base_url_.rfind(':') + 1).c_str()); }
  pid_t pid() const { return pid_; }

  // SIGTERM and wait; returns the exit status (or -1 if already stopped).
  int stop() {
    if (stdout_) { fclose(stdout_); stdout_ = nullptr; }
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

  static std::string emulator_path() {
    if (const char *env = std::getenv("DIRECTLINE_EMULATOR")) return env;
#ifdef DL_EMULATOR_PATH
    return DL_EMULATOR_PATH;
#else
    throw std::runtime_error("set DIRECTLINE_EMULATOR");
#endif
  }

 private:
  pid_t pid_ = -1;
  FILE *stdout_ = nullptr;
  std::string base_url_;
};

}  // namespace dltest
