// Time helpers for the Okta simulator: the wire formats Okta uses (ISO-8601 with milliseconds
// in JSON, IMF-fixdate in the Date header) and a real-time clock in epoch milliseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace oktasim {

// Real wall clock, epoch milliseconds (the simulated clock adds the configured skew).
int64_t real_now_ms();

// "2024-05-01T12:34:56.789Z" (always UTC, always three fraction digits, like Okta).
std::string iso8601_ms(int64_t epoch_ms);

// Parses "YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|+HH:MM|-HH:MM)" into epoch MICROseconds (so a filter
// value with sub-millisecond digits compares exactly against millisecond timestamps).
std::optional<int64_t> parse_iso8601_us(std::string_view text);

// "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 IMF-fixdate), as in the HTTP Date header.
std::string imf_fixdate(int64_t epoch_ms);

}  // namespace oktasim
