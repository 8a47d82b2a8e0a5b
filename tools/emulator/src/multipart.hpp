// Upload bodies: multipart/form-data parts and Content-Disposition filenames.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dlemu {

struct FormPart {
  std::string content_type;  // empty when the part has none
  std::string name;
  std::string filename;
  std::string data;
};

// The boundary parameter of a multipart Content-Type, if it is one.
std::optional<std::string> multipart_boundary(std::string_view content_type);
// Splits a body into parts; false when it is not well-formed.
bool parse_multipart(std::string_view body, std::string_view boundary, std::vector<FormPart> &out);
// A parameter of a header value such as `form-data; name="file"; filename="a.png"`.
std::string header_param(std::string_view header_value, std::string_view param);
// The media type of a Content-Type value, lower-cased, without parameters.
std::string media_type(std::string_view content_type);

}  // namespace dlemu
