// One conversation: its id, its credentials (credentials.hpp: who it
// authenticates as, and keeping a token fresh), the REST operations, and the
// ReceiverHost side the receiver calls back into. Thread-safe. Always held in
// a shared_ptr (the receiver keeps a weak_ptr).
#pragma once

#include <chrono>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "client.hpp"
#include "credentials.hpp"
#include "net/cancel.hpp"
#include "protocol/messages.hpp"
#include "protocol/multipart.hpp"
#include "receive/receiver.hpp"
#include "receive/receiver_host.hpp"

namespace directline::core {

class Conversation final : public ReceiverHost, public std::enable_shared_from_this<Conversation> {
 public:
  struct Init {
    std::string id;
    std::optional<std::string> secret;       // authenticates with this when set
    std::optional<std::string> token;        // current token (auth when no secret)
    int expires_in = 0;
    std::optional<std::string> stream_url;
    std::optional<std::string> watermark;    // where receiving starts
    bool is_new = false;
    std::vector<std::string> skip_ids;       // already delivered after `watermark` (resume)
  };

  // The way to make one: starts keeping a token fresh (the client's
  // auto_refresh) whether or not the caller ever receives, and creates the
  // receiver, which opens nothing until the first next_activity.
  static std::shared_ptr<Conversation> create(std::shared_ptr<Client> client, Init init);

  Conversation(std::shared_ptr<Client> client, Init init);
  ~Conversation() override;

  // Stable borrowed strings (valid for the object's life).
  const char *id_cstr() const { return id_.c_str(); }
  const char *token_cstr() const { return credentials_->token_cstr(); }            // nullptr if none
  const char *stream_url_cstr() const { return credentials_->stream_url_cstr(); }  // nullptr if none
  int expires_in() const { return credentials_->expires_in(); }
  const Credentials &credentials() const { return *credentials_; }
  // The user id of dl_start_conversation_with (nullptr when none); set once, before sharing.
  const char *user_id_cstr() const { return user_id_.empty() ? nullptr : user_id_.c_str(); }
  void set_user_id(std::string user_id) { user_id_ = std::move(user_id); }
  bool is_new() const { return is_new_; }
  bool is_ended() const;
  std::optional<std::string> watermark() const;

  // REST operations. Ids: nullopt when the service returns none (1.1).
  Outcome<std::optional<std::string>> post_activity(const std::string &activity_json);
  // An activity already parsed (or built): a JSON object with "type" and "from.id".
  Outcome<std::optional<std::string>> post_built_activity(protocol::Json activity);
  Outcome<std::optional<std::string>> send_message(const std::string &user_id, const std::string &text);
  Outcome<std::optional<std::string>> upload(const std::string &user_id,
                                             const std::vector<protocol::UploadPart> &files,
                                             const std::string *activity_json);
  Outcome<std::optional<std::string>> end(const std::string &user_id);
  Outcome<std::string> get_activities(const std::optional<std::string> &watermark);
  Status reconnect_now(const std::optional<std::string> &watermark);
  Status set_token(const std::string &token);
  Status refresh_token() { return credentials_->refresh(); }

  // Receiving (starts on the first call).
  Outcome<std::shared_ptr<const ReceivedActivity>> next_activity(int timeout_ms);
  // Stops receiving and interrupts every request in flight and every wait
  // between retries (they fail with cancelled).
  void close();

  Outcome<std::string> export_state() const;

  // ReceiverHost
  Outcome<ReconnectResult> reconnect(const std::optional<std::string> &watermark) override;
  Outcome<ReceivedBatch> poll(const std::optional<std::string> &watermark) override;
  std::optional<std::string> stream_url() const override;
  bool is_own_activity(const std::string &id) const override;
  // dl_activity_is_own: by id (3.0), or on 1.1 (no ids returned by posts) by a
  // `from` id this conversation posted with.
  bool is_own(const ReceivedActivity &activity) const;

 private:
  std::string auth_credential() const { return credentials_->auth(); }
  void remember_own(const std::string &id);
  void remember_own_from(const std::string &from_id);  // 1.1
  std::shared_ptr<Receiver> ensure_receiver();
  void token_lapsed(const Error &error);  // the token can no longer be refreshed
  void mark_ended();                      // the service or the caller ended it
  void notify_posted();
  HttpRequest request(const char *method, std::string url) const;
  // Sends a request that must reach the service exactly once (post, upload).
  // client_id: the activity's channelData.clientActivityID ("" if it has none).
  // An unanswered request is settled by looking for client_id in the
  // conversation: found -> its id; not found -> sent once more.
  Outcome<std::optional<std::string>> send_once(const std::string &operation, HttpRequest request,
                                                const std::string &client_id);
  struct Posted {
    bool found = false;
    std::optional<std::string> id;  // nullopt on 1.1
  };
  // Looks for client_id after `since` (paging), again and again for `patience`.
  Outcome<Posted> find_posted(const std::string &client_id, std::optional<std::string> since,
                              std::chrono::milliseconds patience);
  Outcome<std::optional<std::string>> post_activity_json(const std::string &operation, protocol::Json activity);
  Status check_usable_for_post() const;

  const std::shared_ptr<Client> client_;
  const std::string id_;
  const bool is_new_;
  std::string user_id_;
  const std::shared_ptr<net::Cancellation> cancel_ = std::make_shared<net::Cancellation>();

  const std::shared_ptr<Credentials> credentials_;

  mutable std::mutex mu_;
  bool ended_ = false;
  bool closed_ = false;
  std::optional<std::string> start_watermark_;
  std::optional<std::string> settle_watermark_;  // where the last search for a posted activity ended
  std::list<std::string> own_order_;
  std::unordered_set<std::string> own_ids_;
  std::list<std::string> own_from_order_;  // 1.1: user ids posted with (bounded)
  std::unordered_set<std::string> own_from_ids_;
  std::vector<std::string> skip_ids_;       // handed to the receiver when it is made

  mutable std::mutex receiver_mu_;  // guards creation of receiver_
  std::shared_ptr<Receiver> receiver_;
};

}  // namespace directline::core
