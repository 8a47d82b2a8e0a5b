// Upload bodies: one raw file, or multipart/form-data with file parts and an
// optional activity part. No I/O.
#pragma once

#include <string>
#include <vector>

namespace directline::core::protocol {

struct UploadPart {
  std::string name;          // file name
  std::string content_type;  // "" -> application/octet-stream
  std::string data;          // bytes
};

struct UploadBody {
  std::string content_type;         // header value
  std::string content_disposition;  // only for a raw single file, else ""
  std::string body;
};

// Single file without an activity: the raw bytes, the file's content type,
// Content-Disposition: name="file"; filename="...".
UploadBody raw_file_body(const UploadPart &file);

// multipart/form-data: optional activity part (activity_content_type, e.g.
// application/vnd.microsoft.activity) then one part "file" per file.
// boundary must not occur in any part (the caller picks a random one).
UploadBody multipart_body(const std::vector<UploadPart> &files, const std::string *activity_json,
                          const std::string &activity_content_type, const std::string &boundary);

// Quotes a file name for a Content-Disposition parameter (no CR/LF, escaped quotes).
std::string quote_filename(const std::string &name);

}  // namespace directline::core::protocol
