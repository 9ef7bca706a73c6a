// Okta's rate limits as a budget shared with the org's other integrations (README.md "Rate limits
// and retries"): pace, keep a reserve, wait for the reset on 429, never hot-loop.
//
// Every response carries X-Rate-Limit-Limit / -Remaining / -Reset (Reset = UTC epoch seconds
// when the window ends). This class remembers the latest values and answers two questions:
//  - pacing_delay(): before a request, how long to wait so that `reserve` of the window stays
//    unused (we spend the window down to the reserve, then wait for the reset);
//  - delay_after_429(): after a 429, how long until the window resets.
// Both measure "until the reset" in the SERVER's frame: reset − Date of the same response, minus
// the local time elapsed since that response arrived. Clock skew between us and Okta cancels out;
// without a Date header the local clock is used. Repeated headers (Okta has sent duplicate
// X-Rate-Limit-Reset) are combined conservatively: the lowest limit and remaining, the latest
// reset. A 429 with Limit 0 and Remaining 0 is Okta's concurrency limit: no reset to wait for,
// so the caller backs off instead.
#pragma once

#include <asset_sdk/clock.h>
#include <asset_sdk/http_client.h>

#include <cstdint>
#include <optional>
#include <random>
#include <string>

namespace okta_device {

struct RateLimitHeaders {
    std::optional<std::int64_t> limit;
    std::optional<std::int64_t> remaining;
    std::optional<std::int64_t> reset_epoch_s;
    std::optional<asset_sdk::SystemTime> server_date;  // Date header

    bool is_concurrency_limit() const {
        return limit && remaining && *limit == 0 && *remaining == 0;
    }
};

// Parses the headers (every value of each; conservative combination as described above).
RateLimitHeaders read_rate_limit_headers(const asset_sdk::HttpResponse& response);

class RateLimiter {
public:
    // `reserve`: share of each window left unused (0..0.9). `seed` drives the jitter.
    RateLimiter(double reserve, asset_sdk::Clock& clock, std::uint64_t seed);

    // Remember the headers of a response that just arrived.
    void observe(const asset_sdk::HttpResponse& response);

    // A request was sent whose answer is read later (a prefetched page): it spends one request
    // of the window now, so pacing before any other request counts it even when its answer is
    // never read. Its answer's headers, once observed, replace the estimate.
    void count_sent();

    // Wait needed before the next request to keep the reserve; zero when there is room, when no
    // rate-limit headers were seen, or when the known window already ended.
    asset_sdk::Millis pacing_delay();

    // Wait after a 429: (Reset − Date) + 1 s + jitter in [0, 1 s), never negative. nullopt for
    // the concurrency limit or when Reset is missing: the caller uses exponential back-off.
    std::optional<asset_sdk::Millis> delay_after_429(const asset_sdk::HttpResponse& response);

    // "42/50 requests left in this window; resets in 31 s; this connector keeps 50% in
    // reserve" — for Test connector. Empty when no headers were seen.
    std::string headroom() const;

    const RateLimitHeaders& last() const { return last_; }
    std::int64_t reserve_requests() const;  // requests of the current window kept for others

    // Longest single wait we accept from a Reset header; a bigger value is treated as this.
    static constexpr asset_sdk::Millis kMaxSingleWait{5 * 60'000};

private:
    // Time until the window of the last response resets, in the server's frame; nullopt when
    // unknown.
    std::optional<asset_sdk::Millis> until_reset() const;
    asset_sdk::Millis jitter(asset_sdk::Millis max);

    double reserve_;
    asset_sdk::Clock& clock_;
    std::mt19937_64 rng_;
    RateLimitHeaders last_;
    asset_sdk::SteadyTime received_{};
    bool seen_ = false;
};

}  // namespace okta_device
