#include <asset_sdk/clock.h>

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

using asset_sdk::ManualClock;
using asset_sdk::Millis;
using asset_sdk::SystemClock;
using asset_sdk::SystemTime;
using namespace std::chrono_literals;

TEST_CASE("ManualClock: time moves only on sleep and advance") {
    const SystemTime start = SystemTime(std::chrono::seconds(1'700'000'000));
    ManualClock clock(start);
    const auto steady0 = clock.steady_now();
    CHECK(clock.now() == start);
    CHECK(clock.now() == start);  // no drift between reads

    CHECK(clock.sleep_for(Millis(1500), {}));
    CHECK(clock.now() == start + 1500ms);
    CHECK(clock.steady_now() - steady0 == 1500ms);

    clock.advance(Millis(500));
    CHECK(clock.now() == start + 2s);
    CHECK(clock.steady_now() - steady0 == 2s);

    CHECK(clock.sleep_for(Millis(250), [] { return false; }));
    CHECK(clock.sleeps() == std::vector<Millis>{Millis(1500), Millis(250)});  // not advance()
    CHECK(clock.total_slept() == Millis(1750));
}

TEST_CASE("ManualClock: an already-cancelled sleep returns false without advancing") {
    ManualClock clock;
    const SystemTime before = clock.now();
    CHECK_FALSE(clock.sleep_for(Millis(10'000), [] { return true; }));
    CHECK(clock.now() == before);
    CHECK(clock.sleeps().empty());
    CHECK(clock.total_slept() == Millis(0));
}

TEST_CASE("ManualClock: the cancel check may read the clock (no self-deadlock)") {
    ManualClock clock;
    const SystemTime deadline = clock.now() + 3s;
    int sleeps = 0;
    while (clock.sleep_for(Millis(1000), [&] { return clock.now() >= deadline; })) ++sleeps;
    CHECK(sleeps == 3);
}

TEST_CASE("ManualClock: concurrent sleepers are all accounted for") {
    ManualClock clock;
    const SystemTime start = clock.now();
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 1000; ++i) (void)clock.sleep_for(Millis(1), {});
        });
    }
    for (auto& t : threads) t.join();
    CHECK(clock.sleeps().size() == 4000);
    CHECK(clock.now() - start == 4000ms);
}

TEST_CASE("SystemClock: sleeps the full duration when not cancelled") {
    auto& clock = SystemClock::instance();
    CHECK(&clock == &SystemClock::instance());
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(clock.sleep_for(Millis(120), [] { return false; }));
    const auto elapsed = std::chrono::steady_clock::now() - t0;
    CHECK(elapsed >= 120ms);
    CHECK(elapsed < 2s);
    CHECK(clock.sleep_for(Millis(0), {}));
    CHECK(clock.sleep_for(Millis(-5), {}));
}

TEST_CASE("SystemClock: cancellation is noticed promptly") {
    auto& clock = SystemClock::instance();
    CHECK_FALSE(clock.sleep_for(Millis(60'000), [] { return true; }));

    std::atomic<bool> stop{false};
    std::atomic<std::int64_t> cancelled_at_ns{0};
    std::thread canceller([&] {
        std::this_thread::sleep_for(150ms);
        cancelled_at_ns = std::chrono::steady_clock::now().time_since_epoch().count();
        stop = true;
    });
    const auto t0 = std::chrono::steady_clock::now();
    const bool completed = clock.sleep_for(Millis(60'000), [&] { return stop.load(); });
    const auto returned = std::chrono::steady_clock::now();
    canceller.join();
    CHECK_FALSE(completed);
    CHECK(returned - t0 >= 150ms);
    const auto latency =
        returned.time_since_epoch() - std::chrono::steady_clock::duration(cancelled_at_ns.load());
    CHECK(latency < 200ms);  // the interface promises ~50 ms; generous for loaded CI machines
}
