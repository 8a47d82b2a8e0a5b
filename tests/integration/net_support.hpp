// Real peers for the network stack's tests: a scripted loopback HTTP server
// (for answers no well-behaved server gives: redirects, endless or slow
// bodies, silence) and a tinyproxy process with its own config file.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace nettest {

inline int listen_loopback(int *port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 || ::listen(fd, 64) != 0) {
    ::close(fd);
    throw std::runtime_error("bind/listen failed");
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len);
  *port = ntohs(addr.sin_port);
  return fd;
}

// A port nothing listens on right now (tinyproxy cannot take port 0).
inline int free_port() {
  int port = 0;
  ::close(listen_loopback(&port));
  return port;
}

inline bool send_all(int fd, const std::string &data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// Reads one request (headers and a Content-Length body); "" on EOF or error.
inline std::string read_request(int fd) {
  std::string data;
  char buf[4096];
  std::size_t header_end = std::string::npos;
  while (header_end == std::string::npos) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return "";
    data.append(buf, static_cast<std::size_t>(n));
    header_end = data.find("\r\n\r\n");
  }
  std::size_t length = 0;
  const auto cl = data.find("Content-Length: ");
  if (cl != std::string::npos && cl < header_end) length = std::stoul(data.substr(cl + 16));
  while (data.size() < header_end + 4 + length) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return "";
    data.append(buf, static_cast<std::size_t>(n));
  }
  return data;
}

// Accepts connections on 127.0.0.1 and runs handler(fd) for each on its own
// thread; counts connections and keeps every request line it was handed.
class ScriptedServer {
 public:
  using Handler = std::function<void(int fd, ScriptedServer &server)>;
  explicit ScriptedServer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = listen_loopback(&port_);
    acceptor_ = std::thread([this] {
      for (;;) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) {
          if (stopping_) return;
          continue;
        }
        const int fd = ::accept(listen_fd_, nullptr, nullptr);
        if (fd < 0) continue;
        ++connections_;
        std::lock_guard<std::mutex> lock(mu_);
        workers_.emplace_back([this, fd] {
          handler_(fd, *this);
          ::close(fd);
        });
      }
    });
  }
  ~ScriptedServer() {
    stopping_ = true;
    acceptor_.join();
    ::close(listen_fd_);
    std::lock_guard<std::mutex> lock(mu_);
    for (auto &t : workers_) t.join();
  }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int connections() const { return connections_; }
  bool stopping() const { return stopping_; }
  void note(const std::string &request) {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(request.substr(0, request.find("\r\n")));
  }
  std::vector<std::string> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> workers_;
  std::vector<std::string> requests_;
};

// tinyproxy on 127.0.0.1 with its own config (CONNECT to any port), run in the
// foreground and logging each request to a file the test reads.
class Tinyproxy {
 public:
  explicit Tinyproxy(const std::string &basic_auth = "") {
    char pattern[] = "/tmp/dl_tinyproxy_XXXXXX";
    if (!mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    for (int attempt = 0; attempt < 5 && pid_ <= 0; ++attempt) {
      port_ = free_port();
      std::ofstream conf(dir_ + "/tinyproxy.conf");
      conf << "Port " << port_ << "\nListen 127.0.0.1\nTimeout 30\nMaxClients 200\nAllow 127.0.0.1\n"
           << "LogFile \"" << dir_ << "/tinyproxy.log\"\nLogLevel Connect\nDisableViaHeader Yes\n";
      if (!basic_auth.empty()) conf << "BasicAuth " << basic_auth << "\n";
      conf.close();
      start();
    }
    if (pid_ <= 0) throw std::runtime_error("tinyproxy did not start");
  }
  ~Tinyproxy() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    std::system(("rm -rf '" + dir_ + "'").c_str());
  }
  int port() const { return port_; }
  std::string url(const std::string &credentials = "") const {
    return "http://" + (credentials.empty() ? "" : credentials + "@") + "127.0.0.1:" + std::to_string(port_);
  }
  // Lines of the log that record a request ("Request (file descriptor N): GET http://... HTTP/1.1").
  std::vector<std::string> requests() const {
    std::ifstream in(dir_ + "/tinyproxy.log");
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);)
      if (line.find("Request (file descriptor") != std::string::npos) out.push_back(line.substr(line.find("): ") + 3));
    return out;
  }
  std::string log() const {
    std::ifstream in(dir_ + "/tinyproxy.log");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  void start() {
    pid_t pid = fork();
    if (pid == 0) {
      const int null = ::open("/dev/null", O_WRONLY);
      dup2(null, STDOUT_FILENO);
      dup2(null, STDERR_FILENO);
      const std::string conf = dir_ + "/tinyproxy.conf";
      execl("/usr/bin/tinyproxy", "tinyproxy", "-d", "-c", conf.c_str(), static_cast<char *>(nullptr));
      _exit(127);
    }
    // Up when it accepts a connection; gone if the port was taken meanwhile.
    for (int i = 0; i < 100; ++i) {
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) return;
      int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_port = htons(static_cast<uint16_t>(port_));
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      const bool up = ::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0;
      ::close(fd);
      if (up) {
        pid_ = pid;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }

  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace nettest
