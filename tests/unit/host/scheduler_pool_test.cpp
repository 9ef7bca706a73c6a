// Scheduler, the bounded pool: never more than max_concurrent_cycles cycles at once, due
// connectors started in queue order (earliest due, then first queued), no starvation, no
// overlap per connector, reload and shutdown while the pool is full. Cycles are in-process
// stand-ins (scheduler_fixture.h) that block on gates the test opens.
#include "scheduler/due_queue.h"
#include "scheduler_fixture.h"

#include <condition_variable>

using namespace schedtest;
using asset_host::scheduler::DueQueue;

namespace {

// A gate cycles wait on until the test opens it (or their token is cancelled).
class Gate {
public:
    void open() {
        {
            std::lock_guard lock(mu_);
            open_ = true;
        }
        cv_.notify_all();
    }
    // Returns false when cancelled before the gate opened.
    bool wait(const CancelToken& cancel) {
        std::unique_lock lock(mu_);
        while (!open_) {
            if (cancel.cancelled()) return false;
            cv_.wait_for(lock, 2ms);
        }
        return true;
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    bool open_ = false;
};

Body behind(Gate& gate) {
    return [&gate](const CancelToken& cancel, int) {
        return gate.wait(cancel) ? CycleSummary::Outcome::kOk : CycleSummary::Outcome::kCancelled;
    };
}

std::vector<Manifest> numbered(int count, Millis every) {
    std::vector<Manifest> out;
    for (int i = 0; i < count; ++i) out.push_back(manifest("c" + std::to_string(i), every));
    return out;
}

int running_now(Journal& journal) {
    std::lock_guard lock(journal.mu);
    return journal.all_running;
}

}  // namespace

TEST_CASE("due queue: earliest due first, equal due times first in first out, re-queue") {
    DueQueue q;
    const SteadyTime t{};
    q.push("late", t + 5s);
    q.push("b", t);
    q.push("a", t);
    q.push("c", t + 1s);
    CHECK(q.size() == 4);
    CHECK(q.earliest() == t);
    CHECK(q.pop_due(t) == "b");
    CHECK(q.pop_due(t) == "a");
    CHECK_FALSE(q.pop_due(t).has_value());  // c is not due yet
    q.push("c", t);                         // re-queued: replaces its entry
    CHECK(q.size() == 2);
    CHECK(q.remove("late"));
    CHECK_FALSE(q.remove("late"));
    CHECK(q.pop_due(t + 1h) == "c");
    CHECK_FALSE(q.earliest().has_value());
}

TEST_CASE("once with a pool of 1: every connector runs once, in listing order") {
    asset_sdk::ManualClock clock;
    Journal journal;
    SchedulerOptions o;
    o.once = true;
    o.max_concurrent_cycles = 1;
    Scheduler scheduler(
        [] { return numbered(12, 20min); },
        factory(clock, journal, [&](const std::string&) { return takes(clock, 1s); }), clock, o);
    CancelSource shutdown;
    const SchedulerReport report = scheduler.run(shutdown.token());
    std::vector<std::string> expected;
    for (int i = 0; i < 12; ++i) expected.push_back("c" + std::to_string(i));
    CHECK(journal.order == expected);
    CHECK(journal.max_all_running == 1);
    CHECK(report.connectors.size() == 12);
    for (Millis s : clock.sleeps()) CHECK(s == 0ms);  // due at once: no waiting on the clock
}

TEST_CASE("never more than max_concurrent_cycles at once; the pool is used to its bound") {
    auto& clock = asset_sdk::SystemClock::instance();
    Journal journal;
    Gate gate;
    SchedulerOptions o;
    o.once = true;
    o.max_concurrent_cycles = 3;
    Scheduler scheduler([] { return numbered(10, 20min); },
                        factory(clock, journal, [&](const std::string&) { return behind(gate); }),
                        clock, o);
    CancelSource shutdown;
    SchedulerReport report;
    std::thread runner([&] { report = scheduler.run(shutdown.token()); });
    REQUIRE(wait_until([&] { return running_now(journal) == 3; }));
    std::this_thread::sleep_for(50ms);  // time enough for a fourth to start, if it could
    CHECK(running_now(journal) == 3);
    {
        std::lock_guard lock(journal.mu);
        CHECK(journal.order.size() == 3);
        // The first three queued (c0, c1, c2) hold the slots, in some order.
        CHECK(std::set<std::string>(journal.order.begin(), journal.order.end()) ==
              std::set<std::string>{"c0", "c1", "c2"});
    }
    gate.open();
    runner.join();
    CHECK(journal.max_all_running == 3);
    CHECK(journal.order.size() == 10);
    for (const auto& c : report.connectors) CHECK(c.cycles_ok == 1);
}

TEST_CASE("fair: a pool smaller than the connectors runs them all, in turn; none overlaps") {
    auto& clock = asset_sdk::SystemClock::instance();
    Journal journal;
    SchedulerOptions o = quiet(4);
    o.max_concurrent_cycles = 2;
    // Six connectors due every 10 ms, each cycle 5 ms: the pool cannot keep up, so who runs
    // next is the queue's choice. Each gets its four cycles, and the first round holds all six:
    // they are due at once, and a connector's next cycle is due 10 ms after its first ended.
    // Later rounds are not asserted: a next due time counts from the end of a cycle, so on a
    // loaded machine a cycle whose thread is held back past another's whole cycle (> 5 ms) is
    // due again later than that other's next one, and the queue rightly serves the other first.
    Scheduler scheduler([] { return numbered(6, 10ms); },
                        factory(clock, journal,
                                [](const std::string&) -> Body {
                                    return [](const CancelToken&, int) {
                                        std::this_thread::sleep_for(5ms);
                                        return CycleSummary::Outcome::kOk;
                                    };
                                }),
                        clock, o);
    CancelSource shutdown;
    const SchedulerReport report = scheduler.run(shutdown.token());
    REQUIRE(journal.order.size() == 24);
    CHECK(journal.max_all_running <= 2);
    const std::set<std::string> first_round(journal.order.begin(), journal.order.begin() + 6);
    CHECK(first_round.size() == 6);  // every connector before any runs twice: no starvation
    std::map<std::string, int> cycles;
    for (const std::string& name : journal.order) ++cycles[name];
    CHECK(cycles.size() == 6);
    for (const auto& [name, n] : cycles) CHECK(n == 4);
    for (const auto& [name, n] : journal.max_running) CHECK(n == 1);
    for (const auto& c : report.connectors) CHECK(c.cycles_ok == 4);
}

TEST_CASE("a slow connector holds only its own slot: the others keep cycling") {
    auto& clock = asset_sdk::SystemClock::instance();
    Journal journal;
    Gate slow_gate;
    SchedulerOptions o = quiet();
    o.max_concurrent_cycles = 2;
    auto body = [&](const std::string& name) -> Body {
        if (name == "slow") return behind(slow_gate);
        return [](const CancelToken&, int) { return CycleSummary::Outcome::kOk; };
    };
    Scheduler scheduler(
        [] {
            auto list = numbered(4, 10ms);
            list.insert(list.begin(), manifest("slow", 10ms));
            return list;
        },
        factory(clock, journal, body), clock, o);
    CancelSource shutdown;
    SchedulerReport report;
    std::thread runner([&] { report = scheduler.run(shutdown.token()); });
    REQUIRE(wait_until([&] {
        for (int i = 0; i < 4; ++i) {
            if (journal.cycles("c" + std::to_string(i)) < 5) return false;
        }
        return true;
    }));
    CHECK(journal.cycles("slow") == 1);  // still in its first cycle
    slow_gate.open();
    REQUIRE(wait_until([&] { return journal.cycles("slow") >= 2; }));
    shutdown.cancel();
    runner.join();
    CHECK(journal.max_all_running <= 2);
    for (const auto& [name, n] : journal.max_running) CHECK(n == 1);
}

TEST_CASE("reload while the pool is full: changes wait for the cycle, added ones for a slot") {
    auto& clock = asset_sdk::SystemClock::instance();
    Journal journal;
    Gate gate;
    std::mutex source_mu;
    std::vector<Manifest> listed{manifest("a", 1h, 1)};
    std::atomic<bool> reload_flag{false};
    SchedulerOptions o = quiet();
    o.max_concurrent_cycles = 1;
    o.take_reload_request = [&] { return reload_flag.exchange(false); };
    Scheduler scheduler(
        [&] {
            std::lock_guard lock(source_mu);
            return listed;
        },
        factory(clock, journal, [&](const std::string&) { return behind(gate); }), clock, o);
    CancelSource shutdown;
    std::thread runner([&] { scheduler.run(shutdown.token()); });
    REQUIRE(wait_until([&] { return journal.cycles("a") == 1; }));
    {
        std::lock_guard lock(source_mu);
        listed = {manifest("a", 1h, 2), manifest("b", 1h)};
    }
    reload_flag = true;
    scheduler.wake();
    REQUIRE(wait_until([&] { return !reload_flag.load(); }));
    std::this_thread::sleep_for(50ms);
    CHECK(journal.cycles("b") == 0);  // added, queued: the only slot is taken
    CHECK(journal.cycles("a") == 1);
    gate.open();  // a's cycle ends: a restarts with version 2, b gets its turn
    REQUIRE(wait_until([&] { return journal.cycles("a") == 2 && journal.cycles("b") == 1; }));
    shutdown.cancel();
    runner.join();
    CHECK(journal.versions["a"] == std::vector<int>{1, 2});
    CHECK(journal.max_all_running == 1);
    CHECK(journal.max_running["a"] == 1);
}

TEST_CASE("shutdown with a full pool: running cycles stop, queued connectors never start") {
    auto& clock = asset_sdk::SystemClock::instance();
    Journal journal;
    Gate never;
    SchedulerOptions o = quiet();
    o.max_concurrent_cycles = 2;
    Scheduler scheduler([] { return numbered(5, 1h); },
                        factory(clock, journal, [&](const std::string&) { return behind(never); }),
                        clock, o);
    CancelSource shutdown;
    SchedulerReport report;
    std::thread runner([&] { report = scheduler.run(shutdown.token()); });
    REQUIRE(wait_until([&] { return running_now(journal) == 2; }));
    const auto stop_at = std::chrono::steady_clock::now();
    shutdown.cancel();
    scheduler.wake();
    runner.join();
    CHECK(std::chrono::steady_clock::now() - stop_at < 2s);
    CHECK(journal.order.size() == 2);
    CHECK(find(report, "c0")->cycles_cancelled == 1);
    CHECK(find(report, "c1")->cycles_cancelled == 1);
    for (const char* queued : {"c2", "c3", "c4"}) {
        CAPTURE(queued);
        REQUIRE(find(report, queued) != nullptr);
        CHECK(find(report, queued)->cycles_ok + find(report, queued)->cycles_cancelled == 0);
    }
    CHECK_FALSE(report.any_failed());
}

TEST_CASE("on_idle: once the last running cycle ended and none is due, once per burst") {
    auto& clock = asset_sdk::SystemClock::instance();
    Journal journal;
    Gate gate;
    std::atomic<int> idle_calls{0};
    std::atomic<int> running_at_idle{-1};
    SchedulerOptions o = quiet();
    o.max_concurrent_cycles = 2;
    o.on_idle = [&] {
        running_at_idle = running_now(journal);
        ++idle_calls;
    };
    Scheduler scheduler([] { return numbered(3, std::chrono::hours(1)); },
                        factory(clock, journal, [&](const std::string&) { return behind(gate); }),
                        clock, o);
    CancelSource shutdown;
    SchedulerReport report;
    std::thread runner([&] { report = scheduler.run(shutdown.token()); });
    REQUIRE(wait_until([&] { return running_now(journal) == 2; }));
    CHECK(idle_calls == 0);  // every connector was due at once: never idle so far
    gate.open();
    REQUIRE(wait_until([&] { return idle_calls > 0; }));
    // Called after the third connector's cycle too (it waited for a slot), from nothing running.
    for (const char* name : {"c0", "c1", "c2"}) CHECK(journal.cycles(name) == 1);
    CHECK(running_at_idle == 0);
    std::this_thread::sleep_for(200ms);  // the loop keeps turning while idle: no second call
    CHECK(idle_calls == 1);
    shutdown.cancel();
    runner.join();
}
