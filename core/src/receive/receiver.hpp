// Receiving for one conversation: WebSocket stream when there is a streamUrl,
// polling otherwise or as fallback; exactly once and in order (de-duplicated
// by id, last non-null watermark kept); reconnect after drops. Fed by the
// shared I/O threads, drained by callers. Token refresh is not here: the
// conversation's credentials keep it (credentials.hpp) and hand a lapse in
// through fail().
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "error.hpp"
#include "net/proxy.hpp"
#include "net/tls.hpp"
#include "receive/receiver_host.hpp"

namespace directline::core {

struct ReceiverOptions {
  bool polling_only = false;     // DL_RECEIVE_POLLING, or 1.1
  int polling_interval_ms = 1000;
  int retry_base_delay_ms = 250;        // polling errors
  int reconnect_base_delay_ms = 1000;   // stream reconnects: first backoff ceiling
  int reconnect_max_delay_ms = 15000;   // stream reconnects: ceiling cap
  // Activities queued for next() before reading pauses (stream unread,
  // polling stopped) until the caller has taken half of them.
  std::size_t queue_limit = 1000;
  int connect_timeout_ms = 10000;
  std::size_t max_message_bytes = 8u << 20;
  std::string user_agent;
  std::shared_ptr<const net::ProxyRules> proxy;  // null: direct
  net::TlsSettings tls;
  bool allow_insecure = false;   // ws:// to non-loopback
};

class Receiver {
 public:
  // host: the conversation; the receiver keeps only a weak reference.
  Receiver(std::weak_ptr<ReceiverHost> host, ReceiverOptions options,
           std::optional<std::string> start_watermark);
  ~Receiver();  // closes
  Receiver(const Receiver &) = delete;
  Receiver &operator=(const Receiver &) = delete;

  // Starts receiving on the first call. timeout_ms: 0 = no wait, -1 = forever.
  // Errors: timeout (nothing in time), ended, cancelled, or the terminal error.
  Outcome<std::shared_ptr<const ReceivedActivity>> next(int timeout_ms);
  // Starts receiving now without taking anything, and waits (at most
  // timeout_ms) until the stream is open, or receiving polls, ends or closes:
  // for a post whose reply comes as typing chunks, which the service sends
  // only to an open socket. True when the stream is open.
  bool start_and_wait_for_stream(int timeout_ms);
  std::optional<std::string> watermark() const;  // last non-null watermark delivered to the caller
  bool ended() const;
  // For export/resume when the caller stopped inside a batch: the ids already
  // delivered after watermark(). Export them with the watermark; on resume pass
  // them to skip_ids() (before the first next()) so they are not delivered twice.
  std::vector<std::string> delivered_after_watermark() const;
  void skip_ids(const std::vector<std::string> &ids);
  // Call after posting an activity: a polling receiver polls again within
  // ~300 ms instead of waiting out its interval (the docs' advice), so the
  // bot's reply shows up sooner. No effect on the stream.
  void activity_posted();
  // Ends receiving with a terminal error (the token lapsed): next() returns it
  // once the activities already queued are taken. The first terminal error wins.
  void fail(Error error);
  void close();  // wakes all waiters (cancelled); idempotent

 private:
  void start_locked();  // impl_->mutex held
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace directline::core
