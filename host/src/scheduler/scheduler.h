// `asset-host run`: every enabled connector on its schedule, until shutdown.
//
// - One thread per connector: its cycles never overlap; connectors run concurrently and one
//   failing or slow connector never stalls another.
// - Timing (schedule_policy.h): random initial jitter, start-to-start `schedule.every`, growing
//   back-off after failures. All waits go through the injected Clock and end at once on
//   shutdown.
// - once: each connector runs one cycle (no jitter) and run() returns when all are done.
// - Shutdown (the token passed to run(), i.e. SIGTERM/SIGINT): every connector's token is
//   cancelled; running cycles stop fetching, finish their in-flight batches within their grace
//   period (CycleOptions) and persist what was acknowledged; run() returns when all stopped.
// - Reload (take_reload_request() returns true, i.e. SIGHUP): manifests are listed again;
//   added connectors start, removed ones stop after their current cycle, changed ones are
//   restarted with the new manifest after their current cycle. A reload that fails (e.g. the
//   manifests directory is unreadable) keeps the running set.
//
// The scheduler knows nothing of plugins or destinations: a RunnerFactory turns a manifest into
// a ConnectorRunner (plugin instance + destination + checkpoint store, running
// cycle::run_cycle), created on the connector's thread before its first cycle and kept
// across cycles. A factory error counts as a failed cycle (retried with back-off: a missing
// secret file may appear).
#pragma once

#include "common/cancellation.h"
#include "config/manifest.h"
#include "cycle/cycle_summary.h"
#include "scheduler/schedule_policy.h"
#include "scheduler/scheduler_observer.h"

#include <asset_sdk/clock.h>
#include <asset_sdk/status.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace asset_host::scheduler {

class ConnectorRunner {
public:
    virtual ~ConnectorRunner() = default;
    // One cycle. `cancel` fires on shutdown. Failures are reported in the summary.
    virtual cycle::CycleSummary run_cycle(const CancelToken& cancel) = 0;
};

// Builds the runner of a manifest. `cancel` is the connector's token for its whole life (give
// it to PluginInstance::create so the plugin's cancelled() sees the shutdown).
using RunnerFactory = std::function<asset_sdk::Result<std::unique_ptr<ConnectorRunner>>(
    const Manifest& manifest, const CancelToken& cancel)>;

// Lists the manifests to run (disabled ones are skipped by the scheduler). Called at start and
// on every reload. An invalid manifest should be logged and left out by the source.
using ManifestSource = std::function<asset_sdk::Result<std::vector<Manifest>>()>;

struct SchedulerOptions {
    bool once = false;
    int max_cycles = 0;  // per connector, 0 = unlimited (once = 1); for tests and demos
    asset_sdk::Millis max_initial_jitter{30'000};
    asset_sdk::Millis failure_backoff_initial{30'000};
    asset_sdk::Millis failure_backoff_max{60 * 60'000};
    std::uint64_t seed = 0;  // 0: random
    // Polled by the scheduler; returns true once per reload request (e.g. exchange the flag
    // set by SIGHUP). Empty: no reloads.
    std::function<bool()> take_reload_request;
    // While stopping, how often to log which connectors are still finishing.
    asset_sdk::Millis stop_report_every{10'000};
    // Told about ticks, reloads, next due times (scheduler_observer.h); nullptr: nobody.
    SchedulerObserver* observer = nullptr;
};

struct ConnectorReport {
    std::string name;
    int cycles_ok = 0;
    int cycles_failed = 0;
    int cycles_cancelled = 0;
    std::optional<cycle::CycleSummary> last;
};

struct SchedulerReport {
    asset_sdk::Status status;                 // the manifests could not be listed at start
    std::vector<ConnectorReport> connectors;  // by name
    bool any_failed() const;                  // a cycle failed (run --once exits 1)
};

class Scheduler {
public:
    Scheduler(ManifestSource source, RunnerFactory factory, asset_sdk::Clock& clock,
              SchedulerOptions options = {});
    ~Scheduler();

    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    // Runs until `shutdown` is cancelled, or (once / max_cycles) until every connector is done.
    SchedulerReport run(const CancelToken& shutdown);

    // Makes run() look at shutdown and reload requests now instead of within ~50 ms (e.g. from
    // the signal callbacks). Thread-safe.
    void wake();

private:
    struct Worker;

    void start_worker(const Manifest& manifest, const CancelToken& shutdown);
    void worker_main(Worker& worker);
    void record(const std::string& name, const cycle::CycleSummary& summary);
    void reload(const CancelToken& shutdown);
    void reap_finished(const CancelToken& shutdown);
    // run()'s two phases: cycles until shutdown (or, bounded, until every connector is done),
    // then waiting for the running cycles to finish.
    void control_loop(const CancelToken& shutdown);
    void wait_for_workers(const CancelToken& shutdown);
    std::vector<Manifest> enabled_unique(std::vector<Manifest> manifests) const;

    ManifestSource source_;
    RunnerFactory factory_;
    asset_sdk::Clock& clock_;
    SchedulerOptions options_;

    std::mutex mu_;
    std::condition_variable cv_;
    bool woken_ = false;
    std::map<std::string, std::unique_ptr<Worker>> workers_;  // running (or retiring)
    std::map<std::string, Manifest> restart_;                 // changed: start when the old ends
    std::map<std::string, ConnectorReport> reports_;
    std::uint64_t seed_;
    SchedulerObserver default_observer_;  // does nothing
    SchedulerObserver& observer_;
};

}  // namespace asset_host::scheduler
