#include <asset_sdk/backoff.h>
#include <asset_sdk/text.h>
#include <asset_sdk/time_util.h>

#include <algorithm>
#include <cstdint>
#include <limits>

namespace asset_sdk {

Backoff::Backoff(BackoffPolicy policy, std::uint64_t seed) : policy_(policy), rng_(seed) {}

Millis Backoff::next_delay() {
    // ceiling = min(max, initial * 2^attempt), computed without overflowing: once doubling
    // would pass the cap, the cap is the answer.
    const std::int64_t cap = std::max<std::int64_t>(policy_.max.count(), 1);
    std::int64_t ceiling = std::max<std::int64_t>(policy_.initial.count(), 1);
    for (int i = 0; i < attempts_ && ceiling < cap; ++i) {
        ceiling = ceiling > cap / 2 ? cap : ceiling * 2;
    }
    ceiling = std::min(ceiling, cap);
    if (attempts_ < std::numeric_limits<int>::max()) ++attempts_;
    // Full jitter (AWS architecture blog): spreads retries of many clients over the whole window.
    std::uniform_int_distribution<std::int64_t> dist(1, ceiling);
    return Millis(dist(rng_));
}

std::optional<Millis> parse_retry_after(std::string_view value, SystemTime now) {
    value = trim(value);
    if (value.empty()) return std::nullopt;

    // delta-seconds: 1*DIGIT. A leading '-' is not valid syntax, but some servers send it;
    // treat it as "retry now" rather than ignoring the header.
    std::string_view digits = value;
    bool negative = false;
    if (digits.front() == '-') {
        negative = true;
        digits.remove_prefix(1);
    }
    if (!digits.empty() &&
        std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        if (negative) return Millis(0);
        // Saturate absurd values instead of overflowing; callers cap waits anyway.
        constexpr std::int64_t kMaxSeconds = std::numeric_limits<std::int64_t>::max() / 1000;
        std::int64_t secs = 0;
        for (char c : digits) {
            secs = secs * 10 + (c - '0');
            if (secs > kMaxSeconds) {
                secs = kMaxSeconds;
                break;
            }
        }
        return Millis(secs * 1000);
    }

    const std::optional<SystemTime> when = parse_http_date(value);
    if (!when) return std::nullopt;
    if (*when <= now) return Millis(0);
    // Rounded up: retrying a fraction of a millisecond early would hit the limit again.
    return std::chrono::ceil<Millis>(*when - now);
}

}  // namespace asset_sdk
