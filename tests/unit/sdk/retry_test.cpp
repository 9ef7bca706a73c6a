#include <asset_sdk/retry.h>

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

using asset_sdk::AttemptResult;
using asset_sdk::ManualClock;
using asset_sdk::Millis;
using asset_sdk::Retrier;
using asset_sdk::RetryEnd;
using asset_sdk::RetryPolicy;
using namespace std::chrono_literals;

namespace {

RetryPolicy policy(Millis budget, Millis initial = 100ms, Millis max = 1'600ms) {
    return RetryPolicy{budget, {initial, max}};
}

// An attempt that fails `failures` times, then succeeds.
std::function<AttemptResult()> fails_then_succeeds(int failures) {
    return [failures, calls = 0]() mutable {
        return ++calls > failures ? AttemptResult::finished() : AttemptResult::retry();
    };
}

// An attempt that asks for `wait` once, then succeeds.
std::function<AttemptResult()> waits_once(Millis wait) {
    return [wait, calls = 0]() mutable {
        return ++calls == 1 ? AttemptResult::retry(wait) : AttemptResult::finished();
    };
}

}  // namespace

TEST_CASE("Retrier: a final first attempt neither waits nor retries") {
    ManualClock clock;
    Retrier retrier(clock, policy(10s), 1);
    int before_wait_calls = 0;
    CHECK(retrier.run(fails_then_succeeds(0), [&](Millis) { ++before_wait_calls; }) ==
          RetryEnd::kDone);
    CHECK(retrier.attempts() == 1);
    CHECK(before_wait_calls == 0);
    CHECK(clock.sleeps().empty());
}

TEST_CASE("Retrier: back-off waits stay within the doubling, capped jitter window") {
    for (std::uint64_t seed = 1; seed <= 30; ++seed) {
        ManualClock clock;
        Retrier retrier(clock, policy(1h), seed);
        std::vector<Millis> announced;
        CHECK(retrier.run(fails_then_succeeds(8), [&](Millis w) { announced.push_back(w); }) ==
              RetryEnd::kDone);
        CHECK(retrier.attempts() == 9);
        const auto sleeps = clock.sleeps();
        REQUIRE(sleeps.size() == 8);
        CHECK(sleeps == announced);  // before_wait sees exactly the wait that follows
        for (std::size_t i = 0; i < sleeps.size(); ++i) {
            CAPTURE(seed);
            CAPTURE(i);
            CHECK(sleeps[i] >= 1ms);
            CHECK(sleeps[i] <= std::min<Millis>(1'600ms, Millis(100LL << i)));
        }
    }
}

TEST_CASE("Retrier: gives up, without waiting, when the next wait would pass the budget") {
    ManualClock clock;
    Retrier retrier(clock, policy(10s, 1s, 4s), 7);
    int before_wait_calls = 0;
    const RetryEnd end =
        retrier.run([] { return AttemptResult::retry(); }, [&](Millis) { ++before_wait_calls; });
    CHECK(end == RetryEnd::kOutOfBudget);
    CHECK(clock.total_slept() <= 10s);
    CHECK(clock.total_slept() + retrier.last_wait() > 10s);  // the refused wait did not fit
    CHECK(retrier.elapsed() == clock.total_slept());
    CHECK(retrier.attempts() == before_wait_calls + 1);
    CHECK(retrier.attempts() >= 3);  // each wait is at most 4 s
    CHECK(retrier.budget() == 10s);
}

TEST_CASE("Retrier: a server delay replaces the back-off and is waited exactly") {
    for (const Millis delay : {Millis(7s), Millis(1min)}) {  // 1 min ends exactly at the budget
        ManualClock clock;
        Retrier retrier(clock, policy(1min), 3);
        CHECK(retrier.run(waits_once(delay)) == RetryEnd::kDone);
        CHECK(clock.sleeps() == std::vector<Millis>{delay});
    }
}

TEST_CASE("Retrier: a server delay beyond the remaining budget fails at once") {
    ManualClock clock;
    Retrier retrier(clock, policy(1min), 3);
    int before_wait_calls = 0;
    CHECK(retrier.run([] { return AttemptResult::retry(1h); },
                      [&](Millis) { ++before_wait_calls; }) == RetryEnd::kOutOfBudget);
    CHECK(retrier.attempts() == 1);
    CHECK(retrier.last_wait() == 1h);
    CHECK(before_wait_calls == 0);
    CHECK(clock.sleeps().empty());

    // What is left counts, not the whole budget: 40 s spent, a 30 s delay no longer fits ...
    ManualClock later;
    Retrier spent(later, policy(1min), 3);
    later.advance(40s);
    CHECK(spent.run([] { return AttemptResult::retry(30s); }) == RetryEnd::kOutOfBudget);
    CHECK(later.sleeps().empty());
}

TEST_CASE("Retrier: a negative server delay means no wait, not a back-off") {
    ManualClock clock;
    Retrier retrier(clock, policy(1min), 3);
    CHECK(retrier.run(waits_once(-5s)) == RetryEnd::kDone);
    CHECK(retrier.attempts() == 2);
    CHECK(clock.total_slept() == 0ms);
}

TEST_CASE("Retrier: cancellation ends the loop during a wait, with no further attempt") {
    SUBCASE("cancelled before the wait (ManualClock)") {
        ManualClock clock;
        bool cancel = false;
        Retrier retrier(clock, policy(1h), 5, [&] { return cancel; });
        const RetryEnd end = retrier.run([&] {
            cancel = true;  // e.g. SIGTERM arrived while the request was in flight
            return AttemptResult::retry();
        });
        CHECK(end == RetryEnd::kCancelled);
        CHECK(retrier.attempts() == 1);
        CHECK(clock.sleeps().empty());
    }
    SUBCASE("cancelled in the middle of a long wait (real clock)") {
        std::atomic<bool> stop{false};
        Retrier retrier(asset_sdk::SystemClock::instance(), policy(1h), 5,
                        [&] { return stop.load(); });
        // t0 before the canceller starts: its 100 ms must lie inside the measured span (read
        // after the thread started, t0 missed the start of its sleep and `took` could be 99.9 ms).
        const auto t0 = std::chrono::steady_clock::now();
        std::thread canceller([&] {
            std::this_thread::sleep_for(100ms);
            stop = true;
        });
        const RetryEnd end = retrier.run([] { return AttemptResult::retry(10min); });
        const auto took = std::chrono::steady_clock::now() - t0;
        canceller.join();
        CHECK(end == RetryEnd::kCancelled);
        CHECK(retrier.attempts() == 1);
        CHECK(took >= 100ms);
        CHECK(took < 5s);  // the clock polls the check every ~20 ms
    }
}

TEST_CASE("Retrier: the injected clock makes the waits deterministic and instant") {
    const auto waits_for_seed = [](std::uint64_t seed) {
        ManualClock clock;
        Retrier retrier(clock, policy(30s, 500ms, 8s), seed);
        CHECK(retrier.run([] { return AttemptResult::retry(); }) == RetryEnd::kOutOfBudget);
        CHECK(retrier.elapsed() == clock.total_slept());  // time moved only by the waits
        return clock.sleeps();
    };
    const auto t0 = std::chrono::steady_clock::now();
    const auto a = waits_for_seed(42);
    CHECK(a == waits_for_seed(42));
    CHECK(a != waits_for_seed(43));
    CHECK(std::chrono::steady_clock::now() - t0 < 5s);  // 30 s of retries, no real sleeping
}

TEST_CASE("Retrier: an injected sleep receives each wait and can cancel") {
    ManualClock clock;
    std::vector<Millis> slept;
    Retrier retrier(clock, policy(1min), 9, [&](Millis w) {
        slept.push_back(w);
        clock.advance(w);
        return slept.size() < 2;  // the second wait is interrupted
    });
    CHECK(retrier.run([] { return AttemptResult::retry(3s); }) == RetryEnd::kCancelled);
    CHECK(slept == std::vector<Millis>{3s, 3s});
    CHECK(retrier.attempts() == 2);
    CHECK(retrier.elapsed() == 6s);
}
