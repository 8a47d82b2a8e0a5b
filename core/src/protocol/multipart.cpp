#include "protocol/multipart.hpp"

namespace directline::core::protocol {

namespace {
std::string content_type_or_default(const std::string &type) {
  return type.empty() ? "application/octet-stream" : type;
}
}  // namespace

std::string quote_filename(const std::string &name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '\r' || c == '\n') continue;  // header injection
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

UploadBody raw_file_body(const UploadPart &file) {
  UploadBody out;
  out.content_type = content_type_or_default(file.content_type);
  out.content_disposition = "name=\"file\"; filename=" + quote_filename(file.name);
  out.body = file.data;
  return out;
}

UploadBody multipart_body(const std::vector<UploadPart> &files, const std::string *activity_json,
                          const std::string &activity_content_type, const std::string &boundary) {
  UploadBody out;
  out.content_type = "multipart/form-data; boundary=" + boundary;
  std::string &b = out.body;
  if (activity_json) {
    b += "--" + boundary + "\r\n";
    b += "Content-Type: " + activity_content_type + "\r\n";
    b += "Content-Disposition: form-data; name=\"activity\"\r\n\r\n";
    b += *activity_json;
    b += "\r\n";
  }
  for (const auto &file : files) {
    b += "--" + boundary + "\r\n";
    b += "Content-Type: " + content_type_or_default(file.content_type) + "\r\n";
    b += "Content-Disposition: form-data; name=\"file\"; filename=" + quote_filename(file.name) +
         "\r\n\r\n";
    b += file.data;
    b += "\r\n";
  }
  b += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace directline::core::protocol
