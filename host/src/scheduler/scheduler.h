// `asset-host run`: every enabled connector on its schedule, until shutdown.
//
// - A bounded pool: connectors wait in a queue ordered by their next due time (due_queue.h);
//   at most `max_concurrent_cycles` cycles run at once, each on a thread of its own that ends
//   with the cycle. An idle connector costs no thread: its manifest, its schedule state and
//   its runner (which holds no plugin process, connection or buffer between cycles). A
//   connector's cycles never overlap; one failing or slow connector holds only its own slot.
// - Timing (schedule_policy.h): random initial jitter, start-to-start `schedule.every`, growing
//   back-off after failures. One thread (run()'s) waits for the next due time, through the
//   injected Clock; the wait ends at once on shutdown, reload or a finished cycle.
// - once: each connector runs one cycle (no jitter), in queue order, and run() returns when
//   all are done.
// - Shutdown (the token passed to run(), i.e. SIGTERM/SIGINT): every connector's token is
//   cancelled; queued connectors never start; running cycles stop fetching, finish their
//   in-flight batches within their grace period (CycleOptions) and persist what was
//   acknowledged; run() returns when all stopped.
// - Reload (take_reload_request() returns true, i.e. SIGHUP): manifests are listed again;
//   added connectors start, removed ones stop after their current cycle, changed ones are
//   restarted with the new manifest after their current cycle. A reload that fails (e.g. the
//   manifests directory is unreadable) keeps the running set.
//
// The scheduler knows nothing of plugins or destinations: a RunnerFactory turns a manifest into
// a ConnectorRunner (running cycle::run_cycle), created before the connector's first cycle (on
// the thread of that cycle) and kept across cycles. A factory error counts as a failed cycle
// (retried with back-off: a missing secret file may appear).
#pragma once

#include "common/cancellation.h"
#include "config/manifest.h"
#include "cycle/cycle_summary.h"
#include "scheduler/due_queue.h"
#include "scheduler/schedule_policy.h"
#include "scheduler/scheduler_observer.h"

#include <asset_sdk/clock.h>
#include <asset_sdk/status.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
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
// it to the plugin (isolation::open_plugin) so its cancelled() sees the shutdown).
using RunnerFactory = std::function<asset_sdk::Result<std::unique_ptr<ConnectorRunner>>(
    const Manifest& manifest, const CancelToken& cancel)>;

// Lists the manifests to run (disabled ones are skipped by the scheduler). Called at start and
// on every reload. An invalid manifest should be logged and left out by the source.
using ManifestSource = std::function<asset_sdk::Result<std::vector<Manifest>>()>;

// max(4, 2 × the number of cores): cycles mostly wait on the network, so more than one per core.
int default_max_concurrent_cycles();

struct SchedulerOptions {
    bool once = false;
    // At most this many cycles at once (worker processes included); 0: the default above.
    int max_concurrent_cycles = 0;
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
    // Called on run()'s thread when the last running cycle has finished and no other is due
    // yet: the daemon is about to sit idle (e.g. give freed memory back to the system).
    std::function<void()> on_idle;
};

struct ConnectorReport {
    std::string name;
    int cycles_ok = 0;       // ok or partial
    int cycles_partial = 0;  // of which partial (records dead-lettered)
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
    struct Connector;
    struct Finished;

    void add_connector(const Manifest& manifest, const CancelToken& shutdown);
    void start_due_cycles();
    void run_cycle_in_slot(Connector& connector);
    void finish_cycles(const CancelToken& shutdown);
    void after_cycle(Connector& connector, const Finished& finished, const CancelToken& shutdown);
    void drop_connector(const std::string& name, const CancelToken& shutdown);
    void record(const std::string& name, const cycle::CycleSummary& summary);
    void reload(const CancelToken& shutdown);
    // run()'s two phases: cycles until shutdown (or, bounded, until every connector is done),
    // then waiting for the running cycles to finish.
    void control_loop(const CancelToken& shutdown);
    void wait_for_event(const CancelToken& shutdown);
    void report_idle();
    void wait_for_running_cycles(const CancelToken& shutdown);
    bool reload_requested();
    std::vector<Manifest> enabled_unique(std::vector<Manifest> manifests) const;

    ManifestSource source_;
    RunnerFactory factory_;
    asset_sdk::Clock& clock_;
    SchedulerOptions options_;
    std::uint64_t seed_;
    SchedulerObserver default_observer_;  // does nothing
    SchedulerObserver& observer_;
    std::mt19937_64 rng_;  // initial jitter and back-off; used by run()'s thread only

    // Owned by run()'s thread; a running connector's runner is used by its cycle's thread only.
    std::map<std::string, std::unique_ptr<Connector>> connectors_;
    std::map<std::string, Manifest> restart_;  // changed while running: start when it ends
    DueQueue queue_;
    std::size_t running_ = 0;
    bool reload_pending_ = false;
    bool idle_reported_ = false;  // on_idle was called and no cycle started since

    std::mutex mu_;  // guards what cycle threads hand back: finished_, reports_
    std::condition_variable cv_;
    std::atomic<bool> woken_{false};
    std::vector<Finished> finished_;
    std::map<std::string, ConnectorReport> reports_;
};

}  // namespace asset_host::scheduler
