// The receiver's state machine runs on one strand of the shared io_context;
// blocking host calls (reconnect, poll) run on the runtime's worker
// threads and post their results back to that strand. Callers of next() only
// touch the delivery buffer, under `mutex`.
//
//   start ─▶ stream (streamUrl) ─drop/error─▶ backoff ─▶ reconnect(watermark) ─▶ stream
//     │              │ "collision", no streamUrl, or repeated failures
//     └─ polling ◀───┘ (retries forever with backoff; tries the stream again later)
//
// Backpressure: once queue_limit activities wait for next(), the receiver
// stops fetching (the socket is left unread, no poll, no reconnect) until the
// caller has taken half of them. Nothing is dropped, so order and
// exactly-once hold; memory stays bounded by the limit plus one batch.
#include "receive/receiver.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <random>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "net/runtime.hpp"
#include "net/websocket.hpp"
#include "protocol/messages.hpp"
#include "receive/delivery_buffer.hpp"
#include "retry.hpp"

namespace directline::core {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr int kMaxBackoffMs = 30000;
constexpr int kStreamFailuresBeforePolling = 5;
constexpr auto kStreamRetryWhilePolling = std::chrono::seconds(60);
constexpr auto kHealthySocket = std::chrono::seconds(10);
// Consecutive unreadable pages (DL_EPROTOCOL) before polling gives up with that
// error: one garbled answer is retried, a server that keeps sending what
// cannot be read must not look like silence (a timeout) forever.
constexpr int kMalformedPagesBeforeFailing = 3;

// Errors after which retrying cannot help: surfaced by next().
// A certificate the client rejects stays rejected: tls is terminal too.
bool is_terminal(Code code) {
  return code == Code::token_expired || code == Code::unauthorized || code == Code::forbidden ||
         code == Code::not_found || code == Code::insecure || code == Code::invalid ||
         code == Code::bad_request || code == Code::ended || code == Code::tls;
}

// A seed per receiver from a per-thread engine: std::random_device is costly
// to open for every conversation.
uint64_t seed() {
  static thread_local std::mt19937_64 engine{std::random_device{}()};
  return engine();
}

}  // namespace

struct Receiver::Impl : std::enable_shared_from_this<Receiver::Impl> {
  Impl(std::weak_ptr<ReceiverHost> h, ReceiverOptions o, std::optional<std::string> watermark)
      : host(std::move(h)),
        options(std::move(o)),
        buffer(std::move(watermark)),
        strand(net::Runtime::instance().make_strand()),
        step_timer(strand),
        rng(seed()) {
    if (options.polling_interval_ms <= 0) options.polling_interval_ms = 1000;
    if (options.polling_interval_ms < 50) options.polling_interval_ms = 50;
    if (options.retry_base_delay_ms <= 0) options.retry_base_delay_ms = 250;
    if (options.reconnect_base_delay_ms <= 0) options.reconnect_base_delay_ms = 1000;
    if (options.reconnect_max_delay_ms <= 0) options.reconnect_max_delay_ms = 15000;
    if (options.queue_limit == 0) options.queue_limit = 1000;
    if (options.connect_timeout_ms <= 0) options.connect_timeout_ms = 10000;
  }

  // ---- shared with callers (guarded by mutex) ----
  std::weak_ptr<ReceiverHost> host;
  ReceiverOptions options;
  mutable std::mutex mutex;
  std::condition_variable changed;
  DeliveryBuffer buffer;
  bool started = false;
  bool closed = false;
  bool ended_delivered = false;
  bool room_wanted = false;  // fetching paused until the caller drains to half the limit
  bool socket_open = false;     // a stream socket is open now
  bool transport_stopped = false;  // ended, failed or closed: no stream will open
  std::atomic<bool> polling{false};  // in polling mode: a post brings the next poll forward
  std::optional<Error> terminal;

  // ---- strand only ----
  enum class Mode { idle, stream, reconnecting, catching_up, polling, stopped };
  net::Strand strand;
  asio::steady_timer step_timer;     // backoff, polling interval
  Mode mode = Mode::idle;
  std::shared_ptr<net::WsConnection> socket;
  bool socket_paused = false;              // on_frame asked the socket to stop reading
  std::function<void()> on_room;           // what to do once the caller drained
  uint64_t on_room_epoch = 0;
  uint64_t epoch = 0;  // bumped whenever in-flight work becomes stale
  int stream_failures = 0;
  int poll_failures = 0;
  int malformed_pages = 0;
  bool stream_allowed = true;  // false after "collision" or a service without streamUrl
  Clock::time_point socket_opened_at;
  bool socket_delivered = false;
  Clock::time_point polling_since;
  Clock::time_point poll_due;
  bool waiting_to_poll = false;
  uint64_t rng;  // splitmix64 state: 8 bytes, where std::mt19937_64 would take 2.5 KiB per receiver

  double uniform() {
    uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return static_cast<double>((z ^ (z >> 31)) >> 11) * 0x1.0p-53;  // [0, 1)
  }

  // Polling errors.
  int64_t backoff(int failures, int retry_after_s = -1) {
    return backoff_delay_ms(failures, options.retry_base_delay_ms, kMaxBackoffMs, uniform(), retry_after_s);
  }
  // Stream reconnects: attempt 1 after a healthy socket dropped.
  int64_t reconnect_backoff(int attempt, int retry_after_s = -1) {
    return backoff_delay_ms(attempt, options.reconnect_base_delay_ms, options.reconnect_max_delay_ms, uniform(),
                            retry_after_s);
  }

  // ---- backpressure ----
  // Runs fn now if the queue has room, else once the caller has drained it.
  void when_room(std::function<void()> fn) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (buffer.pending() >= options.queue_limit) {
        room_wanted = true;
        on_room = std::move(fn);
        on_room_epoch = epoch;
        return;
      }
    }
    fn();
  }

  // Posted by next() when the queue fell to half the limit.
  void room() {
    if (mode == Mode::stopped) return;
    if (socket_paused && socket) {
      socket_paused = false;
      socket->resume();
    }
    if (on_room) {
      auto fn = std::move(on_room);
      on_room = nullptr;
      if (on_room_epoch == epoch) fn();
    }
  }

  std::optional<std::string> received_watermark() {
    std::lock_guard<std::mutex> lock(mutex);
    return buffer.received_watermark();
  }

  bool end_queued() {
    std::lock_guard<std::mutex> lock(mutex);
    return buffer.end_queued();
  }

  // Runs call(host) on a worker thread, then done(result) on the strand unless
  // the receiver moved on meanwhile.
  template <typename Call, typename Done>
  void host_call(Call call, Done done) {
    auto self = shared_from_this();
    const uint64_t my_epoch = epoch;
    net::Runtime::instance().run_blocking([self, my_epoch, call, done]() mutable {
      auto h = self->host.lock();
      if (!h) {
        asio::post(self->strand, [self] { self->fail(Error::make(Code::cancelled, "the conversation is gone")); });
        return;
      }
      auto result = call(*h);
      h.reset();  // a worker thread may run the conversation's destructor: fine here
      asio::post(self->strand, [self, my_epoch, done, result = std::move(result)]() mutable {
        if (self->epoch != my_epoch || self->mode == Mode::stopped) return;
        done(std::move(result));
      });
    });
  }

  // Waits on the step timer, then runs fn on the strand (unless superseded).
  template <typename Fn>
  void after(int64_t delay_ms, Fn fn) {
    auto self = shared_from_this();
    const uint64_t my_epoch = ++epoch;
    step_timer.expires_after(milliseconds(delay_ms));
    step_timer.async_wait([self, my_epoch, fn](const boost::system::error_code &ec) mutable {
      if (ec || self->epoch != my_epoch || self->mode == Mode::stopped) return;
      fn();
    });
  }

  // ---- start ----
  void begin() {
    if (mode != Mode::idle) return;
    auto h = host.lock();
    if (!h) return fail(Error::make(Code::cancelled, "the conversation is gone"));
    if (options.polling_only) {
      stream_allowed = false;
      h.reset();
      return start_polling();
    }
    auto url = h->stream_url();
    h.reset();
    if (url && !url->empty()) return open_stream(*url);
    request_reconnect();
  }

  // ---- stream ----
  void open_stream(const std::string &url) {
    mode = Mode::stream;
    const uint64_t my_epoch = ++epoch;
    net::WsConfig config;
    config.tls = options.tls;
    config.allow_insecure = options.allow_insecure;
    config.connect_timeout_ms = options.connect_timeout_ms;
    config.max_message_bytes = options.max_message_bytes;
    config.user_agent = options.user_agent;
    config.proxy = options.proxy;
    std::weak_ptr<Impl> weak = shared_from_this();
    net::WsConnection::Callbacks callbacks;
    callbacks.on_open = [weak, my_epoch] {
      if (auto self = weak.lock(); self && self->epoch == my_epoch) self->on_stream_open();
    };
    callbacks.on_text = [weak, my_epoch](std::string &&text) {
      if (auto self = weak.lock(); self && self->epoch == my_epoch) return self->on_frame(std::move(text));
      return true;
    };
    callbacks.on_closed = [weak, my_epoch](const net::WsClosed &closed) {
      if (auto self = weak.lock(); self && self->epoch == my_epoch) self->on_stream_closed(closed);
    };
    socket_paused = false;
    socket = net::WsConnection::open(strand, url, std::move(config), std::move(callbacks));
  }

  void on_stream_open() {
    socket_opened_at = Clock::now();
    socket_delivered = false;
    set_socket_open(true);
  }

  void set_socket_open(bool open) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      socket_open = open;
    }
    if (open) changed.notify_all();
  }

  // Returns whether the socket should keep reading (false: the queue is full).
  bool on_frame(std::string &&text) {
    // Only ActivitySets matter; other shapes are future message kinds.
    if (text.find("\"activities\"") == std::string::npos) return true;
    auto h = host.lock();
    if (!h) {
      fail(Error::make(Code::cancelled, "the conversation is gone"));
      return false;
    }
    // Only 3.0 has a stream.
    auto batch = protocol::parse_activity_set(text, protocol::ApiVersion::v3);
    if (!batch) {
      // Unreadable (e.g. nested too deep): drop the socket and catch up by
      // polling, which delivers the same activities or ends in DL_EPROTOCOL.
      // Counted as a stream failure, so a stream that keeps doing this backs
      // off and gives way to polling.
      h.reset();
      ++epoch;  // the dropped socket's close callback is stale
      if (socket) {
        socket->close();
        socket.reset();
      }
      socket_paused = false;
      if (++stream_failures >= kStreamFailuresBeforePolling) {
        start_polling();
      } else {
        mode = Mode::reconnecting;
        after(backoff(stream_failures), [this] { when_room([this] { catch_up(); }); });
      }
      return false;
    }
    auto is_end = end_markers(*h, batch.value());
    h.reset();
    socket_delivered = true;
    deliver(std::move(batch.value()), is_end);
    if (has_room()) return true;
    socket_paused = true;
    return false;
  }

  std::vector<bool> end_markers(const ReceiverHost &h, const ReceivedBatch &batch) {
    std::vector<bool> is_end;
    for (std::size_t i = 0; i < batch.activities.size(); ++i) {
      const auto &a = batch.activities[i];
      if (a.type == "endOfConversation" && !h.is_own_activity(a.id)) {
        is_end.resize(batch.activities.size(), false);
        is_end[i] = true;
      }
    }
    return is_end;
  }

  // Queues a batch; returns how many activities were new (not already
  // delivered or queued). Past the queue limit it asks next() for room.
  std::size_t deliver(ReceivedBatch &&batch, const std::vector<bool> &is_end) {
    std::size_t added;
    {
      std::lock_guard<std::mutex> lock(mutex);
      added = buffer.accept(std::move(batch), is_end);
      if (buffer.pending() >= options.queue_limit) room_wanted = true;
    }
    if (added) changed.notify_all();
    return added;
  }

  bool has_room() {
    std::lock_guard<std::mutex> lock(mutex);
    return buffer.pending() < options.queue_limit;
  }

  void on_stream_closed(const net::WsClosed &closed) {
    set_socket_open(false);
    socket.reset();
    socket_paused = false;
    if (mode == Mode::stopped || closed.by_us) return;
    if (end_queued()) return stop_transport();  // the server closes after endOfConversation
    if (closed.close_reason == "collision") {
      // Another socket owns this conversation's stream; reopening would fight
      // it. Polling does not collide and keeps delivery exactly-once.
      stream_allowed = false;
      return start_polling();
    }
    if (closed.error && is_terminal(closed.error->code) && closed.error->code != Code::forbidden &&
        closed.error->code != Code::not_found) {
      return fail(*closed.error);  // e.g. insecure, invalid URL
    }
    const bool healthy = closed.opened && (socket_delivered || Clock::now() - socket_opened_at >= kHealthySocket);
    if (healthy) {
      stream_failures = 0;
    } else {
      ++stream_failures;
    }
    if (stream_failures >= kStreamFailuresBeforePolling) return start_polling();
    // An expired or stale URL (403/404 handshake) needs a new one at once.
    const bool stale_url = !closed.opened && (closed.http_status == 403 || closed.http_status == 404);
    mode = Mode::reconnecting;
    // Full jitter from the first attempt: clients dropped together come back spread out.
    after(stale_url && stream_failures <= 1 ? 0 : reconnect_backoff(stream_failures + 1),
          [this] { when_room([this] { request_reconnect(); }); });
  }

  void request_reconnect() {
    mode = Mode::reconnecting;
    polling.store(false, std::memory_order_relaxed);
    auto watermark = received_watermark();
    if (!watermark) {
      // Reconnecting without a watermark would skip what is already stored:
      // catch up by polling first, then stream from the watermark it gives.
      return catch_up();
    }
    host_call([watermark](ReceiverHost &h) { return h.reconnect(watermark); },
              [this](Outcome<ReconnectResult> result) { on_reconnected(std::move(result)); });
  }

  void on_reconnected(Outcome<ReconnectResult> result) {
    if (result.ok()) {
      if (result->stream_url && !result->stream_url->empty()) return open_stream(*result->stream_url);
      stream_allowed = false;  // the service gives no stream: poll
      return start_polling();
    }
    const Error &e = result.error();
    // Reconnecting is optional (polling needs only the activities route): a
    // server without that route is one that gives no stream.
    if (e.code == Code::not_found) {
      stream_allowed = false;
      return start_polling();
    }
    if (is_terminal(e.code)) return fail(e);
    ++stream_failures;
    if (stream_failures >= kStreamFailuresBeforePolling) return start_polling();
    after(reconnect_backoff(stream_failures + 1, e.retry_after_s), [this] { request_reconnect(); });
  }

  void catch_up() {
    mode = Mode::catching_up;
    auto watermark = received_watermark();
    host_call([watermark](ReceiverHost &h) { return h.poll(watermark); },
              [this](Outcome<ReceivedBatch> result) { on_caught_up(std::move(result)); });
  }

  void on_caught_up(Outcome<ReceivedBatch> result) {
    if (!result.ok()) {
      const Error &e = result.error();
      if (is_terminal(e.code) || too_many_malformed(e)) return fail(e);
      ++poll_failures;
      return after(backoff(poll_failures, e.retry_after_s), [this] { catch_up(); });
    }
    poll_failures = 0;
    malformed_pages = 0;
    const bool more = accept_polled(std::move(result.value()));
    if (end_queued()) return stop_transport();
    if (more) return when_room([this] { catch_up(); });  // more pages may follow (once there is room)
    auto watermark = received_watermark();
    mode = Mode::reconnecting;
    host_call([watermark](ReceiverHost &h) { return h.reconnect(watermark); },
              [this](Outcome<ReconnectResult> r) { on_reconnected(std::move(r)); });
  }

  // True when more may follow at once: the page held activities not seen
  // before and moved the watermark. A server repeating a page (or sending
  // id-less activities without a new watermark) must not be polled in a loop.
  bool accept_polled(ReceivedBatch &&batch) {
    auto h = host.lock();
    std::vector<bool> is_end = h ? end_markers(*h, batch) : std::vector<bool>{};
    h.reset();
    const auto before = received_watermark();
    const bool got_new = deliver(std::move(batch), is_end) > 0;
    return got_new && received_watermark() != before;
  }

  // Counts an unreadable page; true once there were too many in a row.
  bool too_many_malformed(const Error &e) {
    if (e.code != Code::protocol) return false;
    return ++malformed_pages >= kMalformedPagesBeforeFailing;
  }

  // ---- polling ----
  void start_polling() {
    if (socket) {
      ++epoch;
      socket->close();
      socket.reset();
    }
    mode = Mode::polling;
    {
      // Under the lock, so a thread about to wait for the stream sees it, or is woken.
      std::lock_guard<std::mutex> lock(mutex);
      polling.store(true, std::memory_order_relaxed);
      socket_open = false;
    }
    changed.notify_all();  // nobody waits for a stream any more
    polling_since = Clock::now();
    poll_failures = 0;
    poll_now();
  }

  void poll_now() {
    if (stream_allowed && Clock::now() - polling_since >= kStreamRetryWhilePolling) {
      // Fell back after stream failures: try the stream again now and then.
      stream_failures = kStreamFailuresBeforePolling - 1;
      return request_reconnect();
    }
    auto watermark = received_watermark();
    mode = Mode::polling;
    host_call([watermark](ReceiverHost &h) { return h.poll(watermark); },
              [this](Outcome<ReceivedBatch> result) { on_polled(std::move(result)); });
  }

  void on_polled(Outcome<ReceivedBatch> result) {
    if (!result.ok()) {
      const Error &e = result.error();
      if (is_terminal(e.code) || too_many_malformed(e)) return fail(e);
      // 429/5xx/network: keep going, slower (never stop for good).
      ++poll_failures;
      return after(std::max<int64_t>(backoff(poll_failures, e.retry_after_s), options.polling_interval_ms),
                   [this] { poll_now(); });
    }
    poll_failures = 0;
    malformed_pages = 0;
    const bool more = accept_polled(std::move(result.value()));
    if (end_queued()) return stop_transport();
    // A full page may have more behind it: ask again at once (once there is room).
    if (more) return when_room([this] { wait_then_poll(0); });
    wait_then_poll(options.polling_interval_ms);
  }

  void wait_then_poll(int64_t delay_ms) {
    poll_due = Clock::now() + milliseconds(delay_ms);
    waiting_to_poll = true;
    after(delay_ms, [this] {
      waiting_to_poll = false;
      poll_now();
    });
  }

  // Brings the next poll forward after a post (only while idle between polls).
  void poll_soon() {
    constexpr int64_t kAfterPostMs = 300;
    if (mode != Mode::polling || !waiting_to_poll || poll_failures > 0) return;
    if (poll_due - Clock::now() <= milliseconds(kAfterPostMs)) return;
    wait_then_poll(kAfterPostMs);
  }

  // ---- stop ----
  void stop_transport() {
    mode = Mode::stopped;
    polling.store(false, std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> lock(mutex);
      socket_open = false;
      transport_stopped = true;
    }
    changed.notify_all();
    ++epoch;
    on_room = nullptr;
    step_timer.cancel();
    if (socket) {
      socket->close();
      socket.reset();
    }
  }

  void fail(Error error) {
    if (mode == Mode::stopped) return;
    stop_transport();
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!terminal) terminal = std::move(error);
    }
    changed.notify_all();
  }
};

Receiver::Receiver(std::weak_ptr<ReceiverHost> host, ReceiverOptions options,
                   std::optional<std::string> start_watermark)
    : impl_(std::make_shared<Impl>(std::move(host), std::move(options), std::move(start_watermark))) {}

Receiver::~Receiver() { close(); }

void Receiver::start_locked() {
  Impl &s = *impl_;
  if (!s.started && !s.closed) {
    s.started = true;
    asio::post(s.strand, [impl = impl_] { impl->begin(); });
  }
}

bool Receiver::start_and_wait_for_stream(int timeout_ms) {
  Impl &s = *impl_;
  std::unique_lock<std::mutex> lock(s.mutex);
  start_locked();
  return s.changed.wait_for(lock, milliseconds(timeout_ms > 0 ? timeout_ms : 0), [&] {
    return s.socket_open || s.transport_stopped || s.closed || s.terminal ||
           s.polling.load(std::memory_order_relaxed);
  }) && s.socket_open;
}

Outcome<std::shared_ptr<const ReceivedActivity>> Receiver::next(int timeout_ms) {
  Impl &s = *impl_;
  std::unique_lock<std::mutex> lock(s.mutex);
  start_locked();
  // Pops one activity (mutex held); wakes fetching once half the queue is taken.
  auto take = [&]() -> std::shared_ptr<const ReceivedActivity> {
    auto activity = s.buffer.pop();
    if (!activity) return nullptr;
    if (s.buffer.end_queued() && s.buffer.empty()) s.ended_delivered = true;
    if (s.room_wanted && s.buffer.pending() <= s.options.queue_limit / 2) {
      s.room_wanted = false;
      asio::post(s.strand, [impl = impl_] { impl->room(); });
    }
    return activity;
  };
  const auto deadline = Clock::now() + milliseconds(timeout_ms > 0 ? timeout_ms : 0);
  for (;;) {
    if (s.closed) return Error::make(Code::cancelled, "receiving was closed");
    if (s.ended_delivered) return Error::make(Code::ended, "the conversation has ended");
    if (auto activity = take()) return activity;
    if (s.terminal) return *s.terminal;
    if (timeout_ms == 0) return Error::make(Code::timeout, "no activity in time");
    if (timeout_ms < 0) {
      s.changed.wait(lock);
    } else if (s.changed.wait_until(lock, deadline) == std::cv_status::timeout) {
      if (s.closed) return Error::make(Code::cancelled, "receiving was closed");
      if (auto activity = take()) return activity;
      if (s.terminal) return *s.terminal;
      return Error::make(Code::timeout, "no activity in time");
    }
  }
}

std::optional<std::string> Receiver::watermark() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->buffer.delivered_watermark();
}

bool Receiver::ended() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->ended_delivered;
}

std::vector<std::string> Receiver::delivered_after_watermark() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->buffer.delivered_after_watermark();
}

void Receiver::skip_ids(const std::vector<std::string> &ids) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->buffer.skip_ids(ids);
}

void Receiver::activity_posted() {
  if (impl_->polling.load(std::memory_order_relaxed))
    asio::post(impl_->strand, [impl = impl_] { impl->poll_soon(); });
}

void Receiver::fail(Error error) {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    if (impl_->closed || impl_->terminal) return;
    // Set here, not only on the strand, so a next() already waiting or about
    // to start sees it at once.
    impl_->terminal = error;
    impl_->transport_stopped = true;
  }
  impl_->changed.notify_all();
  asio::post(impl_->strand, [impl = impl_, error = std::move(error)] { impl->fail(error); });
}

void Receiver::close() {
  bool running;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    if (impl_->closed) return;
    impl_->closed = true;
    running = impl_->started;
  }
  impl_->changed.notify_all();
  if (running) asio::post(impl_->strand, [impl = impl_] { impl->stop_transport(); });
}

}  // namespace directline::core
