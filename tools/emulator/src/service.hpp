// The Direct Line service behind the transport: the transport (server.cpp) calls handle()
// for every HTTP request and authorize_stream()/attach_stream() for WebSocket upgrades.
// Faults are applied here, then the route's handler runs.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>

#include "context.hpp"

namespace dlemu {

class Service : public std::enable_shared_from_this<Service> {
 public:
  Service(const Options &options, boost::asio::io_context &io);
  void set_base_url(std::string url) { ctx_.base_url = std::move(url); }
  const Options &options() const { return ctx_.options; }

  void handle(std::shared_ptr<RequestContext> request, Reply reply);
  // Either a rejection to send instead of 101, or a grant.
  std::optional<Outcome> authorize_stream(const RequestContext &request, StreamGrant &grant);
  // Registers a new socket (collision rules, replay). False: the sink was closed instead.
  bool attach_stream(const StreamGrant &grant, const std::shared_ptr<StreamSink> &sink);
  void detach_stream(Conversation &conversation, const StreamSink *sink);
  void evict_idle() { ctx_.evict_idle(); }
  // For harnesses that drive the service without sockets (fuzzing).
  Context &context() { return ctx_; }

 private:
  // Runs the route's handler (after faults).
  void dispatch(std::shared_ptr<RequestContext> request, Reply reply);

  Context ctx_;
};

}  // namespace dlemu
