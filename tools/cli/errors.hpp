// Exit codes and error reporting of the `directline` CLI: one exit code per
// error class, one line on stderr per failure.
#pragma once

#include <directline.hpp>

#include <stdexcept>
#include <string>

namespace dlcli {

enum ExitCode {
  kExitOk = 0, kExitLocal = 1, kExitUsage = 2, kExitUnauthorized = 3, kExitForbidden = 4,
  kExitTokenExpired = 5, kExitNotFound = 6, kExitRejected = 7, kExitThrottled = 8, kExitBot = 9,
  kExitServer = 10, kExitNetwork = 11, kExitTimeout = 12, kExitProtocol = 13, kExitEnded = 14,
  kExitInterrupted = 130,
};

// A mistake in the command line: reported with a hint to --help, exit code 2.
struct UsageError : std::runtime_error {
  UsageError(const std::string &message, std::string command)
      : std::runtime_error(message), command(std::move(command)) {}
  std::string command;
};

// A local failure (unreadable file, bad input): exit 1, or another code.
struct LocalError : std::runtime_error {
  explicit LocalError(const std::string &m, int exit_code = kExitLocal)
      : std::runtime_error(m), exit_code(exit_code) {}
  int exit_code;
};

// The exit code for a dl_result.
int exit_code_for(int code);

// Prints "directline: MESSAGE (CODE, HTTP STATUS, SERVICE CODE[, retry after N s])"
// and returns the exit code for the error's class.
int report(const directline::Error &e);

// "MESSAGE (CODE, HTTP STATUS, SERVICE CODE...)" without the prefix, for warnings.
std::string describe(const directline::Error &e);

// A malformed or looping answer from the service (exit 13).
directline::Error protocol_error(const std::string &message);

}  // namespace dlcli
