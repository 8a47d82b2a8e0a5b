// Conversation and activity exports.
#include <climits>
#include <optional>
#include <string>
#include <vector>

#include "capi_internal.hpp"

using namespace directline;
using capi::guarded;
using capi::owned_copy;
using capi::set_error;
using capi::set_ok;

namespace {

dl_conversation *wrap(std::shared_ptr<core::Conversation> impl) {
  return new dl_conversation{std::move(impl)};
}

// Stores an optional id into *id_out (NULL when the service returned none).
void put_id(char **id_out, const std::optional<std::string> &id) {
  if (id_out) *id_out = id ? owned_copy(*id) : nullptr;
}

}  // namespace

extern "C" {

int dl_start_conversation(dl_client *client, const char *secret_or_token, dl_conversation **out) {
  return guarded([&] {
    DL_REQUIRE(out);
    *out = nullptr;
    DL_REQUIRE(client);
    DL_REQUIRE(secret_or_token);
    auto conversation = client->impl->start_conversation(secret_or_token);
    if (!conversation) return set_error(conversation.error());
    *out = wrap(std::move(*conversation));
    return set_ok();
  });
}

int dl_start_conversation_with(dl_client *client, const char *secret_or_token,
                               const dl_start_options *options, dl_conversation **out) {
  return guarded([&] {
    DL_REQUIRE(out);
    *out = nullptr;
    DL_REQUIRE(client);
    DL_REQUIRE(secret_or_token);
    if (!options) {
      auto conversation = client->impl->start_conversation(secret_or_token);
      if (!conversation) return set_error(conversation.error());
      *out = wrap(std::move(*conversation));
      return set_ok();
    }
    if (options->version != DL_START_OPTIONS_VERSION)
      return set_error(core::Code::invalid, "options->version is not DL_START_OPTIONS_VERSION");
    core::StartOptions start;
    if (options->user_id) start.user_id = options->user_id;
    if (options->user_name) start.user_name = options->user_name;
    if (options->locale) start.locale = options->locale;
    if (options->local_timezone) start.local_timezone = options->local_timezone;
    start.send_start_event = options->send_start_event != 0;
    auto conversation = client->impl->start_conversation_with(secret_or_token, start);
    if (!conversation) return set_error(conversation.error());
    *out = wrap(std::move(*conversation));
    return set_ok();
  });
}

int dl_open_conversation(dl_client *client, const char *secret_or_token, const char *conversation_id,
                         const char *watermark, dl_conversation **out) {
  return guarded([&] {
    DL_REQUIRE(out);
    *out = nullptr;
    DL_REQUIRE(client);
    DL_REQUIRE(secret_or_token);
    DL_REQUIRE(conversation_id);
    std::optional<std::string> wm;
    if (watermark) wm = watermark;
    auto conversation = client->impl->open_conversation(secret_or_token, conversation_id, wm);
    if (!conversation) return set_error(conversation.error());
    *out = wrap(std::move(*conversation));
    return set_ok();
  });
}

int dl_resume_conversation(dl_client *client, const char *state_json, dl_conversation **out) {
  return guarded([&] {
    DL_REQUIRE(out);
    *out = nullptr;
    DL_REQUIRE(client);
    DL_REQUIRE(state_json);
    auto conversation = client->impl->resume_conversation(state_json);
    if (!conversation) return set_error(conversation.error());
    *out = wrap(std::move(*conversation));
    return set_ok();
  });
}

const char *dl_conversation_id(const dl_conversation *conversation) {
  return conversation ? conversation->impl->id_cstr() : nullptr;
}

const char *dl_conversation_user_id(const dl_conversation *conversation) {
  return conversation ? conversation->impl->user_id_cstr() : nullptr;
}

const char *dl_conversation_token(const dl_conversation *conversation) {
  return capi::guarded_value<const char *>(nullptr, [&]() -> const char * {
    return conversation ? conversation->impl->token_cstr() : nullptr;
  });
}

int dl_conversation_expires_in(const dl_conversation *conversation) {
  return capi::guarded_value<int>(0, [&] { return conversation ? conversation->impl->expires_in() : 0; });
}

const char *dl_conversation_stream_url(const dl_conversation *conversation) {
  return capi::guarded_value<const char *>(nullptr, [&]() -> const char * {
    return conversation ? conversation->impl->stream_url_cstr() : nullptr;
  });
}

int dl_conversation_is_new(const dl_conversation *conversation) {
  return conversation && conversation->impl->is_new() ? 1 : 0;
}

int dl_conversation_is_ended(const dl_conversation *conversation) {
  return capi::guarded_value<int>(0, [&] {
    return conversation && conversation->impl->is_ended() ? 1 : 0;
  });
}

const char *dl_conversation_watermark(const dl_conversation *conversation) {
  return capi::guarded_value<const char *>(nullptr, [&]() -> const char * {
    static thread_local std::string copy;
    if (!conversation) return nullptr;
    auto wm = conversation->impl->watermark();
    if (!wm) return nullptr;
    copy = *wm;
    return copy.c_str();
  });
}

int dl_conversation_post_activity(dl_conversation *conversation, const char *activity_json,
                                  char **id_out) {
  return guarded([&] {
    if (id_out) *id_out = nullptr;
    DL_REQUIRE(conversation);
    DL_REQUIRE(activity_json);
    auto id = conversation->impl->post_activity(activity_json);
    if (!id) return set_error(id.error());
    put_id(id_out, *id);
    return set_ok();
  });
}

int dl_conversation_send_message(dl_conversation *conversation, const char *user_id, const char *text,
                                 char **id_out) {
  return guarded([&] {
    if (id_out) *id_out = nullptr;
    DL_REQUIRE(conversation);
    DL_REQUIRE(user_id);
    DL_REQUIRE(text);
    if (!*user_id) return set_error(core::Code::invalid, "argument 'user_id' must not be empty");
    auto id = conversation->impl->send_message(user_id, text);
    if (!id) return set_error(id.error());
    put_id(id_out, *id);
    return set_ok();
  });
}

int dl_conversation_upload(dl_conversation *conversation, const char *user_id,
                           const dl_upload_file *files, size_t file_count, const char *activity_json,
                           char **id_out) {
  return guarded([&] {
    if (id_out) *id_out = nullptr;
    DL_REQUIRE(conversation);
    DL_REQUIRE(user_id);
    DL_REQUIRE(files);
    if (!*user_id) return set_error(core::Code::invalid, "argument 'user_id' must not be empty");
    if (file_count == 0) return set_error(core::Code::invalid, "argument 'file_count' must be at least 1");
    std::vector<core::protocol::UploadPart> parts;
    parts.reserve(file_count);
    for (size_t i = 0; i < file_count; ++i) {
      const dl_upload_file &f = files[i];
      if (!f.name || !*f.name)
        return set_error(core::Code::invalid, "files[" + std::to_string(i) + "].name must not be NULL or empty");
      if (!f.data && f.size > 0)
        return set_error(core::Code::invalid, "files[" + std::to_string(i) + "].data is NULL but size > 0");
      core::protocol::UploadPart part;
      part.name = f.name;
      if (f.content_type) part.content_type = f.content_type;
      if (f.size) part.data.assign(static_cast<const char *>(f.data), f.size);
      parts.push_back(std::move(part));
    }
    std::string activity;
    if (activity_json) activity = activity_json;
    auto id = conversation->impl->upload(user_id, parts, activity_json ? &activity : nullptr);
    if (!id) return set_error(id.error());
    put_id(id_out, *id);
    return set_ok();
  });
}

int dl_conversation_end(dl_conversation *conversation, const char *user_id, char **id_out) {
  return guarded([&] {
    if (id_out) *id_out = nullptr;
    DL_REQUIRE(conversation);
    DL_REQUIRE(user_id);
    if (!*user_id) return set_error(core::Code::invalid, "argument 'user_id' must not be empty");
    auto id = conversation->impl->end(user_id);
    if (!id) return set_error(id.error());
    put_id(id_out, *id);
    return set_ok();
  });
}

int dl_conversation_get_activities(dl_conversation *conversation, const char *watermark,
                                   char **set_json_out) {
  return guarded([&] {
    DL_REQUIRE(set_json_out);
    *set_json_out = nullptr;
    DL_REQUIRE(conversation);
    std::optional<std::string> wm;
    if (watermark) wm = watermark;
    auto body = conversation->impl->get_activities(wm);
    if (!body) return set_error(body.error());
    *set_json_out = owned_copy(*body);
    return set_ok();
  });
}

int dl_conversation_reconnect(dl_conversation *conversation, const char *watermark) {
  return guarded([&] {
    DL_REQUIRE(conversation);
    std::optional<std::string> wm;
    if (watermark) wm = watermark;
    auto st = conversation->impl->reconnect_now(wm);
    if (!st) return set_error(st.error());
    return set_ok();
  });
}

int dl_conversation_refresh_token(dl_conversation *conversation) {
  return guarded([&] {
    DL_REQUIRE(conversation);
    auto st = conversation->impl->refresh_token();
    if (!st) return set_error(st.error());
    return set_ok();
  });
}

int dl_conversation_set_token(dl_conversation *conversation, const char *token) {
  return guarded([&] {
    DL_REQUIRE(conversation);
    DL_REQUIRE(token);
    auto st = conversation->impl->set_token(token);
    if (!st) return set_error(st.error());
    return set_ok();
  });
}

int dl_conversation_next_activity(dl_conversation *conversation, int timeout_ms, dl_activity **out) {
  return guarded([&] {
    DL_REQUIRE(out);
    *out = nullptr;
    DL_REQUIRE(conversation);
    if (timeout_ms < -1)
      return set_error(core::Code::invalid, "argument 'timeout_ms' must be >= -1");
    auto activity = conversation->impl->next_activity(timeout_ms);
    if (!activity) return set_error(activity.error());
    auto *handle = new dl_activity;
    handle->own = conversation->impl->is_own(**activity);
    handle->data = std::move(*activity);
    *out = handle;
    return set_ok();
  });
}

void dl_conversation_close(dl_conversation *conversation) {
  guarded([&] {
    if (conversation) conversation->impl->close();
    return DL_OK;
  });
}

int dl_conversation_export(const dl_conversation *conversation, char **state_json_out) {
  return guarded([&] {
    DL_REQUIRE(state_json_out);
    *state_json_out = nullptr;
    DL_REQUIRE(conversation);
    auto state = conversation->impl->export_state();
    if (!state) return set_error(state.error());
    *state_json_out = owned_copy(*state);
    return set_ok();
  });
}

void dl_conversation_free(dl_conversation *conversation) {
  guarded([&] {
    if (!conversation) return DL_OK;
    conversation->impl->close();
    delete conversation;
    return DL_OK;
  });
}

const char *dl_activity_json(const dl_activity *activity) {
  return activity ? activity->data->json.c_str() : nullptr;
}

const char *dl_activity_id(const dl_activity *activity) {
  return activity ? activity->data->id.c_str() : nullptr;
}

const char *dl_activity_type(const dl_activity *activity) {
  return activity ? activity->data->type.c_str() : nullptr;
}

const char *dl_activity_text(const dl_activity *activity) {
  if (!activity || !activity->data->text) return nullptr;
  return activity->data->text->c_str();
}

const char *dl_activity_from_id(const dl_activity *activity) {
  return activity ? activity->data->from_id.c_str() : nullptr;
}

int dl_activity_is_own(const dl_activity *activity) { return activity && activity->own ? 1 : 0; }

const char *dl_activity_reply_to_id(const dl_activity *activity) {
  return activity && activity->data->reply_to_id ? activity->data->reply_to_id->c_str() : nullptr;
}

const char *dl_activity_stream_id(const dl_activity *activity) {
  return activity && activity->data->stream_id ? activity->data->stream_id->c_str() : nullptr;
}

const char *dl_activity_stream_type(const dl_activity *activity) {
  return activity && activity->data->stream_type ? activity->data->stream_type->c_str() : nullptr;
}

int dl_activity_stream_sequence(const dl_activity *activity) {
  return activity ? activity->data->stream_sequence : 0;
}

const char *dl_activity_signin_url(const dl_activity *activity) {
  return activity && activity->data->signin_url ? activity->data->signin_url->c_str() : nullptr;
}

void dl_activity_free(dl_activity *activity) { delete activity; }

}  // extern "C"
