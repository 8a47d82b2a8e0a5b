#include "uploads.hpp"

#include "multipart.hpp"
#include "util.hpp"

namespace dlemu {

void upload(Context &ctx, const RequestContext &request, Reply reply, ApiVersion version) {
  auto opened = ctx.open_conversation(request, version, reply);
  if (!opened) return;
  auto &[caller, conversation] = *opened;
  auto user_it = request.query.find("userId");
  std::string user_id = user_it == request.query.end() ? "" : user_it->second;
  if (user_id.empty() && !ctx.options.lenient_upload)
    return reply(error_outcome(400, "MissingProperty", "The userId query parameter is required", version));
  if (!caller.is_secret && !caller.claims.user_id.empty()) user_id = caller.claims.user_id;
  if (user_id.empty()) {
    std::lock_guard<std::mutex> lock(conversation->mu);
    user_id = conversation->user_id.empty() ? "user" : conversation->user_id;
  }

  std::string content_type;
  if (auto it = request.msg.find(http::field::content_type); it != request.msg.end())
    content_type = std::string(it->value());
  std::vector<FormPart> parts;
  if (auto boundary = multipart_boundary(content_type)) {
    if (!parse_multipart(request.msg.body(), *boundary, parts))
      return reply(error_outcome(400, "MalformedData", "Malformed multipart body", version));
  } else {
    FormPart single;
    single.content_type = content_type.empty() ? "application/octet-stream" : content_type;
    if (auto it = request.msg.find(http::field::content_disposition); it != request.msg.end())
      single.filename = header_param(it->value(), "filename");
    single.data = request.msg.body();
    parts.push_back(std::move(single));
  }

  const char *activity_type = version == ApiVersion::v1 ? "application/vnd.microsoft.bot.message"
                                                        : "application/vnd.microsoft.activity";
  json activity = json{{"type", "message"}};
  json attachments = json::array();
  std::string base = ctx.public_base(request, false);
  for (auto &part : parts) {
    if (media_type(part.content_type) == activity_type) {
      json parsed;
      if (auto error = parse_json_body(part.data, parsed, version)) return reply(std::move(*error));
      if (!parsed.is_object())
        return reply(error_outcome(400, "MalformedData", "The activity part must be a JSON object", version));
      if (version == ApiVersion::v1) {
        // A 1.1 Message: text and channelData carry over.
        if (parsed.contains("text")) activity["text"] = parsed["text"];
        if (parsed.contains("channelData")) activity["channelData"] = parsed["channelData"];
      } else {
        activity = std::move(parsed);
        if (!activity.contains("type") || !activity["type"].is_string()) activity["type"] = "message";
        if (activity.contains("attachments") && activity["attachments"].is_array()) {
          // DirectLineJS lists the files here without contentUrl; the file parts replace them.
          json kept = json::array();
          for (auto &a : activity["attachments"])
            if (a.is_object() && (a.contains("contentUrl") || a.contains("content"))) kept.push_back(a);
          attachments = kept;
        }
      }
      continue;
    }
    std::string name = part.filename.empty() ? (part.name.empty() ? "file" : part.name) : part.filename;
    std::string type = part.content_type.empty() ? "application/octet-stream" : part.content_type;
    std::string file_id = ctx.attachments.put(StoredFile{type, name, std::move(part.data)});
    std::string url = base + "/attachments/" + file_id + "/" + url_encode(name);
    attachments.push_back(json{{"contentType", type}, {"contentUrl", url}, {"name", name}});
  }
  activity["attachments"] = attachments;
  json from = activity.contains("from") && activity["from"].is_object() ? activity["from"] : json::object();
  from["id"] = user_id;
  if (!from.contains("role")) from["role"] = "user";
  activity["from"] = from;
  ctx.activities.post_user(conversation, std::move(activity), version, std::move(reply),
                     version == ApiVersion::v1);
}

void attachment(Context &ctx, const RequestContext &request, Reply reply) {
  auto file = ctx.attachments.get(request.route.params.at(0));
  if (!file) return reply(error_outcome(404, "NotFound", "Unknown attachment", ApiVersion::v3));
  HttpResponse res{http::status::ok, 11};
  res.set(http::field::content_type, file->content_type);
  res.body() = file->data;
  res.prepare_payload();
  reply(Outcome{std::move(res)});
}

}  // namespace dlemu
