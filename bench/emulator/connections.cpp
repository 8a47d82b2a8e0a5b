// Closed-loop HTTP/1.1 client for the 1,000-connection case: N keep-alive connections, one GET
// outstanding on each, one thread on epoll. Besides latency percentiles it counts the requests
// each connection completed: a server that starves some connections shows a wide spread even
// when its percentiles look fine. Not a test; see README.md.
//   g++ -O2 -o /tmp/connections bench/emulator/connections.cpp
//   /tmp/connections PORT CONNECTIONS SECONDS PATH SECRET
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using Clock = std::chrono::steady_clock;

struct Connection {
  int fd = -1;
  Clock::time_point sent;
  std::string in;
  long completed = 0;
};

// Removes one complete response (headers + Content-Length body) from `in`; false if none yet.
static bool take_response(std::string &in) {
  size_t end = in.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  size_t at = in.find("Content-Length: ");
  size_t length = at == std::string::npos || at > end ? 0 : std::strtoul(in.c_str() + at + 16, nullptr, 10);
  if (in.size() < end + 4 + length) return false;
  in.erase(0, end + 4 + length);
  return true;
}

int main(int argc, char **argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s PORT CONNECTIONS SECONDS PATH SECRET\n", argv[0]);
    return 2;
  }
  const int port = std::atoi(argv[1]), n = std::atoi(argv[2]);
  const double seconds = std::atof(argv[3]);
  const std::string request = std::string("GET ") + argv[4] + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                              "Authorization: Bearer " + argv[5] + "\r\n\r\n";
  const int poll = epoll_create1(0);
  std::vector<Connection> connections(n);
  for (int i = 0; i < n; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
      std::perror("connect");
      return 1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    connections[i].fd = fd;
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u32 = static_cast<uint32_t>(i);
    epoll_ctl(poll, EPOLL_CTL_ADD, fd, &event);
  }
  std::vector<double> latencies;
  const auto start = Clock::now();
  for (auto &c : connections) {
    c.sent = Clock::now();
    if (write(c.fd, request.data(), request.size()) < 0) return 1;
  }
  std::vector<epoll_event> events(1024);
  char buffer[65536];
  while (std::chrono::duration<double>(Clock::now() - start).count() < seconds) {
    int ready = epoll_wait(poll, events.data(), static_cast<int>(events.size()), 100);
    for (int j = 0; j < ready; ++j) {
      Connection &c = connections[events[j].data.u32];
      for (ssize_t r; (r = read(c.fd, buffer, sizeof buffer)) > 0;) c.in.append(buffer, static_cast<size_t>(r));
      while (take_response(c.in)) {
        const auto now = Clock::now();
        latencies.push_back(std::chrono::duration<double, std::milli>(now - c.sent).count());
        ++c.completed;
        c.sent = now;
        if (write(c.fd, request.data(), request.size()) < 0) return 1;
      }
    }
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  if (latencies.empty()) return 1;
  std::sort(latencies.begin(), latencies.end());
  auto at = [&](double p) { return latencies[std::min(latencies.size() - 1, static_cast<size_t>(p / 100 * latencies.size()))]; };
  std::vector<long> completed;
  for (const auto &c : connections) completed.push_back(c.completed);
  std::sort(completed.begin(), completed.end());
  std::printf("rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f "
              "per_connection_min=%ld p1=%ld median=%ld max=%ld\n",
              latencies.size() / elapsed, at(50), at(90), at(99), at(99.9), latencies.back(),
              completed.front(), completed[completed.size() / 100], completed[completed.size() / 2],
              completed.back());
  return 0;
}
