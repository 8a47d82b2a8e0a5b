#include "conversation.hpp"

#include <random>

#include "log.hpp"
#include "protocol/messages.hpp"
#include "protocol/state.hpp"
#include "redact.hpp"

namespace directline::core {

namespace {

constexpr std::size_t kOwnIdsKept = 1024;
constexpr std::size_t kOwnFromIdsKept = 64;

std::string random_boundary() {
  static thread_local std::mt19937_64 engine{std::random_device{}()};
  static const char *alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out = "----directline-";
  std::uniform_int_distribution<int> pick(0, 35);
  for (int i = 0; i < 32; ++i) out.push_back(alphabet[pick(engine)]);
  return out;
}

}  // namespace

Conversation::Conversation(std::shared_ptr<Client> client, Init init)
    : client_(std::move(client)), id_(std::move(init.id)), is_new_(init.is_new) {
  secret_ = std::move(init.secret);
  if (init.token) tokens_.push_back(*init.token);
  if (init.stream_url) {
    stream_urls_.push_back(*init.stream_url);
    has_stream_url_ = true;
  }
  expires_in_ = init.expires_in;
  start_watermark_ = std::move(init.watermark);
  skip_ids_ = std::move(init.skip_ids);
}

std::shared_ptr<Conversation> Conversation::create(std::shared_ptr<Client> client, Init init) {
  auto conversation = std::make_shared<Conversation>(std::move(client), std::move(init));
  conversation->ensure_receiver();  // schedules token refresh; opens nothing yet
  return conversation;
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
  std::shared_ptr<Receiver> receiver;
  {
    std::lock_guard<std::mutex> lock(receiver_mu_);
    receiver = std::move(receiver_);
  }
  if (receiver) receiver->close();
}

const char *Conversation::token_cstr() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tokens_.empty() ? nullptr : tokens_.back().c_str();
}

const char *Conversation::stream_url_cstr() const {
  std::lock_guard<std::mutex> lock(mu_);
  return has_stream_url_ ? stream_urls_.back().c_str() : nullptr;
}

int Conversation::expires_in() const {
  std::lock_guard<std::mutex> lock(mu_);
  return expires_in_;
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

std::string Conversation::auth_credential() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (secret_) return *secret_;
  return tokens_.empty() ? std::string() : tokens_.back();
}

void Conversation::adopt_token(const std::string &token, int expires_in) {
  remember_issued_token(token);
  if (tokens_.empty() || tokens_.back() != token) tokens_.push_back(token);
  if (expires_in > 0) expires_in_ = expires_in;
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

Outcome<std::optional<std::string>> Conversation::post_json(const std::string &operation,
                                                            const std::string &body) {
  HttpRequest request;
  request.method = "POST";
  request.url = client_->endpoints().activities(id_);
  request.body = body;
  request.content_type = "application/json";
  request.idempotent = false;
  // Never retried: the service may already have delivered it to the bot.
  auto response = client_->call(operation, std::move(request), auth_credential(), /*retry=*/false);
  if (!response) {
    Error e = response.error();
    // After the bot's endOfConversation the service refuses posts (403 NotAllowed).
    if (e.http_status == 403 && e.service_code == "NotAllowed") {
      e.code = Code::ended;
      std::lock_guard<std::mutex> lock(mu_);
      ended_ = true;
    }
    return e;
  }
  if (client_->is_v1()) return std::optional<std::string>();  // 204, no id
  auto id = protocol::parse_resource_id(response->body);
  if (!id) return id.error();
  if (*id) remember_own(**id);
  return *id;
}

Outcome<std::optional<std::string>> Conversation::post_activity(const std::string &activity_json) {
  auto activity = protocol::parse_outgoing_activity(activity_json);
  if (!activity) return activity.error();
  if (auto st = check_usable_for_post(); !st) return st.error();
  const bool ends = (*activity)["type"] == "endOfConversation";
  if (client_->config().stream_replies && (*activity)["type"] == "message" &&
      !activity->contains("deliveryMode"))
    (*activity)["deliveryMode"] = "stream";
  Outcome<std::optional<std::string>> result = std::optional<std::string>();
  if (client_->is_v1()) {
    if (ends) {
      // 1.1 has no endOfConversation: ending is local only.
      std::lock_guard<std::mutex> lock(mu_);
      ended_ = true;
      return std::optional<std::string>();
    }
    result = post_json("post message", protocol::activity_to_v1_message(*activity).dump());
    if (result) {
      auto from = activity->find("from");
      if (from != activity->end() && from->is_object() && from->contains("id") && (*from)["id"].is_string())
        remember_own_from((*from)["id"].get<std::string>());
    }
  } else {
    result = post_json("post activity", activity->dump());
  }
  if (result && ends) {
    std::lock_guard<std::mutex> lock(mu_);
    ended_ = true;
  }
  if (result) notify_posted();
  return result;
}

Outcome<std::optional<std::string>> Conversation::send_message(const std::string &user_id,
                                                               const std::string &text) {
  protocol::Json activity = {{"type", "message"}, {"from", {{"id", user_id}}}, {"text", text}};
  return post_activity(activity.dump());
}

Outcome<std::optional<std::string>> Conversation::end(const std::string &user_id) {
  protocol::Json activity = {{"type", "endOfConversation"}, {"from", {{"id", user_id}}}};
  auto result = post_activity(activity.dump());
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
  if (activity_json) {
    auto parsed = protocol::parse_untrusted_json(*activity_json, Code::invalid, "activity_json");
    if (!parsed) return parsed.error();
    protocol::Json &doc = *parsed;
    if (!doc.is_object()) return Error::make(Code::invalid, "activity_json must be a JSON object");
    if (!doc.contains("type")) doc["type"] = "message";
    if (!doc.contains("from")) doc["from"] = {{"id", user_id}};
    activity_text = client_->is_v1() ? protocol::activity_to_v1_message(doc).dump() : doc.dump();
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
                                    client_->is_v1() ? "application/vnd.microsoft.bot.message"
                                                     : "application/vnd.microsoft.activity",
                                    boundary);
  }
  HttpRequest request;
  request.method = "POST";
  request.url = client_->endpoints().upload(id_, user_id);
  request.idempotent = false;
  request.content_type = body.content_type;
  if (!body.content_disposition.empty())
    request.headers.emplace_back("Content-Disposition", body.content_disposition);
  request.body = std::move(body.body);
  auto response = client_->call("upload", std::move(request), auth_credential(), /*retry=*/false);
  if (!response) return response.error();
  notify_posted();
  if (client_->is_v1()) {
    remember_own_from(user_id);
    if (activity_text) {
      auto sent = protocol::Json::parse(*activity_text, nullptr, false);
      if (sent.is_object() && sent.contains("from") && sent["from"].is_string())
        remember_own_from(sent["from"].get<std::string>());
    }
    return std::optional<std::string>();
  }
  auto id = protocol::parse_resource_id(response->body);
  if (!id) return id.error();
  if (*id) remember_own(**id);
  return *id;
}

Outcome<std::string> Conversation::get_activities(const std::optional<std::string> &watermark) {
  HttpRequest request;
  request.method = "GET";
  request.url = client_->endpoints().activities(id_, watermark);
  auto response = client_->call(client_->is_v1() ? "get messages" : "get activities",
                                std::move(request), auth_credential(), /*retry=*/true);
  if (!response) return response.error();
  // Validate the shape so callers get EPROTOCOL rather than garbage.
  auto batch = protocol::parse_activity_set(response->body, client_->endpoints().version());
  if (!batch) return batch.error();
  return response->body;
}

Outcome<ReceivedBatch> Conversation::poll(const std::optional<std::string> &watermark) {
  auto body = get_activities(watermark);
  if (!body) return body.error();
  return protocol::parse_activity_set(*body, client_->endpoints().version());
}

Outcome<ReconnectResult> Conversation::reconnect(const std::optional<std::string> &watermark) {
  if (client_->is_v1()) return Error::make(Code::invalid, "Direct Line 1.1 has no reconnect");
  HttpRequest request;
  request.method = "GET";
  request.url = client_->endpoints().reconnect(id_, watermark);
  auto response = client_->call("reconnect", std::move(request), auth_credential(), /*retry=*/true);
  if (!response) return response.error();
  auto info = protocol::parse_conversation(response->body);
  if (!info) return info.error();
  ReconnectResult result;
  std::lock_guard<std::mutex> lock(mu_);
  if (info->token) {
    if (secret_) {
      remember_issued_token(*info->token);
      if (tokens_.empty() || tokens_.back() != *info->token) tokens_.push_back(*info->token);
    } else {
      adopt_token(*info->token, info->expires_in);
    }
  }
  if (info->stream_url) {
    remember_sensitive(*info->stream_url);
    stream_urls_.push_back(*info->stream_url);
    has_stream_url_ = true;
    result.stream_url = info->stream_url;
  } else {
    has_stream_url_ = false;
  }
  return result;
}

Status Conversation::reconnect_now(const std::optional<std::string> &watermark) {
  auto result = reconnect(watermark);
  if (!result) return result.error();
  return ok_status();
}

Status Conversation::refresh_token() {
  std::string current;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (secret_ || tokens_.empty())
      return Error::make(Code::invalid, "the conversation holds a secret, not a token; nothing to refresh");
    current = tokens_.back();
  }
  auto refreshed = client_->refresh_token(current, id_);
  if (!refreshed) return refreshed.error();
  std::lock_guard<std::mutex> lock(mu_);
  adopt_token(refreshed->token, refreshed->expires_in);
  log(LogLevel::debug, "conversation token refreshed");
  return ok_status();
}

Status Conversation::set_token(const std::string &token) {
  if (auto st = check_credential(token, "token"); !st) return st;
  std::lock_guard<std::mutex> lock(mu_);
  secret_.reset();  // from now on the token authenticates
  adopt_token(token, 0);
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
  if (!tokens_.empty()) state.token = tokens_.back();
  state.expires_in = expires_in_;
  return protocol::state_to_json(state);
}

std::optional<std::string> Conversation::stream_url() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!has_stream_url_) return std::nullopt;
  return stream_urls_.back();
}

bool Conversation::holds_token() const {
  std::lock_guard<std::mutex> lock(mu_);
  return !secret_ && !tokens_.empty();
}

int Conversation::token_expires_in_s() const {
  std::lock_guard<std::mutex> lock(mu_);
  return secret_ ? 0 : expires_in_;
}

bool Conversation::is_own_activity(const std::string &id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return own_ids_.count(id) != 0;
}

bool Conversation::is_own(const ReceivedActivity &activity) const {
  if (is_own_activity(activity.id)) return true;
  if (!client_->is_v1() || activity.from_id.empty()) return false;
  std::lock_guard<std::mutex> lock(mu_);
  return own_from_ids_.count(activity.from_id) != 0;
}

bool Conversation::is_v1() const { return client_->is_v1(); }

Outcome<ReceivedBatch> Conversation::parse_batch(const std::string &json) const {
  return protocol::parse_activity_set(json, client_->endpoints().version());
}

}  // namespace directline::core
