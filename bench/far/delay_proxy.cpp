// A TCP forwarder that adds a fixed delay to every byte in each direction:
// a stand-in for a service in another region (25 ms each way = a 50 ms round
// trip). Latency only: bytes are not throttled, and order is kept.
//
//   delay_proxy UPSTREAM_HOST UPSTREAM_PORT DELAY_MS
//   stdout (first line): listening on 127.0.0.1:PORT
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio.hpp>

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// One direction: read from `from`, write to `to` each chunk DELAY after it arrived.
class Pipe : public std::enable_shared_from_this<Pipe> {
 public:
  Pipe(std::shared_ptr<tcp::socket> from, std::shared_ptr<tcp::socket> to, std::chrono::milliseconds delay)
      : from_(std::move(from)), to_(std::move(to)), delay_(delay), timer_(from_->get_executor()) {}

  void start() { read(); }

 private:
  struct Chunk {
    Clock::time_point due;
    std::vector<char> data;
  };

  void read() {
    auto buffer = std::make_shared<std::vector<char>>(64 * 1024);
    from_->async_read_some(asio::buffer(*buffer), [self = shared_from_this(), buffer](auto ec, std::size_t n) {
      if (ec) {
        self->reading_done_ = true;
        if (self->queue_.empty() && !self->writing_) self->shutdown();
        return;
      }
      buffer->resize(n);
      self->queue_.push_back({Clock::now() + self->delay_, std::move(*buffer)});
      if (!self->writing_) self->write_next();
      self->read();
    });
  }

  void write_next() {
    if (queue_.empty()) {
      writing_ = false;
      if (reading_done_) shutdown();
      return;
    }
    writing_ = true;
    timer_.expires_at(queue_.front().due);
    timer_.async_wait([self = shared_from_this()](auto) {
      asio::async_write(*self->to_, asio::buffer(self->queue_.front().data), [self](auto ec, std::size_t) {
        self->queue_.pop_front();
        if (ec) {
          self->shutdown();
          return;
        }
        self->write_next();
      });
    });
  }

  void shutdown() {
    boost::system::error_code ignored;
    to_->shutdown(tcp::socket::shutdown_send, ignored);
    from_->shutdown(tcp::socket::shutdown_receive, ignored);
  }

  std::shared_ptr<tcp::socket> from_, to_;
  std::chrono::milliseconds delay_;
  asio::steady_timer timer_;
  std::deque<Chunk> queue_;
  bool writing_ = false;
  bool reading_done_ = false;
};

void accept(tcp::acceptor &acceptor, const tcp::endpoint &upstream, std::chrono::milliseconds delay) {
  acceptor.async_accept([&acceptor, upstream, delay](auto ec, tcp::socket client_socket) {
    if (!ec) {
      auto client = std::make_shared<tcp::socket>(std::move(client_socket));
      auto server = std::make_shared<tcp::socket>(acceptor.get_executor());
      // The connection itself pays the delay too: SYN and SYN-ACK are one round trip.
      auto timer = std::make_shared<asio::steady_timer>(acceptor.get_executor(), 2 * delay);
      timer->async_wait([client, server, upstream, delay, timer](auto) {
        server->async_connect(upstream, [client, server, delay](auto e) {
          if (e) return;
          client->set_option(tcp::no_delay(true));
          server->set_option(tcp::no_delay(true));
          std::make_shared<Pipe>(client, server, delay)->start();
          std::make_shared<Pipe>(server, client, delay)->start();
        });
      });
    }
    accept(acceptor, upstream, delay);
  });
}

}  // namespace

int main(int argc, char **argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: delay_proxy UPSTREAM_HOST UPSTREAM_PORT DELAY_MS\n");
    return 2;
  }
  asio::io_context io(1);
  const tcp::endpoint upstream(asio::ip::make_address(argv[1]), static_cast<unsigned short>(std::atoi(argv[2])));
  const std::chrono::milliseconds delay(std::atoi(argv[3]));
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  std::printf("listening on 127.0.0.1:%u\n", acceptor.local_endpoint().port());
  std::fflush(stdout);
  accept(acceptor, upstream, delay);
  io.run();
  return 0;
}
