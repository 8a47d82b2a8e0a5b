#include "multipart.hpp"

#include "util.hpp"

namespace dlemu {

std::string media_type(std::string_view content_type) {
  return to_lower(trim(content_type.substr(0, content_type.find(';'))));
}

std::string header_param(std::string_view value, std::string_view param) {
  size_t pos = 0;
  while ((pos = value.find(';', pos)) != std::string_view::npos) {
    ++pos;
    std::string_view rest = value.substr(pos);
    size_t eq = rest.find('=');
    if (eq == std::string_view::npos) break;
    std::string_view key = trim(rest.substr(0, eq));
    if (!iequals(key, param)) continue;
    std::string_view v = rest.substr(eq + 1);
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    if (!v.empty() && v.front() == '"') {
      std::string out;
      for (size_t i = 1; i < v.size(); ++i) {
        if (v[i] == '\\' && i + 1 < v.size()) out += v[++i];
        else if (v[i] == '"') break;
        else out += v[i];
      }
      return out;
    }
    return std::string(trim(v.substr(0, v.find(';'))));
  }
  // Content-Disposition without a leading type ("name=file; filename=x") as some docs show.
  std::string_view head = trim(value.substr(0, value.find(';')));
  size_t eq = head.find('=');
  if (eq != std::string_view::npos && iequals(trim(head.substr(0, eq)), param)) {
    std::string_view v = trim(head.substr(eq + 1));
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    return std::string(v);
  }
  return {};
}

std::optional<std::string> multipart_boundary(std::string_view content_type) {
  if (media_type(content_type).rfind("multipart/", 0) != 0) return std::nullopt;
  std::string b = header_param(content_type, "boundary");
  if (b.empty() || b.size() > 200) return std::nullopt;
  return b;
}

bool parse_multipart(std::string_view body, std::string_view boundary, std::vector<FormPart> &out) {
  std::string delim = "--" + std::string(boundary);
  size_t pos = body.find(delim);
  if (pos == std::string_view::npos) return false;
  pos += delim.size();
  while (true) {
    if (body.substr(pos, 2) == "--") return true;  // closing delimiter
    if (body.substr(pos, 2) != "\r\n") return false;
    pos += 2;
    size_t header_end = body.find("\r\n\r\n", pos);
    if (header_end == std::string_view::npos) return false;
    FormPart part;
    std::string_view headers = body.substr(pos, header_end - pos);
    while (!headers.empty()) {
      size_t eol = headers.find("\r\n");
      std::string_view line = headers.substr(0, eol);
      headers = eol == std::string_view::npos ? std::string_view{} : headers.substr(eol + 2);
      size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      std::string_view key = trim(line.substr(0, colon));
      std::string_view value = trim(line.substr(colon + 1));
      if (iequals(key, "content-type")) {
        part.content_type = std::string(value);
      } else if (iequals(key, "content-disposition")) {
        part.name = header_param(value, "name");
        part.filename = header_param(value, "filename");
      }
    }
    size_t data_start = header_end + 4;
    size_t next = body.find("\r\n" + delim, data_start);
    if (next == std::string_view::npos) return false;
    part.data = std::string(body.substr(data_start, next - data_start));
    out.push_back(std::move(part));
    pos = next + 2 + delim.size();
    if (out.size() > 64) return false;
  }
}

}  // namespace dlemu
