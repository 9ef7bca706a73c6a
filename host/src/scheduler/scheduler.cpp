#include "scheduler/scheduler.h"

#include "common/logging.h"
#include "common/structured_log.h"
#include "scheduler/manifest_diff.h"

#include <asset_sdk/time_util.h>

#include <atomic>
#include <random>
#include <set>
#include <thread>

namespace asset_host::scheduler {

namespace {

// The control loop's polling period: cancel tokens and the reload flag cannot notify.
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

struct Scheduler::Worker {
    Manifest manifest;
    CancelSource cancel;              // linked to the shutdown token
    std::atomic<bool> retire{false};  // removed or changed: stop after the current cycle
    std::atomic<bool> finished{false};
    std::thread thread;

    Worker(Manifest m, const CancelToken& shutdown) : manifest(std::move(m)), cancel(shutdown) {}
};

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
      observer_(options_.observer != nullptr ? *options_.observer : default_observer_) {
    if (options_.once) options_.max_cycles = 1;
}

Scheduler::~Scheduler() {
    // run() joins its workers before returning; this only matters if it never ran.
    for (auto& [name, w] : workers_) {
        w->cancel.cancel();
        if (w->thread.joinable()) w->thread.join();
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
        case cycle::CycleSummary::Outcome::kFailed:
            ++r.cycles_failed;
            break;
        case cycle::CycleSummary::Outcome::kCancelled:
            ++r.cycles_cancelled;
            break;
    }
    r.last = summary;
}

void Scheduler::start_worker(const Manifest& manifest, const CancelToken& shutdown) {
    auto worker = std::make_unique<Worker>(manifest, shutdown);
    Worker* raw = worker.get();
    {
        std::lock_guard lock(mu_);
        reports_[manifest.name].name = manifest.name;
        workers_[manifest.name] = std::move(worker);
    }
    raw->thread = std::thread([this, raw] { worker_main(*raw); });
}

void Scheduler::worker_main(Worker& w) {
    const std::shared_ptr<spdlog::logger> log = connector_logger(w.manifest.name);
    const CancelToken token = w.cancel.token();
    const auto stop_requested = [&] { return token.cancelled() || w.retire.load(); };
    const SchedulePolicy policy = policy_for(w.manifest, options_);
    std::mt19937_64 rng(seed_ ^ std::hash<std::string>{}(w.manifest.name));

    std::unique_ptr<ConnectorRunner> runner;
    int failures = 0;
    int cycles = 0;
    asset_sdk::SteadyTime next = clock_.steady_now() + initial_delay(policy, rng);
    observer_.next_cycle(w.manifest.name, next);

    for (;;) {
        const asset_sdk::SteadyTime now = clock_.steady_now();
        if (next > now) {
            const auto wait = std::chrono::duration_cast<asset_sdk::Millis>(next - now);
            log->debug("next cycle in {}", asset_sdk::format_duration(wait));
            if (!clock_.sleep_for(wait, stop_requested)) break;
        }
        if (stop_requested()) break;

        const asset_sdk::SteadyTime started = clock_.steady_now();
        const cycle::CycleSummary summary =
            run_one_cycle(factory_, w.manifest, token, runner, *log);
        const asset_sdk::SteadyTime ended = clock_.steady_now();
        record(w.manifest.name, summary);
        ++cycles;

        if (summary.outcome == cycle::CycleSummary::Outcome::kCancelled || token.cancelled()) {
            break;
        }
        failures = summary.ok() ? 0 : failures + 1;
        if (options_.max_cycles > 0 && cycles >= options_.max_cycles) break;

        bool overran = false;
        next = next_start(policy, started, ended, failures, rng, &overran);
        observer_.next_cycle(w.manifest.name, next);
        log_next_due(*log, clock_, next);
        warn_about_timing(*log, policy, started, ended, next, overran, failures);
    }
    runner.reset();  // the plugin instance is destroyed on the connector's own thread
    w.finished = true;
    wake();
}

void Scheduler::reap_finished(const CancelToken& shutdown) {
    std::vector<std::unique_ptr<Worker>> done;
    {
        std::lock_guard lock(mu_);
        for (auto it = workers_.begin(); it != workers_.end();) {
            if (it->second->finished) {
                done.push_back(std::move(it->second));
                it = workers_.erase(it);
            } else {
                ++it;
            }
        }
    }
    for (auto& w : done) {
        w->thread.join();
        const std::string name = w->manifest.name;
        std::optional<Manifest> replacement;
        {
            std::lock_guard lock(mu_);
            auto it = restart_.find(name);
            if (it != restart_.end()) {
                replacement = std::move(it->second);
                restart_.erase(it);
            }
        }
        if (replacement && !shutdown.cancelled()) {
            connector_logger(name)->info("restarting with the changed manifest");
            start_worker(*replacement, shutdown);
        } else {
            observer_.connector_stopped(name);
        }
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
    {
        std::lock_guard lock(mu_);
        for (const auto& [name, w] : workers_) {
            if (w->retire) continue;  // already leaving
            auto pending = restart_.find(name);
            current.push_back(pending != restart_.end() ? pending->second : w->manifest);
        }
    }
    const ManifestDiff diff = diff_manifests(current, next);
    host_log().info("reload: {} added, {} removed, {} changed", diff.added.size(),
                    diff.removed.size(), diff.changed.size());
    for (const auto& name : diff.removed) {
        std::lock_guard lock(mu_);
        restart_.erase(name);
        if (auto it = workers_.find(name); it != workers_.end()) it->second->retire = true;
        connector_logger(name)->info("removed; stopping after the current cycle");
    }
    for (const auto& m : diff.changed) {
        std::lock_guard lock(mu_);
        restart_[m.name] = m;
        if (auto it = workers_.find(m.name); it != workers_.end()) it->second->retire = true;
        connector_logger(m.name)->info("manifest changed; restarting after the current cycle");
    }
    for (const auto& m : diff.added) {
        bool still_running = false;
        {
            std::lock_guard lock(mu_);
            auto it = workers_.find(m.name);
            still_running = it != workers_.end();
            if (still_running) restart_[m.name] = m;  // a removed one, not yet finished
        }
        if (!still_running) {
            connector_logger(m.name)->info("added");
            start_worker(m, shutdown);
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
    for (const auto& m : manifests) start_worker(m, shutdown);
    host_log().info("{} connector(s) scheduled{}", manifests.size(),
                    options_.max_cycles > 0 ? " (fixed number of cycles)" : "");
    observer_.loop_tick();
    observer_.connectors_scheduled(manifests.size());

    control_loop(shutdown);
    observer_.stopping();
    wait_for_workers(shutdown);

    std::lock_guard lock(mu_);
    for (auto& [name, r] : reports_) report.connectors.push_back(r);
    return report;
}

void Scheduler::control_loop(const CancelToken& shutdown) {
    const bool bounded = options_.max_cycles > 0;
    for (;;) {
        {
            std::unique_lock lock(mu_);
            cv_.wait_for(lock, kControlSlice, [this] { return woken_; });
            woken_ = false;
        }
        observer_.loop_tick();
        reap_finished(shutdown);
        if (shutdown.cancelled()) return;
        if (!bounded && options_.take_reload_request && options_.take_reload_request()) {
            observer_.reload_started();
            reload(shutdown);
            observer_.reload_finished();
        }
        if (bounded) {
            std::lock_guard lock(mu_);
            if (workers_.empty() && restart_.empty()) return;
        }
    }
}

// Shutdown (or all done): wait for every connector to finish its cycle, naming the slow ones.
void Scheduler::wait_for_workers(const CancelToken& shutdown) {
    auto last_report = std::chrono::steady_clock::now();
    for (;;) {
        observer_.loop_tick();
        reap_finished(shutdown);
        std::vector<std::string> running;
        {
            std::lock_guard lock(mu_);
            for (const auto& [name, w] : workers_) running.push_back(name);
        }
        if (running.empty()) return;
        const auto now = std::chrono::steady_clock::now();
        if (now - last_report >= options_.stop_report_every) {
            std::string names;
            for (const auto& n : running) names += (names.empty() ? "" : ", ") + n;
            host_log().warn("waiting for connector(s) to stop: {}", names);
            last_report = now;
        }
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, kControlSlice, [this] { return woken_; });
        woken_ = false;
    }
}

}  // namespace asset_host::scheduler
