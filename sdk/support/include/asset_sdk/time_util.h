// Timestamps and durations as they appear in APIs and configs.
#pragma once

#include <asset_sdk/clock.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace asset_sdk {

// ISO-8601 / RFC 3339 UTC-or-offset timestamps: "2024-12-23T00:00:00.000Z",
// "2024-12-23T00:00:00Z", "2024-12-23T01:00:00+01:00". nullopt when malformed.
std::optional<SystemTime> parse_iso8601(std::string_view text);

// "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC, milliseconds) — the format Okta's search filter wants.
std::string format_iso8601_ms(SystemTime t);

// IMF-fixdate HTTP dates ("Sun, 06 Nov 1994 08:49:37 GMT") as in Date / Retry-After.
std::optional<SystemTime> parse_http_date(std::string_view text);

// Human durations for configs: "500ms", "30s", "5m", "24h", "7d", or a bare integer meaning
// seconds. Combined forms like "1h30m" are accepted. nullopt when malformed or negative.
std::optional<Millis> parse_duration(std::string_view text);

// "1h30m", "45s", "250ms": the shortest exact rendering, for logs and summaries.
std::string format_duration(Millis d);

// Milliseconds since the Unix epoch (floored), as OCSF timestamps want.
std::int64_t to_epoch_millis(SystemTime t);

}  // namespace asset_sdk
