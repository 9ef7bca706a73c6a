// What the scheduler tests share: manifests, in-process fake runners that journal every cycle
// (start time, overlap per connector and across connectors, order), and small helpers.
#pragma once

#include "scheduler/manifest_diff.h"
#include "scheduler/schedule_policy.h"
#include "scheduler/scheduler.h"

#include "eventually.h"

#include <asset_sdk/clock.h>

#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

using asset_host::CancelSource;
using asset_host::CancelToken;
using asset_host::Manifest;
using asset_host::cycle::CycleSummary;
using asset_host::scheduler::ConnectorRunner;
using asset_host::scheduler::Scheduler;
using asset_host::scheduler::SchedulerOptions;
using asset_host::scheduler::SchedulerReport;
using asset_sdk::Millis;
using asset_sdk::SteadyTime;
using namespace std::chrono_literals;

namespace schedtest {

inline Manifest manifest(const std::string& name, Millis every, int version = 1,
                         bool enabled = true) {
    Manifest m;
    m.name = name;
    m.plugin = "fake";
    m.enabled = enabled;
    m.schedule.every = every;
    m.config = {{"version", version}};
    return m;
}

// What the fake runners saw, per connector.
struct Journal {
    std::mutex mu;
    std::map<std::string, std::vector<SteadyTime>> starts;
    std::map<std::string, std::vector<int>> versions;  // config version of each runner created
    std::map<std::string, int> running;
    std::map<std::string, int> max_running;
    std::vector<std::string> order;  // every cycle start, in order
    int all_running = 0;             // cycles running now, all connectors
    int max_all_running = 0;

    void begin(const std::string& name, SteadyTime t) {
        std::lock_guard lock(mu);
        starts[name].push_back(t);
        max_running[name] = std::max(max_running[name], ++running[name]);
        order.push_back(name);
        max_all_running = std::max(max_all_running, ++all_running);
    }
    void end(const std::string& name) {
        std::lock_guard lock(mu);
        --running[name];
        --all_running;
    }
    std::size_t cycles(const std::string& name) {
        std::lock_guard lock(mu);
        return starts[name].size();
    }
};

// Each cycle: record the start, then `body` decides (and may advance the manual clock).
using Body = std::function<CycleSummary::Outcome(const CancelToken&, int cycle)>;

class FakeRunner final : public ConnectorRunner {
public:
    FakeRunner(std::string name, asset_sdk::Clock& clock, Journal& journal, Body body)
        : name_(std::move(name)), clock_(clock), journal_(journal), body_(std::move(body)) {}
    CycleSummary run_cycle(const CancelToken& cancel) override {
        journal_.begin(name_, clock_.steady_now());
        CycleSummary s;
        s.connector = name_;
        s.outcome = body_(cancel, cycle_++);
        if (s.outcome == CycleSummary::Outcome::kFailed) s.error = "test failure";
        journal_.end(name_);
        return s;
    }

private:
    std::string name_;
    asset_sdk::Clock& clock_;
    Journal& journal_;
    Body body_;
    int cycle_ = 0;
};

inline asset_host::scheduler::RunnerFactory factory(
    asset_sdk::Clock& clock, Journal& journal, std::function<Body(const std::string&)> body_for) {
    return [&clock, &journal, body_for](
               const Manifest& m,
               const CancelToken&) -> asset_sdk::Result<std::unique_ptr<ConnectorRunner>> {
        {
            std::lock_guard lock(journal.mu);
            journal.versions[m.name].push_back(m.config.value("version", 0));
        }
        return std::unique_ptr<ConnectorRunner>(
            new FakeRunner(m.name, clock, journal, body_for(m.name)));
    };
}

inline Body takes(asset_sdk::ManualClock& clock, Millis duration,
                  CycleSummary::Outcome outcome = CycleSummary::Outcome::kOk) {
    return [&clock, duration, outcome](const CancelToken&, int) {
        clock.advance(duration);
        return outcome;
    };
}

inline std::vector<Millis> gaps(const std::vector<SteadyTime>& starts) {
    std::vector<Millis> out;
    for (std::size_t i = 1; i < starts.size(); ++i) {
        out.push_back(std::chrono::duration_cast<Millis>(starts[i] - starts[i - 1]));
    }
    return out;
}

inline SchedulerOptions quiet(int max_cycles = 0) {
    SchedulerOptions o;
    o.max_cycles = max_cycles;
    o.max_initial_jitter = 0ms;
    o.seed = 1;
    return o;
}

inline const asset_host::scheduler::ConnectorReport* find(const SchedulerReport& r,
                                                          const std::string& name) {
    for (const auto& c : r.connectors) {
        if (c.name == name) return &c;
    }
    return nullptr;
}

inline bool wait_until(const std::function<bool()>& cond, std::chrono::milliseconds timeout = 5s) {
    return testsupport::eventually(cond, timeout);
}

}  // namespace schedtest
