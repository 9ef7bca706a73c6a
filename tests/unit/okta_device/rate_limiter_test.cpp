// Rate-limit math with a ManualClock: pacing that keeps the reserve, 429 waits from Reset and a
// skewed Date, duplicate headers, the concurrency limit, and cancellation of a wait.
#include "rate_limiter.h"
#include <asset_host/recording_host.hpp>
#include "config.h"
#include "okta_client.h"

#include <asset_sdk/clock.h>
#include <asset_sdk/http_client.h>
#include <asset_sdk/time_util.h>

#include <doctest/doctest.h>

#include <string>

using asset_sdk::ManualClock;
using asset_sdk::Millis;
using asset_sdk::SystemTime;
using okta_device::RateLimiter;

namespace {

std::string http_date(SystemTime t) {
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

std::int64_t epoch_s(SystemTime t) {
    return asset_sdk::to_epoch_millis(t) / 1000;
}

// A response as Okta would send it, stamped by a server whose clock is `server_now`.
asset_sdk::HttpResponse response(long status, std::int64_t limit, std::int64_t remaining,
                                 std::int64_t reset_s, SystemTime server_now) {
    asset_sdk::HttpResponse r;
    r.status = status;
    r.headers = {{"date", http_date(server_now)},
                 {"x-rate-limit-limit", std::to_string(limit)},
                 {"x-rate-limit-remaining", std::to_string(remaining)},
                 {"x-rate-limit-reset", std::to_string(reset_s)}};
    return r;
}

// A whole-second start so Date (second resolution) is exact.
const SystemTime kStart = SystemTime(std::chrono::seconds(1'700'000'000));

}  // namespace

TEST_CASE("headers: repeats and comma-joined values combine conservatively") {
    asset_sdk::HttpResponse r;
    r.headers = {{"x-rate-limit-limit", "100"},
                 {"x-rate-limit-limit", "50"},
                 {"x-rate-limit-remaining", "40, 12"},
                 {"x-rate-limit-reset", "1700000030"},
                 {"x-rate-limit-reset", "1700000090"},
                 {"x-rate-limit-reset", "junk"},
                 {"date", "Tue, 14 Nov 2023 22:13:20 GMT"}};
    const auto h = okta_device::read_rate_limit_headers(r);
    REQUIRE(h.limit);
    CHECK(*h.limit == 50);
    CHECK(*h.remaining == 12);
    CHECK(*h.reset_epoch_s == 1700000090);  // the later reset: waiting for it is always safe
    REQUIRE(h.server_date);
    CHECK(epoch_s(*h.server_date) == 1'700'000'000);
    CHECK_FALSE(h.is_concurrency_limit());
}

TEST_CASE("pacing: no wait while the window has more than the reserve left") {
    ManualClock clock(kStart);
    RateLimiter rl(0.5, clock, 1);
    CHECK(rl.pacing_delay() == Millis(0));  // nothing seen yet
    rl.observe(response(200, 50, 26, epoch_s(kStart) + 40, kStart));
    CHECK(rl.reserve_requests() == 25);
    CHECK(rl.pacing_delay() == Millis(0));
}

TEST_CASE("pacing: at the reserve, wait until the reset (server frame) + 1 s + small jitter") {
    ManualClock clock(kStart);
    RateLimiter rl(0.5, clock, 7);
    rl.observe(response(200, 50, 25, epoch_s(kStart) + 30, kStart));
    const Millis d = rl.pacing_delay();
    CHECK(d >= Millis(31'000));
    CHECK(d < Millis(31'250));
    // Time already spent since the response counts.
    clock.advance(Millis(10'000));
    const Millis later = rl.pacing_delay();
    CHECK(later >= Millis(21'000));
    CHECK(later < Millis(21'250));
    // Once the window is over, no wait.
    clock.advance(Millis(22'000));
    CHECK(rl.pacing_delay() == Millis(0));
}

TEST_CASE("pacing uses the server's clock: a skewed local clock changes nothing") {
    // Our clock runs one hour behind Okta's.
    ManualClock clock(kStart - std::chrono::hours(1));
    RateLimiter rl(0.5, clock, 3);
    rl.observe(response(200, 50, 10, epoch_s(kStart) + 20, kStart));
    const Millis d = rl.pacing_delay();
    CHECK(d >= Millis(21'000));
    CHECK(d < Millis(21'250));
}

TEST_CASE("pacing with reserve 0 uses the whole window") {
    ManualClock clock(kStart);
    RateLimiter rl(0.0, clock, 3);
    rl.observe(response(200, 50, 1, epoch_s(kStart) + 20, kStart));
    CHECK(rl.pacing_delay() == Millis(0));
    rl.observe(response(200, 50, 0, epoch_s(kStart) + 20, kStart));
    CHECK(rl.pacing_delay() >= Millis(21'000));
}

TEST_CASE("pacing never waits longer than the cap, whatever Reset says") {
    ManualClock clock(kStart);
    RateLimiter rl(0.5, clock, 3);
    rl.observe(response(200, 50, 0, epoch_s(kStart) + 86'400, kStart));
    CHECK(rl.pacing_delay() == RateLimiter::kMaxSingleWait);
}

TEST_CASE("429: wait = Reset − Date + 1 s + jitter in [0, 1 s)") {
    ManualClock clock(kStart);
    RateLimiter rl(0.5, clock, 11);
    const auto r = response(429, 50, 0, epoch_s(kStart) + 5, kStart);
    for (int i = 0; i < 20; ++i) {
        const auto d = rl.delay_after_429(r);
        REQUIRE(d);
        CHECK(*d >= Millis(6'000));
        CHECK(*d < Millis(7'000));
    }
}

TEST_CASE("429 with a Date far from our clock: skew-corrected") {
    // Local clock 10 minutes ahead of Okta: naive reset − local_now would be negative.
    ManualClock clock(kStart + std::chrono::minutes(10));
    RateLimiter rl(0.5, clock, 11);
    const auto d = rl.delay_after_429(response(429, 50, 0, epoch_s(kStart) + 8, kStart));
    REQUIRE(d);
    CHECK(*d >= Millis(9'000));
    CHECK(*d < Millis(10'000));
    // Local clock 10 minutes behind: naive would wait 10 minutes.
    ManualClock behind(kStart - std::chrono::minutes(10));
    RateLimiter rl2(0.5, behind, 11);
    const auto d2 = rl2.delay_after_429(response(429, 50, 0, epoch_s(kStart) + 8, kStart));
    REQUIRE(d2);
    CHECK(*d2 < Millis(10'000));
}

TEST_CASE("429 with a Reset already past: never negative") {
    ManualClock clock(kStart);
    RateLimiter rl(0.5, clock, 11);
    const auto d = rl.delay_after_429(response(429, 50, 0, epoch_s(kStart) - 30, kStart));
    REQUIRE(d);
    CHECK(*d >= Millis(1'000));
    CHECK(*d < Millis(2'000));
}

TEST_CASE("429 without Date falls back to the local clock") {
    ManualClock clock(kStart);
    RateLimiter rl(0.5, clock, 11);
    auto r = response(429, 50, 0, epoch_s(kStart) + 3, kStart);
    std::erase_if(r.headers, [](const auto& h) { return h.first == "date"; });
    const auto d = rl.delay_after_429(r);
    REQUIRE(d);
    CHECK(*d >= Millis(4'000));
    CHECK(*d < Millis(5'000));
}

TEST_CASE("429 with duplicate Reset values waits for the later one") {
    ManualClock clock(kStart);
    RateLimiter rl(0.5, clock, 11);
    auto r = response(429, 50, 0, epoch_s(kStart) + 3, kStart);
    r.headers.emplace_back("x-rate-limit-reset", std::to_string(epoch_s(kStart) + 9));
    const auto d = rl.delay_after_429(r);
    REQUIRE(d);
    CHECK(*d >= Millis(10'000));
}

TEST_CASE("concurrency 429 (Limit 0, Remaining 0) and a 429 without Reset: back-off instead") {
    ManualClock clock(kStart);
    RateLimiter rl(0.5, clock, 11);
    CHECK_FALSE(rl.delay_after_429(response(429, 0, 0, epoch_s(kStart) + 30, kStart)));
    asset_sdk::HttpResponse bare;
    bare.status = 429;
    CHECK_FALSE(rl.delay_after_429(bare));
}

TEST_CASE("headroom text for Test connector") {
    ManualClock clock(kStart);
    RateLimiter rl(0.5, clock, 11);
    CHECK(rl.headroom().empty());
    rl.observe(response(200, 50, 42, epoch_s(kStart) + 31, kStart));
    CHECK(rl.headroom() ==
          "42/50 requests left in this window; resets in 31 s; this connector keeps 50% in "
          "reserve (25 requests) for other integrations");
}

TEST_CASE("a wait stops at once when the host cancels") {
    auto cfg = okta_device::parse_config(R"({"base_url":"https://acme.okta.com","api_token":"t"})");
    REQUIRE(cfg.is_ok());
    ManualClock clock(kStart);
    asset_host::RecordingHost io;
    auto http = asset_sdk::make_curl_client({});
    auto auth = okta_device::OktaAuth::create(*cfg, *http, clock);
    REQUIRE(auth.is_ok());
    okta_device::OktaClient client(*cfg, *http, **auth, clock, io, 1);
    CHECK(client.wait(Millis(5'000)));
    CHECK(clock.total_slept() == Millis(5'000));
    io.cancel = true;
    CHECK_FALSE(client.wait(Millis(60'000)));
    CHECK(clock.total_slept() == Millis(5'000));  // not a millisecond more
    // get() does not even send a request once cancelled.
    const auto r = client.get("https://acme.okta.com/api/v1/devices");
    CHECK(r.status.code() == asset_sdk::StatusCode::kCancelled);
    CHECK(client.stats().requests == 0);
}
