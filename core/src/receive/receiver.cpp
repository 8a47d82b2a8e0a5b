// First cut: polling mode only (one driver thread per receiver). The stream
// path replaces the driver thread; the delivery buffer stays.
#include "receive/receiver.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_set>

namespace directline::core {

struct Receiver::Impl {
  std::weak_ptr<ReceiverHost> host;
  ReceiverOptions options;

  mutable std::mutex mutex;
  std::condition_variable changed;
  struct Entry {
    std::shared_ptr<const ReceivedActivity> activity;  // null: watermark marker only
    std::optional<std::string> watermark_after;        // set on the last entry of a batch
  };
  std::deque<Entry> queue;
  std::unordered_set<std::string> seen_ids;
  std::optional<std::string> received_watermark;   // what to poll with next
  std::optional<std::string> delivered_watermark;  // what the caller has seen
  bool started = false;
  bool closed = false;
  bool ended = false;
  std::optional<Error> terminal;
  std::thread driver;

  void run_polling() {
    for (;;) {
      std::optional<std::string> wm;
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (closed) return;
        wm = received_watermark;
      }
      auto h = host.lock();
      if (!h) return fail(Error::make(Code::cancelled, "conversation closed"));
      auto batch = h->poll(wm);
      h.reset();
      bool got_any = false;
      if (batch.ok()) {
        got_any = accept(std::move(batch.value()));
      } else {
        const Code c = batch.error().code;
        if (c == Code::token_expired || c == Code::not_found || c == Code::unauthorized ||
            c == Code::forbidden)
          return fail(batch.error());
      }
      std::unique_lock<std::mutex> lock(mutex);
      if (got_any) continue;
      changed.wait_for(lock, std::chrono::milliseconds(options.polling_interval_ms),
                       [&] { return closed; });
    }
  }

  // Returns true when new activities were queued.
  bool accept(ReceivedBatch batch) {
    bool any = false;
    {
      std::lock_guard<std::mutex> lock(mutex);
      for (auto &a : batch.activities) {
        if (!a.id.empty() && !seen_ids.insert(a.id).second) continue;
        queue.push_back({std::make_shared<const ReceivedActivity>(std::move(a)), std::nullopt});
        any = true;
      }
      if (batch.watermark) {
        received_watermark = batch.watermark;
        queue.push_back({nullptr, batch.watermark});
      }
    }
    changed.notify_all();
    return any;
  }

  void fail(Error e) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!terminal) terminal = std::move(e);
    }
    changed.notify_all();
  }
};

Receiver::Receiver(std::weak_ptr<ReceiverHost> host, ReceiverOptions options,
                   std::optional<std::string> start_watermark)
    : impl_(std::make_shared<Impl>()) {
  impl_->host = std::move(host);
  impl_->options = std::move(options);
  if (impl_->options.polling_interval_ms < 10) impl_->options.polling_interval_ms = 10;
  impl_->received_watermark = start_watermark;
  impl_->delivered_watermark = std::move(start_watermark);
}

Receiver::~Receiver() {
  close();
  if (impl_->driver.joinable()) {
    if (impl_->driver.get_id() == std::this_thread::get_id())
      impl_->driver.detach();
    else
      impl_->driver.join();
  }
}

Outcome<std::shared_ptr<const ReceivedActivity>> Receiver::next(int timeout_ms) {
  Impl &s = *impl_;
  std::unique_lock<std::mutex> lock(s.mutex);
  if (!s.started && !s.closed) {
    s.started = true;
    auto self = impl_;
    s.driver = std::thread([self] { self->run_polling(); });
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    if (s.closed) return Error::make(Code::cancelled, "receiver closed");
    while (!s.queue.empty()) {
      Impl::Entry e = std::move(s.queue.front());
      s.queue.pop_front();
      if (e.watermark_after) s.delivered_watermark = e.watermark_after;
      if (!e.activity) continue;
      if (e.activity->type == "endOfConversation") s.ended = true;
      return e.activity;
    }
    if (s.ended) return Error::make(Code::ended, "the conversation has ended");
    if (s.terminal) return *s.terminal;
    if (timeout_ms == 0) return Error::make(Code::timeout, "no activity in time");
    if (timeout_ms < 0) {
      s.changed.wait(lock);
    } else if (s.changed.wait_until(lock, deadline) == std::cv_status::timeout &&
               s.queue.empty() && !s.closed && !s.terminal) {
      return Error::make(Code::timeout, "no activity in time");
    }
  }
}

std::optional<std::string> Receiver::watermark() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->delivered_watermark;
}

bool Receiver::ended() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->ended;
}

void Receiver::close() {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->closed = true;
  }
  impl_->changed.notify_all();
}

}  // namespace directline::core
