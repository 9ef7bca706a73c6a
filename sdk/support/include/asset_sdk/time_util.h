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

// How format_duration rounds. kExact for configured values and waits (parse_duration reads the
// text back); kTenths for measured times, where the milliseconds past a second are noise.
enum class DurationPrecision { kExact, kTenths };

// Every duration in logs, errors and summaries. kExact: the shortest exact rendering, "1h30m",
// "45s", "250ms". kTenths: the same below one second ("250ms"), from one second on seconds to
// the nearest tenth ("2.3s", "95.0s").
std::string format_duration(Millis d, DurationPrecision precision = DurationPrecision::kExact);

// Milliseconds since the Unix epoch (floored), as OCSF timestamps want.
std::int64_t to_epoch_millis(SystemTime t);

}  // namespace asset_sdk
