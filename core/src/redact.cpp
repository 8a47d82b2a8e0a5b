#include "redact.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <deque>
#include <mutex>
#include <unordered_map>

namespace directline::core {

namespace {

// Shorter credentials could be ordinary substrings ("abc" in "fabric"): they
// are matched only as whole tokens (see is_credential_char).
constexpr std::size_t kMinSubstringLength = 6;
constexpr std::size_t kMaxRemembered = 4096;

// One copy of each value: `order` points at the map's keys (nodes never move).
// Tokens are remembered at the rate the service issues them, from many
// threads at once, so a new one costs one hash, one copy and one lock.
struct Registry {
  std::mutex mu;
  std::unordered_map<std::string, bool> known;  // value -> the service issued it as a token
  std::deque<const std::string *> order;        // keys of `known`, oldest first
};

Registry &registry() {
  static auto *r = new Registry();  // leaked on purpose: usable during static destruction
  return *r;
}

// ASCII only and inline: it runs at every position of every pass.
char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool ieq_at(const std::string &text, std::size_t pos, const char *word) {
  for (std::size_t i = 0; word[i]; ++i) {
    if (pos + i >= text.size()) return false;
    if (ascii_lower(text[pos + i]) != ascii_lower(word[i])) return false;
  }
  return true;
}

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// Characters that can continue a secret, token or URL parameter (base64,
// base64url, percent-encoding). A short credential is redacted only where its
// neighbours are none of these, so "abc" goes in "key=abc." but not in "fabric".
bool is_credential_char(char c) {
  return c != '\0' && (std::isalnum(static_cast<unsigned char>(c)) || std::strchr("-_+/~%", c) != nullptr);
}

bool whole_token_at(const std::string &text, std::size_t pos, std::size_t len) {
  return (pos == 0 || !is_credential_char(text[pos - 1])) &&
         (pos + len >= text.size() || !is_credential_char(text[pos + len]));
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

std::string percent_decode(const std::string &value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    int hi, lo;
    if (value[i] == '%' && i + 2 < value.size() && (hi = hex_value(value[i + 1])) >= 0 &&
        (lo = hex_value(value[i + 2])) >= 0) {
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(value[i]);
    }
  }
  return out;
}

// The values of `t=` query parameters in a URL (a stream URL's token), raw and
// percent-decoded: a server may echo the token without the URL around it.
std::vector<std::string> t_parameters(const std::string &url) {
  std::vector<std::string> out;
  for (std::size_t i = url.find('?'); i != std::string::npos && i + 2 < url.size();
       i = url.find('&', i + 1)) {
    if (url[i + 1] != 't' || url[i + 2] != '=') continue;
    const std::size_t start = i + 3;
    const std::size_t end = std::min(url.find_first_of("&#", start), url.size());
    if (end == start) continue;
    out.push_back(url.substr(start, end - start));
    std::string decoded = percent_decode(out.back());
    if (decoded != out.back()) out.push_back(std::move(decoded));
  }
  return out;
}

void remember_one(const std::string &value, bool issued_token) {
  if (value.empty()) return;
  auto &r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  auto [it, added] = r.known.try_emplace(value, issued_token);
  if (!added) {
    it->second = it->second || issued_token;
    return;
  }
  r.order.push_back(&it->first);
  if (r.order.size() > kMaxRemembered) {
    auto oldest = r.known.find(*r.order.front());
    r.order.pop_front();
    r.known.erase(oldest);
  }
}

bool in_set(char c, const char *set) { return c != '\0' && std::strchr(set, c) != nullptr; }

// One pass over `text`: at each position, `match(text, i)` gives the span of a
// value to blank ([first, last), npos when none). Builds a new string, so the
// cost is linear however many values there are.
template <typename Match>
std::string blank_matches(const std::string &text, Match match) {
  std::string out;
  std::size_t copied = 0;
  bool changed = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto [first, last] = match(text, i);
    if (first == std::string::npos) continue;
    out.append(text, copied, first - copied);
    out += kRedacted;
    copied = last;
    changed = true;
    i = last > i ? last - 1 : i;
  }
  if (!changed) return text;
  out.append(text, copied, std::string::npos);
  return out;
}

// Every occurrence of `credential` (only whole tokens unless `anywhere`).
std::string blank_credential(const std::string &text, const std::string &credential, bool anywhere) {
  std::string out;
  std::size_t copied = 0;
  bool changed = false;
  for (std::size_t pos = text.find(credential); pos != std::string::npos; pos = text.find(credential, pos)) {
    if (!anywhere && !whole_token_at(text, pos, credential.size())) {
      ++pos;
      continue;
    }
    out.append(text, copied, pos - copied);
    out += kRedacted;
    pos += credential.size();
    copied = pos;
    changed = true;
  }
  if (!changed) return text;
  out.append(text, copied, std::string::npos);
  return out;
}

using Span = std::pair<std::size_t, std::size_t>;
constexpr Span kNoSpan{std::string::npos, std::string::npos};

// The run after `pos` up to a character of `stop`; none when it is empty.
Span value_until(const std::string &text, std::size_t pos, const char *stop) {
  std::size_t end = pos;
  while (end < text.size() && !in_set(text[end], stop)) ++end;
  return end == pos ? kNoSpan : Span{pos, end};
}

std::string redact_patterns(std::string text) {
  // Authorization header values up to the end of the line.
  text = blank_matches(text, [](const std::string &t, std::size_t i) {
    if (!ieq_at(t, i, "authorization:")) return kNoSpan;
    std::size_t v = i + std::strlen("authorization:");
    while (v < t.size() && t[v] == ' ') ++v;
    return value_until(t, v, "\r\n");
  });
  // Bearer / BotConnector credentials.
  for (const char *scheme : {"bearer ", "botconnector "}) {
    text = blank_matches(text, [scheme](const std::string &t, std::size_t i) {
      if ((i > 0 && is_word_char(t[i - 1])) || !ieq_at(t, i, scheme)) return kNoSpan;
      std::size_t v = i + std::strlen(scheme);
      while (v < t.size() && t[v] == ' ') ++v;
      if (ieq_at(t, v, kRedacted)) return kNoSpan;
      return value_until(t, v, " \t\r\n\",;'");
    });
  }
  // t= query values (stream URLs).
  text = blank_matches(text, [](const std::string &t, std::size_t i) {
    if (i + 2 >= t.size() || (t[i] != '?' && t[i] != '&') || t[i + 1] != 't' || t[i + 2] != '=')
      return kNoSpan;
    return value_until(t, i + 3, "& \t\r\n\"'#");
  });
  // JSON members "token": "..." and "secret": "..." (an empty value too).
  for (const char *key : {"\"token\"", "\"secret\""}) {
    text = blank_matches(text, [key](const std::string &t, std::size_t i) {
      if (!ieq_at(t, i, key)) return kNoSpan;
      std::size_t v = i + std::strlen(key);
      while (v < t.size() && (t[v] == ' ' || t[v] == ':')) ++v;
      if (v >= t.size() || t[v] != '"') return kNoSpan;
      std::size_t end = v + 1;
      while (end < t.size() && t[end] != '"') end += (t[end] == '\\') ? 2 : 1;
      return Span{v + 1, std::min(end, t.size())};
    });
  }
  return text;
}

}  // namespace

void remember_sensitive(const std::string &value, bool issued_token) {
  for (const auto &t : t_parameters(value)) remember_one(t, false);
  remember_one(value, issued_token);
}

bool remembered_as_issued_token(const std::string &value) {
  auto &r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  auto it = r.known.find(value);
  return it != r.known.end() && it->second;
}

std::string redact_with(const std::string &text, const std::vector<std::string> &sensitive) {
  std::string out = text;
  // Longest first, so a token that contains a shorter secret goes as a whole.
  std::vector<const std::string *> ordered;
  for (const auto &s : sensitive)
    if (!s.empty()) ordered.push_back(&s);
  std::sort(ordered.begin(), ordered.end(),
            [](const std::string *a, const std::string *b) { return a->size() > b->size(); });
  for (const std::string *s : ordered) {
    const bool anywhere = s->size() >= kMinSubstringLength;
    out = blank_credential(out, *s, anywhere);
  }
  return redact_patterns(std::move(out));
}

std::string redact(const std::string &text) {
  // Only what occurs in the text: copying all remembered credentials for every
  // message cost ~1 ms per error once thousands of conversations were open.
  std::vector<std::string> present;
  {
    auto &r = registry();
    std::lock_guard<std::mutex> lock(r.mu);
    for (const std::string *s : r.order)
      if (s->size() <= text.size() && text.find(*s) != std::string::npos) present.push_back(*s);
  }
  return redact_with(text, present);
}

}  // namespace directline::core
