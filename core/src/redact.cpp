#include "redact.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <deque>
#include <mutex>
#include <unordered_set>

namespace directline::core {

namespace {

constexpr std::size_t kMinSensitiveLength = 6;
constexpr std::size_t kMaxRemembered = 4096;

struct Registry {
  std::mutex mu;
  std::deque<std::string> order;
  std::unordered_set<std::string> set;
};

Registry &registry() {
  static auto *r = new Registry();  // leaked on purpose: usable during static destruction
  return *r;
}

bool ieq_at(const std::string &text, std::size_t pos, const char *word) {
  for (std::size_t i = 0; word[i]; ++i) {
    if (pos + i >= text.size()) return false;
    if (std::tolower(static_cast<unsigned char>(text[pos + i])) !=
        std::tolower(static_cast<unsigned char>(word[i])))
      return false;
  }
  return true;
}

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// Replaces the run of characters after `pos` that are not in `stop` with the marker.
std::size_t blank_value(std::string &text, std::size_t pos, const char *stop) {
  std::size_t end = pos;
  while (end < text.size() && !std::strchr(stop, text[end])) ++end;
  if (end == pos) return pos;
  text.replace(pos, end - pos, kRedacted);
  return pos + std::strlen(kRedacted);
}

void redact_patterns(std::string &text) {
  // Authorization header values up to the end of the line.
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (ieq_at(text, i, "authorization:")) {
      std::size_t v = i + std::strlen("authorization:");
      while (v < text.size() && text[v] == ' ') ++v;
      i = blank_value(text, v, "\r\n");
    }
  }
  // Bearer / BotConnector credentials.
  for (const char *scheme : {"bearer ", "botconnector "}) {
    for (std::size_t i = 0; i < text.size(); ++i) {
      if ((i == 0 || !is_word_char(text[i - 1])) && ieq_at(text, i, scheme)) {
        std::size_t v = i + std::strlen(scheme);
        while (v < text.size() && text[v] == ' ') ++v;
        if (ieq_at(text, v, kRedacted)) continue;
        i = blank_value(text, v, " \t\r\n\",;'");
      }
    }
  }
  // t= query values (stream URLs).
  for (std::size_t i = 0; i + 2 < text.size(); ++i) {
    if ((text[i] == '?' || text[i] == '&') && text[i + 1] == 't' && text[i + 2] == '=')
      i = blank_value(text, i + 3, "& \t\r\n\"'#");
  }
  // JSON members "token": "..." and "secret": "...".
  for (const char *key : {"\"token\"", "\"secret\""}) {
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (!ieq_at(text, i, key)) continue;
      std::size_t v = i + std::strlen(key);
      while (v < text.size() && (text[v] == ' ' || text[v] == ':')) ++v;
      if (v < text.size() && text[v] == '"') {
        std::size_t end = v + 1;
        while (end < text.size() && text[end] != '"') end += (text[end] == '\\') ? 2 : 1;
        end = std::min(end, text.size());
        text.replace(v + 1, end - v - 1, kRedacted);
        i = v + 1;
      }
    }
  }
}

}  // namespace

void remember_sensitive(const std::string &value) {
  if (value.size() < kMinSensitiveLength) return;
  auto &r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  if (!r.set.insert(value).second) return;
  r.order.push_back(value);
  if (r.order.size() > kMaxRemembered) {
    r.set.erase(r.order.front());
    r.order.pop_front();
  }
}

std::string redact_with(const std::string &text, const std::vector<std::string> &sensitive) {
  std::string out = text;
  // Longest first, so a token that contains a shorter secret goes as a whole.
  std::vector<const std::string *> ordered;
  for (const auto &s : sensitive)
    if (s.size() >= kMinSensitiveLength) ordered.push_back(&s);
  std::sort(ordered.begin(), ordered.end(),
            [](const std::string *a, const std::string *b) { return a->size() > b->size(); });
  for (const std::string *s : ordered) {
    for (std::size_t pos = out.find(*s); pos != std::string::npos; pos = out.find(*s, pos)) {
      out.replace(pos, s->size(), kRedacted);
      pos += std::strlen(kRedacted);
    }
  }
  redact_patterns(out);
  return out;
}

std::string redact(const std::string &text) {
  std::vector<std::string> snapshot;
  {
    auto &r = registry();
    std::lock_guard<std::mutex> lock(r.mu);
    snapshot.assign(r.order.begin(), r.order.end());
  }
  return redact_with(text, snapshot);
}

}  // namespace directline::core
