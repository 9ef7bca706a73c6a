// asset-host run [--once] [--grace-period D] [--shard I/N]: every enabled connector on its schedule
// until SIGTERM/SIGINT; SIGHUP reloads the manifests. The scheduler (scheduler/scheduler.h) owns
// the timing; this file gives it the manifests and, per connector, a runner made of the plugin
// instance and the destination, which runs cycles with cycle::run_cycle.
#include "cli/commands.h"
#include "cli/connector_setup.h"
#include "cli/run_observability.h"
#include "common/console.h"
#include "common/exit_codes.h"
#include "common/heap.h"
#include "common/logging.h"
#include "common/signals.h"
#include "config/manifest_finder.h"
#include "cycle/cycle_runner.h"
#include "delivery/destination_factory.h"
#include "isolation/open_plugin.h"
#include "scheduler/scheduler.h"
#include "scheduler/shard.h"
#include "state/checkpoint_store.h"

#include <asset_sdk/time_util.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <thread>

namespace asset_host {

namespace {

// A configured connector for the scheduler: its plugin (in process, or a worker per cycle),
// kept across cycles, and its destination, opened for each cycle and closed after it (an idle
// connector holds no client or buffer of its destination; a failure to open it fails the
// cycle, which is retried with back-off). The destination borrows its HTTP clients from the
// process's pool, so connectors delivering to the same place reuse one another's connections.
// Every cycle is reported to the connector's metrics: its summary, its checkpoint time and the
// plugin's statistics (relayed by the worker in process mode; published at the end of the
// cycle, from this thread, so a scrape never waits for the plugin).
class PluginRunner final : public scheduler::ConnectorRunner {
public:
    PluginRunner(Manifest manifest, std::unique_ptr<ConnectorPlugin> plugin, CheckpointStore& store,
                 cycle::CycleOptions options, RunObservability& observability,
                 std::shared_ptr<observe::ConnectorMetrics> metrics,
                 std::shared_ptr<delivery::ClientPool> clients)
        : manifest_(std::move(manifest)),
          plugin_(std::move(plugin)),
          store_(store),
          options_(std::move(options)),
          observability_(observability),
          metrics_(std::move(metrics)),
          clients_(std::move(clients)) {}

    cycle::CycleSummary run_cycle(const CancelToken& cancel) override {
        asset_sdk::Clock& clock = asset_sdk::SystemClock::instance();
        const asset_sdk::SystemTime started = clock.now();
        metrics_->cycle_started();
        cycle::CycleSummary summary;
        if (auto destination = open_destination()) {
            summary = cycle::run_cycle(manifest_, *plugin_, **destination, store_, cancel, clock,
                                       options_);
        } else {
            summary.connector = manifest_.name;
            summary.outcome = cycle::CycleSummary::Outcome::kFailed;
            summary.error = "cannot open the destination: " + destination.status().message();
            connector_logger(manifest_.name)->error("{}", cycle::format_summary(summary));
        }
        observability_.cycle_finished(manifest_, *metrics_, summary, started,
                                      plugin_->statistics());
        return summary;
    }

private:
    // The manifest's destination, timed for the metrics.
    asset_sdk::Result<std::unique_ptr<delivery::Destination>> open_destination() const {
        auto destination =
            delivery::make_destination(manifest_.destination, asset_sdk::SystemClock::instance(),
                                       connector_logger(manifest_.name), {}, clients_);
        if (!destination) return destination.status();
        return std::unique_ptr<delivery::Destination>(
            new TimedDestination(std::move(destination).value(), metrics_));
    }

    Manifest manifest_;
    std::unique_ptr<ConnectorPlugin> plugin_;
    CheckpointStore& store_;
    cycle::CycleOptions options_;
    RunObservability& observability_;
    std::shared_ptr<observe::ConnectorMetrics> metrics_;
    std::shared_ptr<delivery::ClientPool> clients_;
};

// The manifests to run, listed at start and on every reload. At start every manifest must be
// valid (exit 2 naming the problems: a daemon should not come up half-configured). On a reload
// (SIGHUP) a manifest that no longer validates keeps running with its last good version, and
// the errors are printed: an edit in progress must not stop a working connector.
class ManifestLister {
public:
    explicit ManifestLister(const GlobalOptions& g) : g_(g) {}

    asset_sdk::Result<std::vector<Manifest>> operator()() {
        auto files = list_manifest_files(g_.manifests_dir);
        if (!files) return files.status();
        std::vector<Manifest> manifests;
        std::map<std::filesystem::path, Manifest> good;
        bool invalid = false;
        for (const auto& file : *files) {
            int code = kExitOk;
            if (auto prepared = prepare_connector_file(g_, file, code)) {
                good[file] = prepared->manifest;
                manifests.push_back(std::move(prepared->manifest));
            } else if (first_load_) {
                invalid = true;
            } else if (auto it = last_good_.find(file); it != last_good_.end()) {
                host_log().error("{}: invalid after reload; keeping its previous version",
                                 file.string());
                good[file] = it->second;
                manifests.push_back(it->second);
            }
        }
        last_good_ = std::move(good);
        if (!first_load_) pause_for_tests();
        first_load_ = false;
        if (invalid) return asset_sdk::invalid_argument("invalid manifests; nothing started");
        return manifests;
    }

private:
    // Test-only: ASSET_HOST_TEST_RELOAD_DELAY (a duration) makes every reload's listing that
    // long, so that a test can watch /readyz answer 503 during a reload without racing it.
    static void pause_for_tests() {
        const char* delay = std::getenv("ASSET_HOST_TEST_RELOAD_DELAY");
        if (delay == nullptr) return;
        if (auto d = asset_sdk::parse_duration(delay)) std::this_thread::sleep_for(*d);
    }

    const GlobalOptions& g_;
    std::map<std::filesystem::path, Manifest> last_good_;
    bool first_load_ = true;
};

// How often a running cycle logs its progress: 30 s; test-only, ASSET_HOST_TEST_PROGRESS_INTERVAL
// (a duration) makes it shorter so that a test sees progress lines without a long cycle.
asset_sdk::Millis progress_interval() {
    const char* text = std::getenv("ASSET_HOST_TEST_PROGRESS_INTERVAL");
    if (text != nullptr) {
        if (auto d = asset_sdk::parse_duration(text)) return *d;
    }
    return std::chrono::seconds(30);
}

// The connector's metrics, with the time of its stored checkpoint (for its age).
std::shared_ptr<observe::ConnectorMetrics> connector_metrics(RunObservability& observability,
                                                             const CheckpointStore& store,
                                                             const Manifest& manifest) {
    auto metrics = observability.connector_started(manifest);
    if (auto stored = store.load(manifest.name); stored.is_ok() && stored->has_value()) {
        if (auto t = asset_sdk::parse_iso8601((*stored)->updated_at)) metrics->checkpoint_at(*t);
    }
    return metrics;
}

// The scheduler's RunnerFactory: the manifest's plugin (isolation: thread configures it now,
// process in each cycle's worker) with the connector's token, and its destination (timed for
// the metrics).
asset_sdk::Result<std::unique_ptr<scheduler::ConnectorRunner>> make_runner(
    const GlobalOptions& g, const RunArgs& args, CheckpointStore& store, const Manifest& manifest,
    const CancelToken& cancel, RunObservability& observability,
    const std::shared_ptr<delivery::ClientPool>& clients) {
    const LoadedPlugin* plugin = plugin_catalog(g).find(manifest.plugin);
    if (plugin == nullptr) {
        return asset_sdk::not_found(plugin_catalog(g).missing_plugin_message(manifest.plugin));
    }
    isolation::ProcessOptions process;
    process.grace_period = args.grace_period;
    auto instance =
        isolation::open_plugin(*plugin, manifest, cancel, process, /*check_config=*/false);
    if (!instance) return instance.status();
    cycle::CycleOptions options;
    options.grace_period = args.grace_period;
    options.progress_every = progress_interval();
    const ConnectorPlugin* connector_plugin = instance->get();
    options.progress_details = [connector_plugin] {
        return statistics_text(connector_plugin->statistics().snapshot());
    };
    auto metrics = connector_metrics(observability, store, manifest);
    return std::unique_ptr<scheduler::ConnectorRunner>(
        new PluginRunner(manifest, std::move(instance).value(), store, options, observability,
                         std::move(metrics), clients));
}

}  // namespace

int cmd_run(const GlobalOptions& g, const RunArgs& args) {
    int exit_code = kExitOk;
    const auto lock = lock_state_dir(g, exit_code);  // held until the daemon exits
    if (!lock) return exit_code;
    CheckpointStore store(g.state_dir);
    RunObservability observability(asset_sdk::SystemClock::instance(), g.state_dir);
    observability.metrics().set_plugins_loaded(plugin_catalog(g).plugins.size());
    if (args.listen) {
        if (auto listening = observability.listen(*args.listen); !listening.is_ok()) {
            print_error("asset-host: " + listening.message());
            return kExitFailure;
        }
    }
    // Shared by every connector's destination (delivery/client_pool.h).
    auto clients = std::make_shared<delivery::ClientPool>();
    auto factory = [&](const Manifest& manifest, const CancelToken& cancel) {
        return make_runner(g, args, store, manifest, cancel, observability, clients);
    };
    scheduler::SchedulerOptions options;
    options.once = args.once;
    options.max_concurrent_cycles = args.max_concurrent_cycles;
    options.observer = &observability;
    options.take_reload_request = [] { return reload_requested().exchange(false); };
    // Between rounds the daemon holds only its connectors' state: the buffers of the round's
    // cycles, freed on their threads' arenas, go back to the system (common/heap.h).
    options.on_idle = release_free_heap;
    scheduler::ManifestSource source = ManifestLister(g);
    if (args.shard) source = scheduler::shard_source(std::move(source), *args.shard);
    scheduler::Scheduler scheduler(std::move(source), factory, asset_sdk::SystemClock::instance(),
                                   options);
    set_shutdown_callback([&scheduler](int) { scheduler.wake(); });
    set_reload_callback([&scheduler] { scheduler.wake(); });
    const scheduler::SchedulerReport report = scheduler.run(shutdown_source().token());
    set_shutdown_callback({});
    set_reload_callback({});
    if (!report.status.is_ok()) {
        print_error("asset-host: " + report.status.message());
        return kExitUsage;
    }
    if (shutdown_source().cancelled()) return kExitOk;
    return report.any_failed() ? kExitFailure : kExitOk;
}

}  // namespace asset_host
