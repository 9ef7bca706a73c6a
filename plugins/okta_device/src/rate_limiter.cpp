#include "rate_limiter.h"

#include <asset_sdk/text.h>
#include <asset_sdk/time_util.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace okta_device {

namespace {

using asset_sdk::Millis;

// Each header value may itself be a comma-joined list when a proxy merged repeats.
template <typename Combine>
std::optional<std::int64_t> read_int_header(const asset_sdk::HttpResponse& response,
                                            std::string_view name, Combine combine) {
    std::optional<std::int64_t> out;
    for (std::string_view value : response.header_values(name)) {
        while (!value.empty()) {
            const std::size_t comma = value.find(',');
            const std::string_view part = asset_sdk::trim(value.substr(0, comma));
            value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
            std::int64_t n = 0;
            const auto res = std::from_chars(part.data(), part.data() + part.size(), n);
            if (res.ec != std::errc() || res.ptr != part.data() + part.size() || n < 0) continue;
            out = out ? combine(*out, n) : n;
        }
    }
    return out;
}

}  // namespace

RateLimitHeaders read_rate_limit_headers(const asset_sdk::HttpResponse& response) {
    RateLimitHeaders h;
    const auto lower = [](std::int64_t a, std::int64_t b) { return std::min(a, b); };
    const auto later = [](std::int64_t a, std::int64_t b) { return std::max(a, b); };
    h.limit = read_int_header(response, "x-rate-limit-limit", lower);
    h.remaining = read_int_header(response, "x-rate-limit-remaining", lower);
    h.reset_epoch_s = read_int_header(response, "x-rate-limit-reset", later);
    if (auto date = response.header("date")) h.server_date = asset_sdk::parse_http_date(*date);
    return h;
}

RateLimiter::RateLimiter(double reserve, asset_sdk::Clock& clock, std::uint64_t seed)
    : reserve_(std::clamp(reserve, 0.0, 0.9)), clock_(clock), rng_(seed) {}

void RateLimiter::observe(const asset_sdk::HttpResponse& response) {
    RateLimitHeaders h = read_rate_limit_headers(response);
    if (!h.limit && !h.remaining && !h.reset_epoch_s) return;  // not a rate-limited endpoint
    last_ = h;
    received_ = clock_.steady_now();
    seen_ = true;
}

void RateLimiter::count_sent() {
    if (last_.remaining && *last_.remaining > 0) --*last_.remaining;
}

std::int64_t RateLimiter::reserve_requests() const {
    if (!last_.limit || *last_.limit <= 0) return 0;
    return static_cast<std::int64_t>(std::ceil(static_cast<double>(*last_.limit) * reserve_));
}

std::optional<Millis> RateLimiter::until_reset() const {
    if (!seen_ || !last_.reset_epoch_s) return std::nullopt;
    const std::int64_t reset_ms = *last_.reset_epoch_s * 1000;
    if (last_.server_date) {
        const auto elapsed = std::chrono::duration_cast<Millis>(clock_.steady_now() - received_);
        return Millis(reset_ms - asset_sdk::to_epoch_millis(*last_.server_date)) - elapsed;
    }
    return Millis(reset_ms - asset_sdk::to_epoch_millis(clock_.now()));
}

Millis RateLimiter::jitter(Millis max) {
    if (max.count() <= 0) return Millis(0);
    std::uniform_int_distribution<std::int64_t> dist(0, max.count() - 1);
    return Millis(dist(rng_));
}

Millis RateLimiter::pacing_delay() {
    if (!seen_ || !last_.limit || !last_.remaining || *last_.limit <= 0) return Millis(0);
    if (*last_.remaining > reserve_requests()) return Millis(0);
    const auto until = until_reset();
    if (!until) return Millis(0);
    // Reset and Date have one-second resolution: one extra second makes sure the window has
    // really turned over when we send again. A small jitter keeps several connectors of the
    // same org from waking in the same millisecond.
    const Millis wait = *until + Millis(1000);
    if (wait.count() <= 0) return Millis(0);  // that window is over
    return std::min(wait + jitter(Millis(250)), kMaxSingleWait);
}

std::optional<Millis> RateLimiter::delay_after_429(const asset_sdk::HttpResponse& response) {
    const RateLimitHeaders h = read_rate_limit_headers(response);
    if (h.is_concurrency_limit() || !h.reset_epoch_s) return std::nullopt;
    const std::int64_t now_ms = h.server_date ? asset_sdk::to_epoch_millis(*h.server_date)
                                              : asset_sdk::to_epoch_millis(clock_.now());
    const Millis until(std::max<std::int64_t>(0, *h.reset_epoch_s * 1000 - now_ms));
    return std::min(until + Millis(1000) + jitter(Millis(1000)), kMaxSingleWait);
}

std::string RateLimiter::headroom() const {
    if (!seen_ || !last_.limit || !last_.remaining) return {};
    std::string out = std::to_string(*last_.remaining) + "/" + std::to_string(*last_.limit) +
                      " requests left in this window";
    if (auto until = until_reset()) {
        const auto secs = std::max<std::int64_t>(0, (until->count() + 999) / 1000);
        out += "; resets in " + std::to_string(secs) + " s";
    }
    const int pct = static_cast<int>(std::lround(reserve_ * 100));
    out += "; this connector keeps " + std::to_string(pct) + "% in reserve";
    if (reserve_requests() > 0) {
        out += " (" + std::to_string(reserve_requests()) + " requests) for other integrations";
    }
    return out;
}

}  // namespace okta_device
