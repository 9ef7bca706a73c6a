// Okta-style fixed-window rate limit for /api/v1/*: `limit` requests per window; windows are
// anchored when the limiter is (re)configured, on the real clock. Not thread-safe: the caller
// holds the simulator's control lock.
#pragma once

#include <cstdint>

#include "device_model.h"

namespace oktasim {

class RateLimiter {
public:
    struct Decision {
        bool allowed = true;
        int64_t limit = 0;
        int64_t remaining = 0;
        int64_t window_end_ms = 0;  // real clock; headers add the skew
    };

    void configure(int64_t limit, int64_t window_ms, int64_t now_ms);
    // Counts one request in the current window.
    Decision consume(int64_t now_ms);
    // Current window state without counting.
    Decision peek(int64_t now_ms);

    void clear_stats() { rejected_ = 0; }
    Json to_json(int64_t now_ms, int64_t skew_ms);

private:
    void roll(int64_t now_ms);

    int64_t limit_ = 600;
    int64_t window_ms_ = 60'000;
    int64_t anchor_ms_ = 0;
    int64_t window_start_ms_ = 0;
    int64_t used_ = 0;
    uint64_t rejected_ = 0;
};

// X-Rate-Limit-Reset value: epoch SECONDS, rounded up so a client sleeping until it never
// comes back before the window really ends.
int64_t reset_header_seconds(int64_t window_end_real_ms, int64_t skew_ms);

}  // namespace oktasim
