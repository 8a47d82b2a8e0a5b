// Small helpers shared by the emulator modules: encodings, ids, time, query strings.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace dlemu {

std::string base64url_encode(const void *data, size_t size);
// Unpadded base64url; false for other characters or a non-canonical ending.
bool base64url_decode(std::string_view text, std::string &out);

// Random URL-safe id from `bytes` random bytes (OpenSSL CSPRNG).
std::string random_id(size_t bytes = 16);

// ISO-8601 UTC with milliseconds and `Z`, as the Activity spec requires.
std::string iso_timestamp(std::chrono::system_clock::time_point t);

std::string url_decode(std::string_view s, bool plus_is_space);
std::string url_encode(std::string_view s);

// Query string (without '?') into decoded key -> value; the last duplicate wins.
std::map<std::string, std::string> parse_query(std::string_view query);

bool parse_uint64(std::string_view s, uint64_t &out);
// The `watermark` query parameter: absent, empty or "-" mean none (nullopt); otherwise a
// decimal sequence number. False when it is neither.
bool parse_watermark(const std::map<std::string, std::string> &query, std::optional<uint64_t> &out);
// A decimal without sign in [min, max] (min >= 0); false otherwise.
bool parse_int64_in_range(std::string_view s, int64_t min, int64_t max, int64_t &out);
std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
std::string_view trim(std::string_view s);

// The seven-digit sequence suffix of an activity id ("conv|0000012").
std::string activity_id(const std::string &conversation_id, uint64_t seq);

}  // namespace dlemu
