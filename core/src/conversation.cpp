#include "conversation.hpp"

#include <chrono>
#include <random>

#include "log.hpp"
#include "protocol/messages.hpp"
#include "protocol/state.hpp"
#include "redact.hpp"

namespace directline::core {

namespace {

constexpr std::size_t kOwnIdsKept = 1024;
constexpr std::size_t kOwnFromIdsKept = 64;

std::string random_token(int length) {
  static thread_local std::mt19937_64 engine{std::random_device{}()};
  static const char *alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out;
  std::uniform_int_distribution<int> pick(0, 35);
  for (int i = 0; i < length; ++i) out.push_back(alphabet[pick(engine)]);
  return out;
}

// Tags an outgoing activity with channelData.clientActivityID (a new one
// unless the caller set one), keeping the rest of the caller's channelData.
// "" when it cannot carry one (channelData not an object, or a non-string id).
std::string tag_client_activity_id(protocol::Json &activity) {
  auto it = activity.find("channelData");
  if (it == activity.end() || it->is_null()) {
    activity["channelData"] = protocol::Json::object();
    it = activity.find("channelData");
  }
  if (!it->is_object()) return "";
  auto id = it->find("clientActivityID");
  if (id != it->end()) return id->is_string() ? id->get<std::string>() : "";
  std::string generated = "dlc-" + random_token(26);
  (*it)["clientActivityID"] = generated;
  return generated;
}

// Whether a received activity carries channelData.clientActivityID == id.
bool carries_client_id(const ReceivedActivity &activity, const std::string &id) {
  if (activity.json.find(id) == std::string::npos) return false;  // cheap filter before parsing
  auto doc = protocol::Json::parse(activity.json, nullptr, false);
  if (!doc.is_object()) return false;
  auto cd = doc.find("channelData");
  if (cd == doc.end() || !cd->is_object()) return false;
  auto found = cd->find("clientActivityID");
  return found != cd->end() && found->is_string() && found->get<std::string>() == id;
}

constexpr int kSettlePages = 1000;       // 100 activities each: far past any plausible gap
constexpr auto kSettleRecheck = std::chrono::milliseconds(250);

std::string random_boundary() { return "----directline-" + random_token(32); }

}  // namespace

Conversation::Conversation(std::shared_ptr<Client> client, Init init)
    : client_(std::move(client)),
      id_(std::move(init.id)),
      is_new_(init.is_new),
      credentials_(std::make_shared<Credentials>(
          std::move(init.secret), std::move(init.token), init.expires_in, std::move(init.stream_url),
          // The client, not the conversation: a refresh in flight must not keep the conversation alive.
          [client = client_, id = id_, cancel = cancel_](const std::string &token) {
            return client->refresh_token(token, id, cancel);
          })) {
  start_watermark_ = std::move(init.watermark);
  skip_ids_ = std::move(init.skip_ids);
}

std::shared_ptr<Conversation> Conversation::create(std::shared_ptr<Client> client, Init init) {
  auto conversation = std::make_shared<Conversation>(std::move(client), std::move(init));
  conversation->ensure_receiver();  // opens nothing yet; there to be told if the token lapses
  if (conversation->client_->config().auto_refresh) {
    conversation->credentials_->keep_fresh(
        [weak = std::weak_ptr<Conversation>(conversation)](const Error &error) {
          if (auto c = weak.lock()) c->token_lapsed(error);
        },
        conversation->client_->config().retry.base_delay_ms);
  }
  return conversation;
}

void Conversation::mark_ended() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ended_ = true;
  }
  credentials_->stop();  // an ended conversation's token is of no more use
}

void Conversation::token_lapsed(const Error &error) {
  log(LogLevel::warn, std::string("conversation token could not be refreshed: ") + error.message);
  ensure_receiver()->fail(error);
}

std::shared_ptr<Receiver> Conversation::ensure_receiver() {
  std::lock_guard<std::mutex> lock(receiver_mu_);
  if (!receiver_) {
    std::optional<std::string> start;
    std::vector<std::string> skip;
    {
      std::lock_guard<std::mutex> inner(mu_);
      start = start_watermark_;
      skip = skip_ids_;
    }
    receiver_ = std::make_shared<Receiver>(weak_from_this(), client_->receiver_options(), start);
    if (!skip.empty()) receiver_->skip_ids(skip);
  }
  return receiver_;
}

void Conversation::notify_posted() {
  std::shared_ptr<Receiver> receiver;
  {
    std::lock_guard<std::mutex> lock(receiver_mu_);
    receiver = receiver_;
  }
  if (receiver) receiver->activity_posted();
}

Conversation::~Conversation() {
  credentials_->stop();
  std::shared_ptr<Receiver> receiver;
  {
    std::lock_guard<std::mutex> lock(receiver_mu_);
    receiver = std::move(receiver_);
  }
  if (receiver) receiver->close();
}

bool Conversation::is_ended() const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (ended_) return true;
  }
  std::lock_guard<std::mutex> lock(receiver_mu_);
  return receiver_ && receiver_->ended();
}

std::optional<std::string> Conversation::watermark() const {
  {
    std::lock_guard<std::mutex> lock(receiver_mu_);
    if (receiver_) {
      if (auto wm = receiver_->watermark()) return wm;
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  return start_watermark_;
}

void Conversation::remember_own(const std::string &id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!own_ids_.insert(id).second) return;
  own_order_.push_back(id);
  if (own_order_.size() > kOwnIdsKept) {
    own_ids_.erase(own_order_.front());
    own_order_.pop_front();
  }
}

void Conversation::remember_own_from(const std::string &from_id) {
  if (from_id.empty()) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (!own_from_ids_.insert(from_id).second) return;
  own_from_order_.push_back(from_id);
  if (own_from_order_.size() > kOwnFromIdsKept) {
    own_from_ids_.erase(own_from_order_.front());
    own_from_order_.pop_front();
  }
}

Status Conversation::check_usable_for_post() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (ended_) return Error::make(Code::ended, "the conversation has ended");
  if (closed_) return Error::make(Code::cancelled, "the conversation was closed");
  return ok_status();
}

HttpRequest Conversation::request(const char *method, std::string url) const {
  HttpRequest r;
  r.method = method;
  r.url = std::move(url);
  r.cancel = cancel_;
  return r;
}

Outcome<std::optional<std::string>> Conversation::send_once(const std::string &operation, HttpRequest request,
                                                             const std::string &client_id) {
  request.idempotent = false;
  std::optional<std::string> since;  // observed before sending: the activity can only come after it
  {
    std::lock_guard<std::mutex> lock(mu_);
    since = settle_watermark_;
  }
  for (int sends = 1;; ++sends) {
    bool ambiguous = false;
    auto response = client_->call(operation, request, auth_credential(), /*retry=*/false, &ambiguous);
    if (response) {
      if (!client_->dialect().posts_return_ids()) return std::optional<std::string>();  // 204, no id
      auto id = protocol::parse_resource_id(response->body);
      if (!id) return id.error();
      if (*id) remember_own(**id);
      return *id;
    }
    Error e = response.error();
    // After the bot's endOfConversation the service refuses posts (403 NotAllowed).
    if (e.http_status == 403 && e.service_code == "NotAllowed") {
      e.code = Code::ended;
      mark_ended();
      return e;
    }
    if (!ambiguous) return e;
    if (client_id.empty()) {
      e.message += " (it may have been delivered; without channelData.clientActivityID it cannot be checked)";
      return e;
    }
    // Written, then no answer: look for it instead of guessing. A request
    // that timed out may still be in the service's hands: watch for it as long
    // again as the request was given. A closed connection ended its handling:
    // one more look after a moment settles it.
    const auto patience = e.code == Code::timeout
                              ? std::chrono::milliseconds(client_->config().transport.request_timeout_ms)
                              : kSettleRecheck;
    auto posted = find_posted(client_id, since, patience);
    if (!posted) {
      if (posted.error().code == Code::cancelled) return posted.error();
      e.message += " (it may have been delivered; checking failed: " + posted.error().message + ")";
      return e;
    }
    if (posted->found) {
      log(LogLevel::info, operation + ": the answer was lost but the activity was delivered");
      return posted->id;
    }
    if (sends == 2) {
      e.message += " (sent twice without an answer, and neither is in the conversation)";
      return e;
    }
    log(LogLevel::info, operation + ": the answer was lost and the activity is not in the conversation: sending again");
  }
}

Outcome<Conversation::Posted> Conversation::find_posted(const std::string &client_id,
                                                        std::optional<std::string> since,
                                                        std::chrono::milliseconds patience) {
  const auto give_up = std::chrono::steady_clock::now() + patience;
  auto pause = kSettleRecheck;
  std::optional<std::string> watermark = std::move(since);
  for (;;) {
    // The log is append-only: each look continues where the last one ended.
    for (int page = 0; page < kSettlePages; ++page) {
      auto body = get_activities(watermark);
      if (!body) return body.error();
      auto batch = client_->dialect().parse_batch(*body);
      if (!batch) return batch.error();
      for (const auto &activity : batch->activities) {
        if (!carries_client_id(activity, client_id)) continue;
        Posted posted;
        posted.found = true;
        if (client_->dialect().posts_return_ids() && !activity.id.empty()) {
          posted.id = activity.id;
          remember_own(activity.id);
        }
        return posted;
      }
      const bool more = !batch->activities.empty() && batch->watermark && batch->watermark != watermark;
      if (batch->watermark) watermark = batch->watermark;
      if (!more) break;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (watermark) settle_watermark_ = watermark;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= give_up) return Posted{};
    const auto wait = std::min(pause, std::chrono::ceil<std::chrono::milliseconds>(give_up - now));
    if (!cancel_->sleep_for(wait)) return Error::make(Code::cancelled, "cancelled (the conversation was closed)");
    pause = std::min(pause * 2, std::chrono::milliseconds(2000));
  }
}

Outcome<std::optional<std::string>> Conversation::post_activity_json(const std::string &operation,
                                                                     protocol::Json activity) {
  const std::string client_id = tag_client_activity_id(activity);
  HttpRequest r = request("POST", client_->endpoints().activities(id_));
  r.body = client_->dialect().encode_activity(activity).dump();
  r.content_type = "application/json";
  return send_once(operation, std::move(r), client_id);
}

Outcome<std::optional<std::string>> Conversation::post_activity(const std::string &activity_json) {
  auto activity = protocol::parse_outgoing_activity(activity_json);
  if (!activity) return activity.error();
  return post_built_activity(std::move(*activity));
}

Outcome<std::optional<std::string>> Conversation::post_built_activity(protocol::Json activity_value) {
  auto *activity = &activity_value;
  if (auto st = check_usable_for_post(); !st) return st.error();
  const bool ends = (*activity)["type"] == "endOfConversation";
  if (client_->config().stream_replies && (*activity)["type"] == "message" &&
      !activity->contains("deliveryMode"))
    (*activity)["deliveryMode"] = "stream";
  // A streamed reply's chunks are typing activities, which the service sends
  // only to an open socket (never replayed), the first one before it answers
  // the post: the stream must be open before the post goes out.
  const auto mode = activity->find("deliveryMode");
  if (mode != activity->end() && mode->is_string() && *mode == "stream" && client_->dialect().has_stream() &&
      !client_->config().polling_only)
    ensure_receiver()->start_and_wait_for_stream(client_->receiver_options().connect_timeout_ms);
  Outcome<std::optional<std::string>> result = std::optional<std::string>();
  if (ends && !client_->dialect().has_end_activity()) {
    // 1.1 has no endOfConversation: ending is local only.
    mark_ended();
    return std::optional<std::string>();
  }
  if (!client_->dialect().posts_return_ids()) {
    // Posts get no id back (1.1): own messages are known by their sender.
    std::optional<std::string> from_id;
    auto from = activity->find("from");
    if (from != activity->end() && from->is_object() && from->contains("id") && (*from)["id"].is_string())
      from_id = (*from)["id"].get<std::string>();
    result = post_activity_json("post message", std::move(*activity));
    if (result && from_id) remember_own_from(*from_id);
  } else {
    result = post_activity_json("post activity", std::move(*activity));
  }
  if (result && ends) mark_ended();
  if (result) notify_posted();
  return result;
}

Outcome<std::optional<std::string>> Conversation::send_message(const std::string &user_id,
                                                               const std::string &text) {
  // Built here, so not parsed again.
  protocol::Json activity = {{"type", "message"}, {"from", {{"id", user_id}}}, {"text", text}};
  return post_built_activity(std::move(activity));
}

Outcome<std::optional<std::string>> Conversation::end(const std::string &user_id) {
  protocol::Json activity = {{"type", "endOfConversation"}, {"from", {{"id", user_id}}}};
  auto result = post_built_activity(std::move(activity));
  if (result) {
    std::shared_ptr<Receiver> receiver;
    {
      std::lock_guard<std::mutex> lock(receiver_mu_);
      receiver = receiver_;
    }
    if (receiver) receiver->close();  // stop receiving; next_activity reports ended
  }
  return result;
}

Outcome<std::optional<std::string>> Conversation::upload(const std::string &user_id,
                                                         const std::vector<protocol::UploadPart> &files,
                                                         const std::string *activity_json) {
  if (files.empty()) return Error::make(Code::invalid, "file_count is 0");
  if (auto st = check_usable_for_post(); !st) return st.error();
  std::optional<std::string> activity_text;
  std::string client_id;  // only an activity part can carry one: a bare file upload cannot be settled
  if (activity_json) {
    auto parsed = protocol::parse_untrusted_json(*activity_json, Code::invalid, "activity_json");
    if (!parsed) return parsed.error();
    protocol::Json &doc = *parsed;
    if (!doc.is_object()) return Error::make(Code::invalid, "activity_json must be a JSON object");
    if (!doc.contains("type")) doc["type"] = "message";
    if (!doc.contains("from")) doc["from"] = {{"id", user_id}};
    client_id = tag_client_activity_id(doc);
    activity_text = client_->dialect().encode_activity(doc).dump();
  }
  protocol::UploadBody body;
  if (files.size() == 1 && !activity_text) {
    body = protocol::raw_file_body(files[0]);
  } else {
    std::string boundary;
    bool clash = true;
    while (clash) {
      boundary = random_boundary();
      clash = activity_text && activity_text->find(boundary) != std::string::npos;
      for (const auto &f : files) clash = clash || f.data.find(boundary) != std::string::npos;
    }
    body = protocol::multipart_body(files, activity_text ? &*activity_text : nullptr,
                                    client_->dialect().activity_media_type(), boundary);
  }
  HttpRequest r = request("POST", client_->endpoints().upload(id_, user_id));
  r.content_type = body.content_type;
  if (!body.content_disposition.empty()) r.headers.emplace_back("Content-Disposition", body.content_disposition);
  r.body = std::move(body.body);
  auto id = send_once("upload", std::move(r), client_id);
  if (!id) return id;
  notify_posted();
  if (!client_->dialect().posts_return_ids()) {
    remember_own_from(user_id);
    if (activity_text) {
      auto sent = protocol::Json::parse(*activity_text, nullptr, false);
      if (sent.is_object() && sent.contains("from") && sent["from"].is_string())
        remember_own_from(sent["from"].get<std::string>());
    }
  }
  return id;
}

Outcome<std::string> Conversation::get_activities(const std::optional<std::string> &watermark) {
  auto response = client_->call(client_->dialect().receive_operation(),
                                request("GET", client_->endpoints().activities(id_, watermark)),
                                auth_credential(), /*retry=*/true);
  if (!response) return response.error();
  // Validate the shape so callers get EPROTOCOL rather than garbage.
  auto batch = client_->dialect().parse_batch(response->body);
  if (!batch) return batch.error();
  return response->body;
}

Outcome<ReceivedBatch> Conversation::poll(const std::optional<std::string> &watermark) {
  auto body = get_activities(watermark);
  if (!body) return body.error();
  return client_->dialect().parse_batch(*body);
}

Outcome<ReconnectResult> Conversation::reconnect(const std::optional<std::string> &watermark) {
  if (!client_->dialect().has_stream()) return Error::make(Code::invalid, "Direct Line 1.1 has no reconnect");
  auto response = client_->call("reconnect", request("GET", client_->endpoints().reconnect(id_, watermark)),
                                auth_credential(), /*retry=*/true);
  if (!response) return response.error();
  auto info = protocol::parse_conversation(response->body);
  if (!info) return info.error();
  if (info->token) credentials_->issued(*info->token, info->expires_in);
  credentials_->set_stream_url(info->stream_url);
  ReconnectResult result;
  result.stream_url = info->stream_url;
  return result;
}

Status Conversation::reconnect_now(const std::optional<std::string> &watermark) {
  auto result = reconnect(watermark);
  if (!result) return result.error();
  return ok_status();
}

Status Conversation::set_token(const std::string &token) {
  if (auto st = check_credential(token, "token"); !st) return st;
  credentials_->use_token(token);  // from now on the token authenticates
  return ok_status();
}

Outcome<std::shared_ptr<const ReceivedActivity>> Conversation::next_activity(int timeout_ms) {
  std::shared_ptr<Receiver> receiver;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) {
      if (ended_) return Error::make(Code::ended, "the conversation has ended");
      return Error::make(Code::cancelled, "the conversation was closed");
    }
  }
  receiver = ensure_receiver();
  auto result = receiver->next(timeout_ms);
  if (!result && result.error().code == Code::ended) credentials_->stop();  // the bot ended it
  if (!result && result.error().code == Code::cancelled) {
    std::lock_guard<std::mutex> lock(mu_);
    if (ended_) return Error::make(Code::ended, "the conversation has ended");
  }
  return result;
}

void Conversation::close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }
  cancel_->cancel();  // requests in flight and retry waits end now
  credentials_->stop();
  std::shared_ptr<Receiver> receiver;
  {
    std::lock_guard<std::mutex> lock(receiver_mu_);
    receiver = receiver_;
  }
  if (receiver) receiver->close();
}

Outcome<std::string> Conversation::export_state() const {
  protocol::ConversationState state;
  state.conversation_id = id_;
  state.watermark = watermark();
  state.endpoint = client_->endpoint();
  state.api_version = client_->endpoints().version();
  {
    std::lock_guard<std::mutex> lock(receiver_mu_);
    if (receiver_) state.delivered_ids = receiver_->delivered_after_watermark();
  }
  std::lock_guard<std::mutex> lock(mu_);
  // Resumed and exported again before its first page was finished: the ids
  // it was told to skip still count as delivered after the same watermark.
  if (!skip_ids_.empty() && state.watermark == start_watermark_) {
    std::vector<std::string> ids = skip_ids_;
    ids.insert(ids.end(), state.delivered_ids.begin(), state.delivered_ids.end());
    if (ids.size() > protocol::kMaxStateDeliveredIds)
      ids.erase(ids.begin(), ids.end() - static_cast<std::ptrdiff_t>(protocol::kMaxStateDeliveredIds));
    state.delivered_ids = std::move(ids);
  }
  state.token = credentials_->token();
  state.expires_in = credentials_->expires_in();
  return protocol::state_to_json(state);
}

std::optional<std::string> Conversation::stream_url() const { return credentials_->stream_url(); }

bool Conversation::is_own_activity(const std::string &id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return own_ids_.count(id) != 0;
}

bool Conversation::is_own(const ReceivedActivity &activity) const {
  if (is_own_activity(activity.id)) return true;
  if (client_->dialect().posts_return_ids() || activity.from_id.empty()) return false;
  std::lock_guard<std::mutex> lock(mu_);
  return own_from_ids_.count(activity.from_id) != 0;
}

}  // namespace directline::core
