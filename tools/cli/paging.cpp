#include "paging.hpp"

#include <set>
#include <vector>

#include "errors.hpp"

namespace dlcli {

namespace {

using json = nlohmann::ordered_json;

struct Page {
  std::vector<json> activities;
  std::optional<std::string> watermark;
};

Page parse_page(const std::string &set_json) {
  json set = json::parse(set_json, nullptr, false);
  if (set.is_discarded() || !set.is_object()) throw protocol_error("malformed activity set from the service");
  Page page;
  const char *list = set.contains("messages") ? "messages" : "activities";  // 1.1 : 3.0
  if (set.contains(list) && set[list].is_array())
    for (auto &a : set[list]) page.activities.push_back(std::move(a));
  if (set.contains("watermark") && set["watermark"].is_string()) page.watermark = set["watermark"].get<std::string>();
  return page;
}

}  // namespace

std::optional<std::string> drain_history(directline::Conversation &conversation,
                                         const std::function<void(const json &)> &emit, int max_pages) {
  std::optional<std::string> after;
  std::set<std::string> seen;  // watermarks are opaque: "moved" means "not seen before"
  for (int pages = 0; pages < max_pages; ++pages) {
    Page page = parse_page(conversation.get_activities(after));
    if (page.activities.empty() || !page.watermark) {
      if (page.watermark) after = page.watermark;
      return after;
    }
    if (!seen.insert(*page.watermark).second)
      throw protocol_error("the service sent watermark '" + *page.watermark +
                           "' again with activities; the history does not advance");
    for (const auto &a : page.activities) emit(a);
    after = page.watermark;
  }
  throw protocol_error("the history did not end after " + std::to_string(max_pages) + " pages");
}

}  // namespace dlcli
