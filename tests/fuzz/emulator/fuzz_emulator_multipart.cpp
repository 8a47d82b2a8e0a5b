// Upload bodies: the first line is the Content-Type (boundary), the rest the body; then the
// Content-Disposition parameters of every part. Invariants: parts come from the body, a
// boundary is never empty or over 200 characters, at most 65 parts.
#include "emu_fuzz.hpp"
#include "multipart.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view rest = emu_fuzz::view(data, size);
  const std::string_view content_type = emu_fuzz::first_line(rest);
  (void)dlemu::media_type(content_type);
  (void)dlemu::header_param(content_type, "filename");
  auto boundary = dlemu::multipart_boundary(content_type);
  if (!boundary) return 0;
  FUZZ_CHECK(!boundary->empty() && boundary->size() <= 200);
  std::vector<dlemu::FormPart> parts;
  if (!dlemu::parse_multipart(rest, *boundary, parts)) return 0;
  FUZZ_CHECK(parts.size() <= 65);
  for (const auto &part : parts) {
    FUZZ_CHECK(part.data.size() <= rest.size());
    FUZZ_CHECK(rest.find(part.data) != std::string_view::npos);
  }
  return 0;
}
