// Capped exponential back-off with full jitter ("sleep = random(0, min(cap, base * 2^n))"),
// plus Retry-After parsing. The random source is injected so tests are deterministic.
#pragma once

#include <asset_sdk/clock.h>

#include <cstdint>
#include <optional>
#include <random>
#include <string_view>

namespace asset_sdk {

// The total time budget of a retried operation is in RetryPolicy (retry.h), which drives this.
struct BackoffPolicy {
    Millis initial{500};  // first delay ceiling
    Millis max{30'000};   // cap on a single delay
};

class Backoff {
public:
    explicit Backoff(BackoffPolicy policy, std::uint64_t seed = std::random_device{}());
    // Delay before the next attempt (full jitter, never below 1 ms). Each call doubles the
    // ceiling, up to the cap.
    Millis next_delay();

private:
    BackoffPolicy policy_;
    std::mt19937_64 rng_;
    int attempts_ = 0;
};

// Retry-After: either delta-seconds ("120") or an HTTP-date. Returns the wait relative to `now`,
// clamped at zero; nullopt when absent or unparsable.
// Not libcurl's CURLINFO_RETRY_AFTER, on purpose: it answers 0 both for "no usable header" and
// for "retry now", so a garbled header would turn into an immediate retry instead of the
// back-off; and it measures an HTTP-date against the real wall clock in whole seconds, where this
// uses the caller's injected Clock (tests pin the waits) and rounds up so a retry is never early.
// The HTTP-date itself is parsed by libcurl (parse_http_date).
std::optional<Millis> parse_retry_after(std::string_view value, SystemTime now);

}  // namespace asset_sdk
