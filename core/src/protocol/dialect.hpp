// What differs between Direct Line 3.0 and 1.1, in one place: request paths,
// token bodies and answers, how a posted activity is encoded, and what 1.1
// lacks (a stream, ids for posts, endOfConversation). The client and the
// conversation ask their dialect; nothing else branches on the API version.
// Pure: no I/O.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "error.hpp"
#include "protocol/endpoints.hpp"
#include "protocol/messages.hpp"
#include "protocol/received.hpp"

namespace directline::core::protocol {

// A token as the service issued it (generate, refresh or renew).
struct IssuedToken {
  std::string token;
  std::optional<std::string> conversation_id;  // nullopt when the answer names none
  int expires_in = 0;                          // seconds; 0 when not said (1.1)
};

class Dialect {
 public:
  virtual ~Dialect() = default;
  // The dialect of a version (static storage).
  static const Dialect &of(ApiVersion version);

  virtual ApiVersion version() const = 0;

  // ---- tokens ----
  // The body of a generate request ("" when there is none to send).
  virtual std::string generate_body(const std::optional<std::string> &user_id,
                                    const std::optional<std::string> &user_name,
                                    const std::vector<std::string> &trusted_origins) const = 0;
  // A generate/refresh answer. `operation` names the call in errors;
  // `conversation_id` is the one the request was for ("" when none).
  virtual Outcome<IssuedToken> parse_token(const std::string &body, const std::string &operation,
                                           const std::string &conversation_id) const = 0;
  // "refresh token" (3.0) or "renew token" (1.1, which needs the conversation id).
  virtual const char *refresh_operation() const = 0;
  virtual bool refresh_needs_conversation() const = 0;

  // ---- conversations ----
  // Whether a start request carries a body (user, locale: 3.0 only).
  virtual bool start_takes_body() const = 0;
  // Whether a start answers 201 for a new conversation and 200 for one already
  // started (3.0); 1.1 does not say.
  virtual bool start_tells_new() const = 0;
  // A WebSocket stream and the reconnect route (3.0); 1.1 only polls.
  virtual bool has_stream() const = 0;

  // ---- activities ----
  // A caller's 3.0-style activity in the shape the version posts (1.1: a message).
  virtual Json encode_activity(const Json &activity) const = 0;
  // The content type of that shape inside an upload's multipart body.
  virtual const char *activity_media_type() const = 0;
  // Whether a post is answered with the stored activity's id (3.0; 1.1 answers 204),
  // so an own activity is known by id; otherwise by its sender id.
  virtual bool posts_return_ids() const = 0;
  // Whether endOfConversation is an activity the service carries (3.0); in 1.1
  // ending is local.
  virtual bool has_end_activity() const = 0;
  // "get activities" (3.0) or "get messages" (1.1), for errors and logs.
  virtual const char *receive_operation() const = 0;
  // A GET page or a stream frame.
  Outcome<ReceivedBatch> parse_batch(const std::string &body) const { return parse_activity_set(body, version()); }
};

}  // namespace directline::core::protocol
