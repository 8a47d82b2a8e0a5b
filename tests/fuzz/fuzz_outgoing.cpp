// A caller's activity JSON (post, upload): parse_outgoing_activity, the 1.1
// message mapping, and the multipart body built around it with a file name
// taken from the input. Input: "FILENAME\nACTIVITY_JSON".
#include "fuzz_support.hpp"
#include "protocol/messages.hpp"
#include "protocol/multipart.hpp"

using namespace directline::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, std::size_t size) {
  std::string activity_json = fuzz::text(data, size);
  const std::string name = fuzz::first_line(activity_json);
  auto activity = protocol::parse_outgoing_activity(activity_json);
  if (!activity) {
    FUZZ_CHECK(activity.error().code == Code::invalid);
  } else {
    const std::string v3 = activity->dump();
    const std::string v1 = protocol::activity_to_v1_message(*activity).dump();
    FUZZ_CHECK(protocol::parse_untrusted_json(v1, Code::invalid, "v1").ok());
    protocol::UploadPart file{name, "image/png", "\x89PNG"};
    auto body = protocol::multipart_body({file}, &v3, "application/vnd.microsoft.activity", "BOUNDARY-x1");
    FUZZ_CHECK(body.body.find("--BOUNDARY-x1--\r\n") != std::string::npos);
  }
  // A file name never breaks out of its header line or its quotes.
  const std::string quoted = protocol::quote_filename(name);
  FUZZ_CHECK(quoted.find_first_of("\r\n") == std::string::npos);
  FUZZ_CHECK(quoted.size() >= 2 && quoted.front() == '"' && quoted.back() == '"');
  for (std::size_t i = 1; i + 1 < quoted.size(); ++i) {
    if (quoted[i] == '\\') ++i;  // an escaped character
    else FUZZ_CHECK(quoted[i] != '"');
  }
  auto raw = protocol::raw_file_body({name, "", "data"});
  FUZZ_CHECK(raw.content_disposition.find_first_of("\r\n") == std::string::npos);
  return 0;
}
