// Scheduler: timing with a ManualClock (start to start, overruns, back-off after failures,
// initial jitter, once), then concurrency, shutdown and reload with the real clock and short
// schedules. Connector runners are in-process stand-ins: the scheduler only sees the
// ConnectorRunner interface (delivery is tested in the other files).
#include "scheduler_fixture.h"

using namespace schedtest;

TEST_CASE("cycles start `every` apart, start to start") {
    asset_sdk::ManualClock clock;
    Journal journal;
    const SteadyTime t0 = clock.steady_now();
    Scheduler scheduler(
        [] { return std::vector<Manifest>{manifest("a", 20min)}; },
        factory(clock, journal, [&](const std::string&) { return takes(clock, 3min); }), clock,
        quiet(4));
    CancelSource shutdown;
    const SchedulerReport report = scheduler.run(shutdown.token());
    REQUIRE(journal.starts["a"].size() == 4);
    CHECK(journal.starts["a"][0] == t0);
    CHECK(gaps(journal.starts["a"]) == std::vector<Millis>{20min, 20min, 20min});
    CHECK(find(report, "a")->cycles_ok == 4);
    CHECK_FALSE(report.any_failed());
}

TEST_CASE("a cycle longer than `every` is followed at once, never overlapped") {
    asset_sdk::ManualClock clock;
    Journal journal;
    Scheduler scheduler(
        [] { return std::vector<Manifest>{manifest("a", 10min)}; },
        factory(clock, journal, [&](const std::string&) { return takes(clock, 15min); }), clock,
        quiet(3));
    CancelSource shutdown;
    scheduler.run(shutdown.token());
    CHECK(gaps(journal.starts["a"]) == std::vector<Millis>{15min, 15min});
    CHECK(journal.max_running["a"] == 1);
}

TEST_CASE("repeated failures back off, growing up to the cap; success resets it") {
    asset_sdk::ManualClock clock;
    Journal journal;
    SchedulerOptions o = quiet(8);
    o.failure_backoff_initial = 5min;
    o.failure_backoff_max = 40min;
    // Fails 6 times, then succeeds twice.
    auto body = [&](const std::string&) -> Body {
        return [&clock](const CancelToken&, int cycle) {
            clock.advance(10s);
            return cycle < 6 ? CycleSummary::Outcome::kFailed : CycleSummary::Outcome::kOk;
        };
    };
    Scheduler scheduler([] { return std::vector<Manifest>{manifest("a", 1min)}; },
                        factory(clock, journal, body), clock, o);
    CancelSource shutdown;
    const SchedulerReport report = scheduler.run(shutdown.token());
    const auto g = gaps(journal.starts["a"]);
    REQUIRE(g.size() == 7);
    const std::vector<Millis> ceilings{5min, 10min, 20min, 40min, 40min, 40min};
    for (std::size_t k = 0; k < 6; ++k) {
        CAPTURE(k);
        CHECK(g[k] >= 10s + ceilings[k] / 2);  // equal jitter: at least half the back-off
        CHECK(g[k] <= 10s + ceilings[k]);
        CHECK(g[k] >= 1min);  // never sooner than the schedule
    }
    CHECK(g[4] > g[0]);
    CHECK(g[6] == 1min);  // after a success: back on schedule
    CHECK(find(report, "a")->cycles_failed == 6);
    CHECK(find(report, "a")->cycles_ok == 2);
    CHECK(report.any_failed());
}

TEST_CASE("the first cycle waits a random initial jitter within its bound") {
    std::set<Millis> seen;
    for (std::uint64_t seed = 1; seed <= 8; ++seed) {
        for (const Millis every : {Millis(20min), Millis(10s)}) {
            asset_sdk::ManualClock clock;
            Journal journal;
            const SteadyTime t0 = clock.steady_now();
            SchedulerOptions o = quiet(1);
            o.max_initial_jitter = 30s;
            o.seed = seed;
            Scheduler scheduler(
                [every] { return std::vector<Manifest>{manifest("a", every)}; },
                factory(clock, journal, [&](const std::string&) { return takes(clock, 1s); }),
                clock, o);
            CancelSource shutdown;
            scheduler.run(shutdown.token());
            const Millis delay = std::chrono::duration_cast<Millis>(journal.starts["a"][0] - t0);
            CHECK(delay >= 0ms);
            CHECK(delay <= std::min(every, Millis(30s)));
            seen.insert(delay);
        }
    }
    CHECK(seen.size() > 4);  // really random
}

TEST_CASE("once: one cycle per connector, at once; a failure is reported") {
    asset_sdk::ManualClock clock;
    Journal journal;
    SchedulerOptions o;
    o.once = true;
    o.max_initial_jitter = 30s;  // ignored in once mode
    auto body = [&](const std::string& name) {
        return takes(clock, 1s,
                     name == "bad" ? CycleSummary::Outcome::kFailed : CycleSummary::Outcome::kOk);
    };
    Scheduler scheduler(
        [] {
            return std::vector<Manifest>{manifest("good", 20min), manifest("bad", 20min),
                                         manifest("off", 20min, 1, /*enabled=*/false)};
        },
        factory(clock, journal, body), clock, o);
    CancelSource shutdown;
    const SchedulerReport report = scheduler.run(shutdown.token());
    CHECK(journal.cycles("good") == 1);
    CHECK(journal.cycles("bad") == 1);
    CHECK(journal.cycles("off") == 0);
    CHECK(report.any_failed());
    CHECK(find(report, "good")->cycles_ok == 1);
    CHECK(find(report, "bad")->cycles_failed == 1);
    for (Millis s : clock.sleeps()) CHECK(s == 0ms);  // no jitter, no waiting
}

TEST_CASE("a connector that cannot be created is retried with back-off") {
    asset_sdk::ManualClock clock;
    Journal journal;
    int attempts = 0;
    auto inner = factory(clock, journal, [&](const std::string&) { return takes(clock, 1s); });
    auto flaky = [&](const Manifest& m,
                     const CancelToken& t) -> asset_sdk::Result<std::unique_ptr<ConnectorRunner>> {
        if (++attempts == 1) return asset_sdk::not_found("secret file missing");
        return inner(m, t);
    };
    SchedulerOptions o = quiet(3);
    o.failure_backoff_initial = 2min;
    Scheduler scheduler([] { return std::vector<Manifest>{manifest("a", 1min)}; }, flaky, clock, o);
    CancelSource shutdown;
    const SchedulerReport report = scheduler.run(shutdown.token());
    CHECK(attempts == 2);  // the runner is kept once created
    CHECK(find(report, "a")->cycles_failed == 1);
    CHECK(find(report, "a")->cycles_ok == 2);
    REQUIRE(journal.starts["a"].size() == 2);
}

TEST_CASE("no enabled manifest, duplicate names, unreadable manifests") {
    asset_sdk::ManualClock clock;
    Journal journal;
    auto body = [&](const std::string&) { return takes(clock, 1s); };
    {
        Scheduler scheduler(
            [] {
                return std::vector<Manifest>{manifest("a", 1min, 1), manifest("a", 1min, 2)};
            },
            factory(clock, journal, body), clock, quiet(1));
        CancelSource shutdown;
        scheduler.run(shutdown.token());
        CHECK(journal.versions["a"] == std::vector<int>{1});  // the first one only
    }
    {
        Scheduler scheduler(
            []() -> asset_sdk::Result<std::vector<Manifest>> {
                return asset_sdk::io_error("cannot list manifests/");
            },
            factory(clock, journal, body), clock, quiet(1));
        CancelSource shutdown;
        const SchedulerReport report = scheduler.run(shutdown.token());
        CHECK(report.status.code() == asset_sdk::StatusCode::kIo);
    }
}

TEST_CASE("one connector stuck in a cycle never stalls the others; shutdown stops both") {
    auto& clock = asset_sdk::SystemClock::instance();
    Journal journal;
    auto body = [&](const std::string& name) -> Body {
        if (name == "stuck") {
            return [](const CancelToken& cancel, int) {
                while (!cancel.cancelled()) std::this_thread::sleep_for(2ms);
                return CycleSummary::Outcome::kCancelled;
            };
        }
        return [](const CancelToken&, int) {
            return CycleSummary::Outcome::kFailed;  // failing fast, too: still no hot loop
        };
    };
    SchedulerOptions o = quiet();
    o.failure_backoff_initial = 1ms;
    o.failure_backoff_max = 2ms;
    Scheduler scheduler(
        [] {
            return std::vector<Manifest>{manifest("stuck", 20ms), manifest("busy", 20ms)};
        },
        factory(clock, journal, body), clock, o);
    CancelSource shutdown;
    SchedulerReport report;
    std::thread runner([&] { report = scheduler.run(shutdown.token()); });
    CHECK(wait_until([&] { return journal.cycles("busy") >= 5; }));
    const auto busy_before = journal.cycles("busy");
    std::this_thread::sleep_for(100ms);
    // 20 ms apart at least: ~5 more in 100 ms, certainly not a hot loop.
    CHECK(journal.cycles("busy") - busy_before <= 7);
    const auto stop_at = std::chrono::steady_clock::now();
    shutdown.cancel();
    scheduler.wake();
    runner.join();
    CHECK(std::chrono::steady_clock::now() - stop_at < 2s);
    CHECK(journal.cycles("stuck") == 1);
    CHECK(find(report, "stuck")->cycles_cancelled == 1);
    CHECK(find(report, "busy")->cycles_failed >= 5);
    CHECK(journal.max_running["busy"] == 1);
}

TEST_CASE("shutdown interrupts the wait for the next slot at once") {
    auto& clock = asset_sdk::SystemClock::instance();
    Journal journal;
    Scheduler scheduler([] { return std::vector<Manifest>{manifest("a", 1h)}; },
                        factory(clock, journal,
                                [](const std::string&) -> Body {
                                    return [](const CancelToken&, int) {
                                        return CycleSummary::Outcome::kOk;
                                    };
                                }),
                        clock, quiet());
    CancelSource shutdown;
    SchedulerReport report;
    std::thread runner([&] { report = scheduler.run(shutdown.token()); });
    REQUIRE(wait_until([&] { return journal.cycles("a") == 1; }));
    std::this_thread::sleep_for(50ms);
    const auto stop_at = std::chrono::steady_clock::now();
    shutdown.cancel();
    runner.join();
    CHECK(std::chrono::steady_clock::now() - stop_at < 1s);
    CHECK(find(report, "a")->cycles_ok == 1);
    CHECK_FALSE(report.any_failed());
}

TEST_CASE("reload: added connectors start, changed ones restart after their cycle, removed stop") {
    auto& clock = asset_sdk::SystemClock::instance();
    Journal journal;
    std::mutex source_mu;
    std::vector<Manifest> listed{manifest("a", 20ms, 1)};
    std::atomic<bool> reload_flag{false};
    auto body = [](const std::string&) -> Body {
        return [](const CancelToken&, int) {
            std::this_thread::sleep_for(5ms);
            return CycleSummary::Outcome::kOk;
        };
    };
    SchedulerOptions o = quiet();
    o.take_reload_request = [&] { return reload_flag.exchange(false); };
    Scheduler scheduler(
        [&] {
            std::lock_guard lock(source_mu);
            return listed;
        },
        factory(clock, journal, body), clock, o);
    CancelSource shutdown;
    std::thread runner([&] { scheduler.run(shutdown.token()); });
    auto reload = [&](std::vector<Manifest> next) {
        {
            std::lock_guard lock(source_mu);
            listed = std::move(next);
        }
        reload_flag = true;
        scheduler.wake();
    };
    REQUIRE(wait_until([&] { return journal.cycles("a") >= 2; }));

    // Unchanged manifest: nothing restarts.
    reload({manifest("a", 20ms, 1)});
    std::this_thread::sleep_for(100ms);
    CHECK(journal.versions["a"] == std::vector<int>{1});

    // "a" changed, "b" added.
    reload({manifest("a", 20ms, 2), manifest("b", 20ms)});
    REQUIRE(wait_until([&] {
        std::lock_guard lock(journal.mu);
        return journal.versions["a"].size() == 2 && journal.starts["b"].size() >= 2;
    }));
    CHECK(journal.versions["a"] == std::vector<int>{1, 2});

    // "a" removed.
    reload({manifest("b", 20ms)});
    std::this_thread::sleep_for(150ms);  // let the removal take effect
    const auto a_cycles = journal.cycles("a");
    const auto b_cycles = journal.cycles("b");
    std::this_thread::sleep_for(150ms);
    CHECK(journal.cycles("a") == a_cycles);  // stopped
    CHECK(journal.cycles("b") > b_cycles);   // still running

    shutdown.cancel();
    runner.join();
    CHECK(journal.max_running["a"] == 1);  // the restart never overlapped the old cycle
    CHECK(journal.max_running["b"] == 1);
}

TEST_CASE("schedule policy and manifest diff") {
    using namespace asset_host::scheduler;
    SchedulePolicy p;
    p.every = 1min;
    p.failure_backoff_initial = 30s;
    p.failure_backoff_max = 4min;
    std::mt19937_64 rng(3);
    for (int n = 1; n <= 8; ++n) {
        const Millis ceiling = std::min<Millis>(30s * (1 << (n - 1)), 4min);
        const Millis d = failure_backoff(p, n, rng);
        CHECK(d >= ceiling / 2);
        CHECK(d <= ceiling);
    }
    const SteadyTime t{};
    bool overran = true;
    CHECK(next_start(p, t, t + 10s, 0, rng, &overran) == t + 1min);
    CHECK_FALSE(overran);
    CHECK(next_start(p, t, t + 90s, 0, rng, &overran) == t + 90s);
    CHECK(overran);

    Manifest a = manifest("a", 1min, 1);
    Manifest b = manifest("b", 1min);
    Manifest a2 = a;
    CHECK(same_manifest(a, a2));
    a2.destination.sekoia.api_key = "rotated";
    CHECK_FALSE(same_manifest(a, a2));
    const ManifestDiff d = diff_manifests({a, b}, {a2, manifest("c", 1min)});
    REQUIRE(d.added.size() == 1);
    CHECK(d.added[0].name == "c");
    CHECK(d.removed == std::vector<std::string>{"b"});
    REQUIRE(d.changed.size() == 1);
    CHECK(d.changed[0].destination.sekoia.api_key == "rotated");
}
