#include "rate_limiter.h"

#include <algorithm>

namespace oktasim {

void RateLimiter::configure(int64_t limit, int64_t window_ms, int64_t now_ms) {
    limit_ = limit;
    window_ms_ = std::max<int64_t>(1, window_ms);
    anchor_ms_ = now_ms;
    window_start_ms_ = now_ms;
    used_ = 0;
}

void RateLimiter::roll(int64_t now_ms) {
    if (now_ms >= window_start_ms_ + window_ms_ || now_ms < window_start_ms_) {
        const int64_t elapsed = std::max<int64_t>(0, now_ms - anchor_ms_);
        window_start_ms_ = anchor_ms_ + elapsed / window_ms_ * window_ms_;
        used_ = 0;
    }
}

RateLimiter::Decision RateLimiter::consume(int64_t now_ms) {
    roll(now_ms);
    ++used_;
    Decision d;
    d.limit = limit_;
    d.allowed = used_ <= limit_;
    d.remaining = std::max<int64_t>(0, limit_ - used_);
    d.window_end_ms = window_start_ms_ + window_ms_;
    if (!d.allowed) ++rejected_;
    return d;
}

RateLimiter::Decision RateLimiter::peek(int64_t now_ms) {
    roll(now_ms);
    Decision d;
    d.limit = limit_;
    d.allowed = used_ < limit_;
    d.remaining = std::max<int64_t>(0, limit_ - used_);
    d.window_end_ms = window_start_ms_ + window_ms_;
    return d;
}

Json RateLimiter::to_json(int64_t now_ms, int64_t skew_ms) {
    const Decision d = peek(now_ms);
    return Json{{"limit", limit_},
                {"window_ms", window_ms_},
                {"used_in_window", used_},
                {"remaining", d.remaining},
                {"reset", reset_header_seconds(d.window_end_ms, skew_ms)},
                {"rejected_429", rejected_}};
}

int64_t reset_header_seconds(int64_t window_end_real_ms, int64_t skew_ms) {
    const int64_t ms = window_end_real_ms + skew_ms;
    return (ms + 999) / 1000;
}

}  // namespace oktasim
