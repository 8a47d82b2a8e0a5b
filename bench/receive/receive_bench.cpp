// Receive benchmark: N conversations, each with an open WebSocket stream to
// one local emulator, each receiving K numbered activities from the bot.
// Reports threads in use, RSS per conversation, loss/duplicates, and the
// echo latency (post -> echo received over the stream). C API only.
//
//   receive_bench [--conversations 100,1000,10000] [--activities 5] [--echo-samples 300]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "directline.h"
#include "emulator_process.hpp"

using Clock = std::chrono::steady_clock;

namespace {

long status_field(const char *name) {  // from /proc/self/status (kB for Vm*)
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::size_t len = std::strlen(name);
  while (std::getline(in, line))
    if (line.compare(0, len, name) == 0 && line[len] == ':') return std::atol(line.c_str() + len + 1);
  return -1;
}

void raise_fd_limit(rlim_t wanted) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur >= wanted) return;
  rlimit raised{wanted, std::max(wanted, limit.rlim_max)};
  if (setrlimit(RLIMIT_NOFILE, &raised) != 0) {  // not privileged: up to the hard limit
    raised = {limit.rlim_max, limit.rlim_max};
    setrlimit(RLIMIT_NOFILE, &raised);
  }
}

rlim_t fd_limit() {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  return limit.rlim_cur;
}

// One HTTP/1.1 request on a fresh loopback connection (admin routes).
int http(int port, const std::string &method, const std::string &path, const std::string &body,
         std::string *out = nullptr) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) {
    ::close(fd);
    throw std::runtime_error("connect");
  }
  const std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                          "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                          "\r\n\r\n" + body;
  if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
    ::close(fd);
    throw std::runtime_error("send");
  }
  std::string resp;
  char buf[4096];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) resp.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  if (out) {
    auto h = resp.find("\r\n\r\n");
    *out = h == std::string::npos ? "" : resp.substr(h + 4);
  }
  return resp.size() > 12 ? std::atoi(resp.c_str() + 9) : 0;
}

int emulator_sockets(int port) {
  std::string body;
  if (http(port, "GET", "/admin/stats", "", &body) != 200) return -1;
  auto at = body.find("\"sockets\":");
  return at == std::string::npos ? -1 : std::atoi(body.c_str() + at + 10);
}

std::string error_text() {
  const dl_error *e = dl_error_last();
  return std::to_string(e->code) + " (" + (e->message ? e->message : "") + ")";
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t i = std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5));
  return v[i];
}

struct Row {
  int conversations = 0;
  double start_s = 0, deliver_s = 0;
  long threads = 0;
  double rss_per_conversation_kib = 0;
  long delivered = 0, expected = 0, lost = 0, duplicates_or_disorder = 0;
  double p50_ms = 0, p99_ms = 0;
  int samples = 0;
};

Row run(int n, int activities, int echo_samples) {
  Row row;
  row.conversations = n;
  dltest::EmulatorProcess emulator({"--admin", "--stream-url-ttl", "600", "--keepalive", "30"});
  dl_client_options options;
  dl_client_options_init(&options);
  const std::string endpoint = emulator.v3();
  options.endpoint = endpoint.c_str();
  dl_client *client = nullptr;
  if (dl_client_new(&options, &client) != DL_OK) throw std::runtime_error("client: " + error_text());

  // Warm up (runtime threads, TLS-free transport, allocator arenas) with one
  // streaming conversation, so the baseline holds the fixed costs.
  dl_conversation *warm = nullptr;
  if (dl_start_conversation(client, dltest::kSecret, &warm) != DL_OK) throw std::runtime_error("start: " + error_text());
  dl_activity *activity = nullptr;
  dl_conversation_send_message(warm, "u", "warm", nullptr);
  for (int i = 0; i < 3; ++i)
    if (dl_conversation_next_activity(warm, 5000, &activity) == DL_OK) dl_activity_free(activity);
  const long rss_before = status_field("VmRSS");

  std::vector<dl_conversation *> conversations(static_cast<std::size_t>(n), nullptr);
  const auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) {
    if (dl_start_conversation(client, dltest::kSecret, &conversations[static_cast<std::size_t>(i)]) != DL_OK)
      throw std::runtime_error("start " + std::to_string(i) + ": " + error_text());
    // Receiving (and the socket) starts with the first call.
    if (dl_conversation_next_activity(conversations[static_cast<std::size_t>(i)], 0, &activity) == DL_OK)
      dl_activity_free(activity);
  }
  // Wait until every stream is open at the server.
  const auto open_deadline = Clock::now() + std::chrono::seconds(120);
  while (emulator_sockets(emulator.port()) < n + 1 && Clock::now() < open_deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  row.start_s = std::chrono::duration<double>(Clock::now() - t0).count();
  const int sockets = emulator_sockets(emulator.port());
  if (sockets < n + 1) std::fprintf(stderr, "warning: only %d of %d sockets open\n", sockets, n + 1);

  // Every conversation receives `activities` numbered messages from the bot.
  const auto t1 = Clock::now();
  for (int i = 0; i < n; ++i) {
    const std::string path =
        std::string("/admin/conversations/") + dl_conversation_id(conversations[static_cast<std::size_t>(i)]) + "/activities";
    if (http(emulator.port(), "POST", path, "{\"count\":" + std::to_string(activities) + ",\"text\":\"x\"}") != 200)
      throw std::runtime_error("admin send failed");
  }
  std::vector<int> next_expected(static_cast<std::size_t>(n), 1);
  row.expected = static_cast<long>(n) * activities;
  const auto deliver_deadline = Clock::now() + std::chrono::seconds(300);
  long pending = row.expected;
  while (pending > 0 && Clock::now() < deliver_deadline) {
    bool progressed = false;
    for (int i = 0; i < n; ++i) {
      auto &want = next_expected[static_cast<std::size_t>(i)];
      while (want <= activities) {
        if (dl_conversation_next_activity(conversations[static_cast<std::size_t>(i)], 0, &activity) != DL_OK) break;
        const char *text = dl_activity_text(activity);
        if (text && std::string(text) == "x " + std::to_string(want)) {
          ++want;
          ++row.delivered;
          --pending;
        } else if (text && std::strncmp(text, "x ", 2) == 0) {
          ++row.duplicates_or_disorder;
        }
        dl_activity_free(activity);
        progressed = true;
      }
    }
    if (!progressed) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  row.deliver_s = std::chrono::duration<double>(Clock::now() - t1).count();
  row.lost = row.expected - row.delivered;
  row.threads = status_field("Threads");
  row.rss_per_conversation_kib = static_cast<double>(status_field("VmRSS") - rss_before) / n;

  // Echo latency: post a message, wait for the bot's echo on the stream.
  std::vector<double> latencies;
  for (int s = 0; s < echo_samples; ++s) {
    dl_conversation *c = conversations[static_cast<std::size_t>(s % std::min(n, 100))];
    const std::string text = "ping " + std::to_string(s);
    const auto start = Clock::now();
    if (dl_conversation_send_message(c, "u", text.c_str(), nullptr) != DL_OK) continue;
    for (;;) {
      if (dl_conversation_next_activity(c, 5000, &activity) != DL_OK) break;
      const char *got = dl_activity_text(activity);
      const bool echo = got && std::string(got) == "echo: " + text;
      dl_activity_free(activity);
      if (echo) {
        latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        break;
      }
    }
  }
  row.samples = static_cast<int>(latencies.size());
  row.p50_ms = percentile(latencies, 0.50);
  row.p99_ms = percentile(latencies, 0.99);

  for (auto *c : conversations) dl_conversation_free(c);
  dl_conversation_free(warm);
  dl_client_free(client);
  return row;
}

}  // namespace

int main(int argc, char **argv) {
  std::vector<int> sizes{100, 1000, 10000};
  int activities = 5;
  int echo_samples = 300;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--conversations") {
      sizes.clear();
      for (const char *p = argv[i + 1]; *p;) {
        sizes.push_back(std::atoi(p));
        p = std::strchr(p, ',');
        if (!p) break;
        ++p;
      }
    } else if (flag == "--activities") {
      activities = std::atoi(argv[i + 1]);
    } else if (flag == "--echo-samples") {
      echo_samples = std::atoi(argv[i + 1]);
    } else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  // Each conversation needs one socket here and one in the emulator (a child
  // process: it inherits the limit). Ask for headroom; the hard limit may cap it.
  const int largest = *std::max_element(sizes.begin(), sizes.end());
  raise_fd_limit(static_cast<rlim_t>(largest) * 2 + 1024);
  std::printf("fd limit %llu; %d activities per conversation; %d echo samples\n",
              static_cast<unsigned long long>(fd_limit()), activities, echo_samples);
  std::printf("%13s %9s %10s %8s %13s %10s %6s %6s %9s %9s\n", "conversations", "start_s", "deliver_s", "threads",
              "rss_kib/conv", "delivered", "lost", "dup", "echo_p50", "echo_p99");
  int failures = 0;
  for (int n : sizes) {
    if (static_cast<rlim_t>(n) + 512 > fd_limit()) {
      std::printf("%13d skipped: fd limit %llu too low\n", n, static_cast<unsigned long long>(fd_limit()));
      continue;
    }
    try {
      Row r = run(n, activities, echo_samples);
      std::printf("%13d %9.2f %10.2f %8ld %13.1f %10ld %6ld %6ld %7.3fms %7.3fms\n", r.conversations, r.start_s,
                  r.deliver_s, r.threads, r.rss_per_conversation_kib, r.delivered, r.lost, r.duplicates_or_disorder,
                  r.p50_ms, r.p99_ms);
      std::fflush(stdout);
      if (r.lost || r.duplicates_or_disorder) ++failures;
    } catch (const std::exception &e) {
      std::printf("%13d failed: %s\n", n, e.what());
      ++failures;
    }
  }
  return failures ? 1 : 0;
}
