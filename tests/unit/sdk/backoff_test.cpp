#include <asset_sdk/backoff.h>
#include <asset_sdk/time_util.h>

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <vector>

using asset_sdk::Backoff;
using asset_sdk::BackoffPolicy;
using asset_sdk::Millis;
using asset_sdk::parse_retry_after;
using asset_sdk::SystemTime;

TEST_CASE("Backoff: each delay within [1ms, min(max, initial * 2^attempt)]") {
    const BackoffPolicy policy{Millis(100), Millis(3'000)};
    for (std::uint64_t seed = 1; seed <= 50; ++seed) {
        Backoff b(policy, seed);
        for (int attempt = 0; attempt < 12; ++attempt) {
            const std::int64_t ceiling = std::min<std::int64_t>(3'000, 100LL << attempt);
            const Millis d = b.next_delay();
            CAPTURE(seed);
            CAPTURE(attempt);
            CHECK(d >= Millis(1));
            CHECK(d.count() <= ceiling);
        }
    }
}

TEST_CASE("Backoff: full jitter actually spreads over the window and grows") {
    // Over many seeds the first delay spreads over (0, 100] and later ones reach past 1 s:
    // a constant or non-growing implementation fails this.
    const BackoffPolicy policy{Millis(100), Millis(3'000)};
    std::set<std::int64_t> first;
    std::int64_t max_fifth = 0;
    for (std::uint64_t seed = 0; seed < 200; ++seed) {
        Backoff b(policy, seed);
        first.insert(b.next_delay().count());
        for (int i = 0; i < 3; ++i) b.next_delay();
        max_fifth = std::max(max_fifth, b.next_delay().count());  // ceiling 1600 ms
    }
    CHECK(first.size() > 50);
    CHECK(*first.begin() < 20);
    CHECK(*first.rbegin() > 80);
    CHECK(max_fifth > 1'000);
    CHECK(max_fifth <= 1'600);
}

TEST_CASE("Backoff: deterministic for a seed, a new one restarts the sequence") {
    const BackoffPolicy policy{Millis(500), Millis(30'000)};
    Backoff a(policy, 42), b(policy, 42), c(policy, 43);
    std::vector<Millis> seq_a, seq_b, seq_c;
    for (int i = 0; i < 10; ++i) {
        seq_a.push_back(a.next_delay());
        seq_b.push_back(b.next_delay());
        seq_c.push_back(c.next_delay());
    }
    CHECK(seq_a == seq_b);
    CHECK(seq_a != seq_c);
    Backoff again(policy, 42);
    const Millis first = again.next_delay();
    CHECK(first == seq_a[0]);
    CHECK(first <= Millis(500));  // back to the first window
}

TEST_CASE("Backoff: huge attempt counts saturate at the cap without overflow") {
    Backoff b(BackoffPolicy{Millis(1), Millis(10'000)}, 7);
    Millis largest{0};
    for (int i = 0; i < 200; ++i) {
        const Millis d = b.next_delay();
        REQUIRE(d >= Millis(1));
        REQUIRE(d <= Millis(10'000));
        largest = std::max(largest, d);
    }
    CHECK(largest > Millis(5'000));
}

TEST_CASE("parse_retry_after: delta-seconds") {
    const SystemTime now = *asset_sdk::parse_iso8601("2024-05-01T12:00:00Z");
    CHECK(parse_retry_after("120", now) == Millis(120'000));
    CHECK(parse_retry_after("0", now) == Millis(0));
    CHECK(parse_retry_after(" 5 ", now) == Millis(5'000));
    CHECK(parse_retry_after("-3", now) == Millis(0));                      // clamped, not ignored
    CHECK(parse_retry_after("99999999999999999999999", now).has_value());  // saturates
}

TEST_CASE("parse_retry_after: HTTP-date relative to now") {
    const SystemTime now = *asset_sdk::parse_iso8601("2024-05-01T12:00:00Z");
    CHECK(parse_retry_after("Wed, 01 May 2024 12:00:30 GMT", now) == Millis(30'000));
    CHECK(parse_retry_after("Wed, 01 May 2024 11:59:00 GMT", now) == Millis(0));  // in the past
    CHECK(parse_retry_after("Wed, 01 May 2024 12:00:00 GMT", now) == Millis(0));
    // A sub-second `now` rounds the wait up so a retry never comes early.
    const SystemTime later = now + std::chrono::microseconds(250'500);
    CHECK(parse_retry_after("Wed, 01 May 2024 12:00:01 GMT", later) == Millis(750));
}

TEST_CASE("parse_retry_after: junk is rejected") {
    const SystemTime now{};
    for (const std::string bad : {"", "   ", "soon", "1.5", "12abc", "-", "--1",
                                  "Wed, 01 May 2024 12:00:30", "2024-05-01T12:00:30Z"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_retry_after(bad, now));
    }
}
