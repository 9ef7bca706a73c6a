#include "scheduler/scheduler.h"

#include "common/logging.h"
#include "common/structured_log.h"
#include "scheduler/manifest_diff.h"

#include <asset_sdk/time_util.h>

#include <algorithm>
#include <random>
#include <set>
#include <thread>

namespace asset_host::scheduler {

namespace {

// The control loop's polling period while it waits for a free slot: cancel tokens and the
// reload flag cannot notify.
constexpr std::chrono::milliseconds kControlSlice{50};

SchedulePolicy policy_for(const Manifest& manifest, const SchedulerOptions& options) {
    SchedulePolicy policy;
    policy.every = manifest.schedule.every;
    policy.max_initial_jitter = options.once ? asset_sdk::Millis(0) : options.max_initial_jitter;
    policy.failure_backoff_initial = options.failure_backoff_initial;
    policy.failure_backoff_max = options.failure_backoff_max;
    return policy;
}

// One cycle of a connector. The runner is made on the first cycle (and again after a factory
// error, which counts as a failed cycle: a missing secret file may appear).
cycle::CycleSummary run_one_cycle(const RunnerFactory& factory, const Manifest& manifest,
                                  const CancelToken& token,
                                  std::unique_ptr<ConnectorRunner>& runner, spdlog::logger& log) {
    cycle::CycleSummary summary;
    if (!runner) {
        auto created = factory(manifest, token);
        if (created.is_ok()) {
            runner = std::move(created).value();
        } else {
            summary.connector = manifest.name;
            summary.outcome = cycle::CycleSummary::Outcome::kFailed;
            summary.error = "cannot start the connector: " + created.status().message();
            log.error("{}", cycle::format_summary(summary));
        }
    }
    if (runner) summary = runner->run_cycle(token);
    summary.connector = manifest.name;
    return summary;
}

// Says when the schedule is not what the manifest asks for: a cycle longer than its slot, or
// failures pushing the next attempt back.
void warn_about_timing(spdlog::logger& log, const SchedulePolicy& policy,
                       asset_sdk::SteadyTime started, asset_sdk::SteadyTime ended,
                       asset_sdk::SteadyTime next, bool overran, int failures) {
    if (overran) {
        log.warn(
            "the cycle took {}, longer than schedule.every ({}); the next one starts "
            "now",
            asset_sdk::format_duration(
                std::chrono::duration_cast<asset_sdk::Millis>(ended - started)),
            asset_sdk::format_duration(policy.every));
    }
    if (failures > 0) {
        log.warn("cycle failed ({} in a row); next attempt in {}", failures,
                 asset_sdk::format_duration(std::chrono::duration_cast<asset_sdk::Millis>(
                     std::max(next - ended, asset_sdk::SteadyTime::duration::zero()))));
    }
}

// At every cycle end: when the next cycle is due (wall clock and from now).
void log_next_due(spdlog::logger& log, asset_sdk::Clock& clock, asset_sdk::SteadyTime next) {
    const auto in = std::chrono::duration_cast<asset_sdk::Millis>(
        std::max(next - clock.steady_now(), asset_sdk::SteadyTime::duration::zero()));
    const std::string at = asset_sdk::format_iso8601_ms(
        clock.now() + std::chrono::duration_cast<asset_sdk::SystemTime::duration>(in));
    log_event(log, spdlog::level::info,
              LogEvent("next_cycle")
                  .field("due_at", at)
                  .field("in_s", std::chrono::duration<double>(in).count()),
              "next cycle due at " + at + " (in " + asset_sdk::format_duration(in) + ")");
}

}  // namespace

struct Scheduler::Connector {
    Manifest manifest;
    CancelSource cancel;  // linked to the shutdown token
    SchedulePolicy policy;
    std::unique_ptr<ConnectorRunner> runner;  // made before the first cycle, kept
    std::thread cycle;                        // while running: the thread of its cycle
    bool running = false;
    bool retire = false;  // removed or changed: no cycle after the current one
    int failures = 0;     // in a row
    int cycles = 0;

    Connector(Manifest m, const CancelToken& shutdown, SchedulePolicy p)
        : manifest(std::move(m)), cancel(shutdown), policy(p) {}
};

// What a cycle's thread hands back to run()'s thread.
struct Scheduler::Finished {
    std::string name;
    cycle::CycleSummary summary;
    asset_sdk::SteadyTime started;
    asset_sdk::SteadyTime ended;
};

int default_max_concurrent_cycles() {
    return std::max(4, 2 * static_cast<int>(std::thread::hardware_concurrency()));
}

bool SchedulerReport::any_failed() const {
    for (const auto& c : connectors) {
        if (c.cycles_failed > 0) return true;
    }
    return false;
}

Scheduler::Scheduler(ManifestSource source, RunnerFactory factory, asset_sdk::Clock& clock,
                     SchedulerOptions options)
    : source_(std::move(source)),
      factory_(std::move(factory)),
      clock_(clock),
      options_(std::move(options)),
      seed_(options_.seed != 0 ? options_.seed : std::random_device{}()),
      observer_(options_.observer != nullptr ? *options_.observer : default_observer_),
      rng_(seed_) {
    if (options_.once) options_.max_cycles = 1;
    if (options_.max_concurrent_cycles <= 0) {
        options_.max_concurrent_cycles = default_max_concurrent_cycles();
    }
}

Scheduler::~Scheduler() {
    // run() joins every cycle before returning; this only matters if it never ran.
    for (auto& [name, c] : connectors_) {
        c->cancel.cancel();
        if (c->cycle.joinable()) c->cycle.join();
    }
}

void Scheduler::wake() {
    {
        std::lock_guard lock(mu_);
        woken_ = true;
    }
    cv_.notify_all();
}

std::vector<Manifest> Scheduler::enabled_unique(std::vector<Manifest> manifests) const {
    std::vector<Manifest> out;
    std::set<std::string> names;
    for (auto& m : manifests) {
        if (!m.enabled) continue;
        if (!names.insert(m.name).second) {
            host_log().error(
                "{}: connector name '{}' is already used by another manifest; "
                "this one is not run",
                m.file.string(), m.name);
            continue;
        }
        out.push_back(std::move(m));
    }
    return out;
}

void Scheduler::record(const std::string& name, const cycle::CycleSummary& summary) {
    std::lock_guard lock(mu_);
    ConnectorReport& r = reports_[name];
    r.name = name;
    switch (summary.outcome) {
        case cycle::CycleSummary::Outcome::kOk:
            ++r.cycles_ok;
            break;
        case cycle::CycleSummary::Outcome::kPartial:  // completed; refused records kept
            ++r.cycles_ok;
            ++r.cycles_partial;
            break;
        case cycle::CycleSummary::Outcome::kFailed:
            ++r.cycles_failed;
            break;
        case cycle::CycleSummary::Outcome::kCancelled:
            ++r.cycles_cancelled;
            break;
    }
    r.last = summary;
}

// A new connector: queued for its first cycle after its initial jitter.
void Scheduler::add_connector(const Manifest& manifest, const CancelToken& shutdown) {
    auto c = std::make_unique<Connector>(manifest, shutdown, policy_for(manifest, options_));
    const asset_sdk::SteadyTime next = clock_.steady_now() + initial_delay(c->policy, rng_);
    {
        std::lock_guard lock(mu_);
        reports_[manifest.name].name = manifest.name;
    }
    observer_.next_cycle(manifest.name, next);
    queue_.push(manifest.name, next);
    connectors_[manifest.name] = std::move(c);
}

// Fills the free slots with the connectors that are due, earliest due first.
void Scheduler::start_due_cycles() {
    while (running_ < static_cast<std::size_t>(options_.max_concurrent_cycles)) {
        const std::optional<std::string> name = queue_.pop_due(clock_.steady_now());
        if (!name) return;
        Connector& c = *connectors_.at(*name);
        c.running = true;
        ++running_;
        c.cycle = std::thread([this, &c] { run_cycle_in_slot(c); });
    }
}

// On the cycle's own thread: one cycle, handed back to run()'s thread.
void Scheduler::run_cycle_in_slot(Connector& c) {
    const std::shared_ptr<spdlog::logger> log = connector_logger(c.manifest.name);
    Finished finished;
    finished.name = c.manifest.name;
    finished.started = clock_.steady_now();
    finished.summary = run_one_cycle(factory_, c.manifest, c.cancel.token(), c.runner, *log);
    finished.ended = clock_.steady_now();
    record(finished.name, finished.summary);
    {
        std::lock_guard lock(mu_);
        finished_.push_back(std::move(finished));
        woken_ = true;
    }
    cv_.notify_all();
}

void Scheduler::finish_cycles(const CancelToken& shutdown) {
    std::vector<Finished> done;
    {
        std::lock_guard lock(mu_);
        done.swap(finished_);
    }
    for (const Finished& f : done) {
        Connector& c = *connectors_.at(f.name);
        c.cycle.join();
        c.running = false;
        --running_;
        after_cycle(c, f, shutdown);
    }
}

// After a cycle: the connector's next due time (queued again), or its end.
void Scheduler::after_cycle(Connector& c, const Finished& f, const CancelToken& shutdown) {
    ++c.cycles;
    if (f.summary.outcome == cycle::CycleSummary::Outcome::kCancelled || c.cancel.cancelled()) {
        drop_connector(f.name, shutdown);
        return;
    }
    c.failures = f.summary.ok() ? 0 : c.failures + 1;
    if ((options_.max_cycles > 0 && c.cycles >= options_.max_cycles) || c.retire) {
        drop_connector(f.name, shutdown);
        return;
    }
    const std::shared_ptr<spdlog::logger> log = connector_logger(f.name);
    bool overran = false;
    const asset_sdk::SteadyTime next =
        next_start(c.policy, f.started, f.ended, c.failures, rng_, &overran);
    observer_.next_cycle(f.name, next);
    log_next_due(*log, clock_, next);
    warn_about_timing(*log, c.policy, f.started, f.ended, next, overran, c.failures);
    queue_.push(f.name, next);
}

// A connector that is not running leaves (its runner, hence its plugin instance, ends here);
// a changed one comes back with its new manifest unless the daemon is stopping.
void Scheduler::drop_connector(const std::string& name, const CancelToken& shutdown) {
    queue_.remove(name);
    auto node = connectors_.extract(name);
    node.mapped()->runner.reset();
    auto replacement = restart_.extract(name);
    if (!replacement.empty() && !shutdown.cancelled()) {
        connector_logger(name)->info("restarting with the changed manifest");
        add_connector(replacement.mapped(), shutdown);
    } else {
        observer_.connector_stopped(name);
    }
}

void Scheduler::reload(const CancelToken& shutdown) {
    auto listed = source_();
    if (!listed.is_ok()) {
        host_log().error("reload failed, connectors unchanged: {}", listed.status().message());
        return;
    }
    std::vector<Manifest> next = enabled_unique(std::move(listed).value());
    std::vector<Manifest> current;
    for (const auto& [name, c] : connectors_) {
        auto pending = restart_.find(name);
        if (pending != restart_.end()) {
            current.push_back(pending->second);
        } else if (!c->retire) {
            current.push_back(c->manifest);
        }
    }
    const ManifestDiff diff = diff_manifests(current, next);
    host_log().info("reload: {} added, {} removed, {} changed", diff.added.size(),
                    diff.removed.size(), diff.changed.size());
    // Removed or changed: leaves now when idle, after its current cycle otherwise.
    const auto retire = [&](const std::string& name) {
        Connector& c = *connectors_.at(name);
        c.retire = true;
        if (!c.running) drop_connector(name, shutdown);
    };
    for (const auto& name : diff.removed) {
        restart_.erase(name);
        connector_logger(name)->info("removed; stopping after the current cycle");
        retire(name);
    }
    for (const auto& m : diff.changed) {
        restart_[m.name] = m;
        connector_logger(m.name)->info("manifest changed; restarting after the current cycle");
        if (!connectors_.at(m.name)->retire) retire(m.name);
    }
    for (const auto& m : diff.added) {
        if (connectors_.count(m.name) > 0) {
            restart_[m.name] = m;  // a removed one, still finishing its cycle
        } else {
            connector_logger(m.name)->info("added");
            add_connector(m, shutdown);
        }
    }
}

SchedulerReport Scheduler::run(const CancelToken& shutdown) {
    SchedulerReport report;
    auto listed = source_();
    if (!listed.is_ok()) {
        report.status = listed.status();
        return report;
    }
    const std::vector<Manifest> manifests = enabled_unique(std::move(listed).value());
    if (manifests.empty()) host_log().warn("no enabled connector to run");
    for (const auto& m : manifests) add_connector(m, shutdown);
    host_log().info("{} connector(s) scheduled{}, at most {} cycle(s) at once", manifests.size(),
                    options_.max_cycles > 0 ? " (fixed number of cycles)" : "",
                    options_.max_concurrent_cycles);
    observer_.loop_tick();
    observer_.connectors_scheduled(manifests.size());

    control_loop(shutdown);
    observer_.stopping();
    wait_for_running_cycles(shutdown);

    std::lock_guard lock(mu_);
    for (auto& [name, r] : reports_) report.connectors.push_back(r);
    return report;
}

// A reload asked for (and not yet done). The request is taken once and remembered.
bool Scheduler::reload_requested() {
    if (!reload_pending_ && options_.max_cycles == 0 && options_.take_reload_request &&
        options_.take_reload_request()) {
        reload_pending_ = true;
    }
    return reload_pending_;
}

void Scheduler::control_loop(const CancelToken& shutdown) {
    for (;;) {
        woken_ = false;  // what happens from here on ends the next wait
        observer_.loop_tick();
        finish_cycles(shutdown);
        if (shutdown.cancelled()) return;
        if (reload_requested()) {
            reload_pending_ = false;
            observer_.reload_started();
            reload(shutdown);
            observer_.reload_finished();
        }
        if (options_.max_cycles > 0 && connectors_.empty()) return;
        start_due_cycles();
        report_idle();
        wait_for_event(shutdown);
    }
}

// Once per burst of cycles: when none runs any more and none was due to start.
void Scheduler::report_idle() {
    if (running_ > 0) {
        idle_reported_ = false;
        return;
    }
    if (idle_reported_) return;
    idle_reported_ = true;
    if (options_.on_idle) options_.on_idle();
}

// Until something may change what to do: a finished cycle, a wake(), a shutdown or reload
// request, or — when a slot is free — the next due time (on the injected clock).
void Scheduler::wait_for_event(const CancelToken& shutdown) {
    const std::optional<asset_sdk::SteadyTime> due = queue_.earliest();
    if (due && running_ < static_cast<std::size_t>(options_.max_concurrent_cycles)) {
        const auto wait = std::chrono::ceil<asset_sdk::Millis>(*due - clock_.steady_now());
        if (wait <= asset_sdk::Millis(0)) return;
        clock_.sleep_for(wait, [&] {
            observer_.loop_tick();  // polled every few ms by the real clock: the loop is alive
            return woken_.load() || shutdown.cancelled() || reload_requested();
        });
        return;
    }
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, kControlSlice, [this] { return woken_.load(); });
}

// Shutdown (or all done): queued connectors never start; wait for the running cycles to
// finish, naming the slow ones.
void Scheduler::wait_for_running_cycles(const CancelToken& shutdown) {
    restart_.clear();
    auto last_report = std::chrono::steady_clock::now();
    for (;;) {
        woken_ = false;
        observer_.loop_tick();
        finish_cycles(shutdown);
        // Idle ones leave (a cycle that ended just before the shutdown was queued again).
        std::vector<std::string> running;
        std::vector<std::string> idle;
        for (const auto& [name, c] : connectors_) {
            (c->running ? running : idle).push_back(name);
        }
        for (const auto& name : idle) drop_connector(name, shutdown);
        if (running.empty()) return;
        const auto now = std::chrono::steady_clock::now();
        if (now - last_report >= options_.stop_report_every) {
            std::string names;
            for (const auto& n : running) names += (names.empty() ? "" : ", ") + n;
            host_log().warn("waiting for connector(s) to stop: {}", names);
            last_report = now;
        }
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, kControlSlice, [this] { return woken_.load(); });
    }
}

}  // namespace asset_host::scheduler
