// send and upload: post one activity, a text, any activity JSON, or files.
#include <cctype>
#include <iostream>
#include <iterator>

#include "../credentials.hpp"
#include "../errors.hpp"
#include "../output.hpp"
#include "commands.hpp"
#include "common.hpp"

namespace dlcli {

namespace {

// --activity JSON or --activity-file F ("-": stdin), with "from" defaulting to
// --user-id, so that `--activity '{"type":"event","name":"x"}'` works.
std::string read_activity_arg(const Options &o) {
  if (o.activity && o.activity_file) throw UsageError("give --activity or --activity-file, not both", o.command);
  std::string text;
  if (o.activity) text = *o.activity;
  else if (*o.activity_file == "-") text.assign(std::istreambuf_iterator<char>(std::cin), {});
  else text = read_file(*o.activity_file, "activity");
  json parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) throw LocalError("the activity is not a JSON object", kExitUsage);
  if (!parsed.contains("from")) parsed["from"] = json{{"id", user_id(o)}};
  return parsed.dump();
}

std::string guess_content_type(const std::string &path) {
  static const std::pair<const char *, const char *> known[] = {
      {".png", "image/png"},        {".jpg", "image/jpeg"},      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},        {".webp", "image/webp"},     {".svg", "image/svg+xml"},
      {".txt", "text/plain"},       {".md", "text/markdown"},    {".html", "text/html"},
      {".csv", "text/csv"},         {".json", "application/json"}, {".pdf", "application/pdf"},
      {".zip", "application/zip"},  {".mp3", "audio/mpeg"},      {".wav", "audio/wav"},
      {".mp4", "video/mp4"},
  };
  size_t dot = path.rfind('.');
  if (dot != std::string::npos && path.find('/', dot) == std::string::npos) {
    std::string ext = path.substr(dot);
    for (auto &c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const auto &k : known)
      if (ext == k.first) return k.second;
  }
  return "application/octet-stream";
}

void message_options(CommandLine &cl, CLI::App *cmd) {
  Options &o = cl.options();
  cl.option(cmd, "--text", o.text, "TEXT", "message text");
  cl.option(cmd, "--activity", o.activity, "JSON", "the activity JSON to post");
  cl.option(cmd, "--activity-file", o.activity_file, "FILE", "read the activity JSON from FILE (- for stdin)");
}

int run_send(const Options &o) {
  bool has_activity = o.activity || o.activity_file;
  std::optional<std::string> text = o.text;
  if (!o.words.empty()) {
    if (text || has_activity) throw UsageError("unexpected argument '" + o.words.front() + "'", o.command);
    std::string joined;
    for (const auto &w : o.words) joined += (joined.empty() ? "" : " ") + w;
    text = joined;
  }
  if (text && has_activity) throw UsageError("give --text or --activity, not both", o.command);
  if (!text && !has_activity) throw UsageError("send needs --text TEXT or --activity JSON", o.command);
  std::string activity = has_activity ? read_activity_arg(o) : std::string();
  directline::Client client(client_options(o));
  auto conversation = open_existing(client, o);
  auto id = text ? conversation.send_message(user_id(o), *text) : conversation.post_activity(activity);
  print_line(id_json(id).dump());
  return kExitOk;
}

int run_upload(const Options &o) {
  if (o.files.empty()) throw UsageError("upload needs at least one --file PATH", o.command);
  if (o.text && (o.activity || o.activity_file)) throw UsageError("give --text or --activity, not both", o.command);
  std::vector<directline::UploadFile> files;
  for (const auto &path : o.files) {
    directline::UploadFile f;
    size_t slash = path.rfind('/');
    f.name = slash == std::string::npos ? path : path.substr(slash + 1);
    f.content_type = o.content_type.empty() ? guess_content_type(path) : o.content_type;
    f.data = read_file(path, "upload");
    files.push_back(std::move(f));
  }
  std::optional<std::string> activity;
  if (o.activity || o.activity_file) activity = read_activity_arg(o);
  else if (o.text)
    activity = json{{"type", "message"}, {"from", {{"id", user_id(o)}}}, {"text", *o.text}}.dump();
  directline::Client client(client_options(o));
  auto conversation = open_existing(client, o);
  print_line(id_json(conversation.upload(user_id(o), files, activity)).dump());
  return kExitOk;
}

}  // namespace

void add_send(CommandLine &cl) {
  auto *cmd = cl.command("send", "post one activity (a text message, or any activity JSON)",
                         "send --conversation ID (--text TEXT | TEXT... | --activity JSON | --activity-file F)", "",
                         run_send);
  cl.conversation(cmd, true);
  message_options(cl, cmd);
  cl.positional(cmd, "words", cl.options().words, "TEXT", "the message text, as words");
  cl.credentials(cmd, CredentialOptions::Either);
}

void add_upload(CommandLine &cl) {
  Options &o = cl.options();
  auto *cmd = cl.command(
      "upload", "upload files as one message",
      "upload --conversation ID --file PATH... [--content-type TYPE] [--text TEXT | --activity JSON]", "",
      run_upload);
  cl.conversation(cmd, true);
  cl.option(cmd, "--file", o.files, "PATH", "a file to upload (repeatable)");
  cl.option(cmd, "--content-type", o.content_type, "TYPE", "media type of the files (default: by extension)");
  message_options(cl, cmd);
  cl.credentials(cmd, CredentialOptions::Either);
}

}  // namespace dlcli
