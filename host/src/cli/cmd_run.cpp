// asset-host run [--once] [--grace-period D]: every enabled connector on its schedule until
// SIGTERM/SIGINT; SIGHUP reloads the manifests. The scheduler (scheduler/scheduler.h) owns the
// timing; this file gives it the manifests and, per connector, a runner made of the plugin
// instance and the destination, which runs cycles with cycle::run_cycle.
#include "cli/commands.h"
#include "cli/connector_setup.h"
#include "common/console.h"
#include "common/exit_codes.h"
#include "common/logging.h"
#include "common/signals.h"
#include "config/manifest_finder.h"
#include "cycle/cycle_runner.h"
#include "delivery/destination_factory.h"
#include "scheduler/scheduler.h"
#include "state/checkpoint_store.h"

#include <filesystem>
#include <map>

namespace asset_host {

namespace {

// A configured connector for the scheduler: plugin instance + destination, kept across cycles.
class PluginRunner final : public scheduler::ConnectorRunner {
public:
    PluginRunner(Manifest manifest, std::unique_ptr<PluginInstance> plugin,
                 std::unique_ptr<delivery::Destination> destination, CheckpointStore& store,
                 cycle::CycleOptions options)
        : manifest_(std::move(manifest)),
          plugin_(std::move(plugin)),
          destination_(std::move(destination)),
          store_(store),
          options_(std::move(options)) {}

    cycle::CycleSummary run_cycle(const CancelToken& cancel) override {
        return cycle::run_cycle(manifest_, *plugin_, *destination_, store_, cancel,
                                asset_sdk::SystemClock::instance(), options_);
    }

private:
    Manifest manifest_;
    std::unique_ptr<PluginInstance> plugin_;
    std::unique_ptr<delivery::Destination> destination_;
    CheckpointStore& store_;
    cycle::CycleOptions options_;
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
        first_load_ = false;
        if (invalid) return asset_sdk::invalid_argument("invalid manifests; nothing started");
        return manifests;
    }

private:
    const GlobalOptions& g_;
    std::map<std::filesystem::path, Manifest> last_good_;
    bool first_load_ = true;
};

// The scheduler's RunnerFactory: the manifest's plugin configured with the connector's token,
// and its destination.
asset_sdk::Result<std::unique_ptr<scheduler::ConnectorRunner>> make_runner(
    const GlobalOptions& g, const RunArgs& args, CheckpointStore& store, const Manifest& manifest,
    const CancelToken& cancel) {
    const LoadedPlugin* plugin = plugin_catalog(g).find(manifest.plugin);
    if (plugin == nullptr) {
        return asset_sdk::not_found(plugin_catalog(g).missing_plugin_message(manifest.plugin));
    }
    auto instance = PluginInstance::create(*plugin, manifest, cancel);
    if (!instance) return instance.status();
    auto destination = delivery::make_destination(
        manifest.destination, asset_sdk::SystemClock::instance(), connector_logger(manifest.name));
    if (!destination) return destination.status();
    cycle::CycleOptions options;
    options.grace_period = args.grace_period;
    return std::unique_ptr<scheduler::ConnectorRunner>(new PluginRunner(
        manifest, std::move(instance).value(), std::move(destination).value(), store, options));
}

}  // namespace

int cmd_run(const GlobalOptions& g, const RunArgs& args) {
    int exit_code = kExitOk;
    const auto lock = lock_state_dir(g, exit_code);  // held until the daemon exits
    if (!lock) return exit_code;
    CheckpointStore store(g.state_dir);
    auto factory = [&g, &args, &store](const Manifest& manifest, const CancelToken& cancel) {
        return make_runner(g, args, store, manifest, cancel);
    };
    scheduler::SchedulerOptions options;
    options.once = args.once;
    options.take_reload_request = [] { return reload_requested().exchange(false); };
    scheduler::Scheduler scheduler(ManifestLister(g), factory, asset_sdk::SystemClock::instance(),
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
