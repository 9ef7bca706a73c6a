// Delivery seam (see delivery_commands.h): `fetch` without --output, `run`, and the
// destination half of `test`, on top of host/src/delivery and host/src/scheduler.
#include "cli/delivery_commands.h"

#include "cli/connector_setup.h"
#include "common/console.h"
#include "common/exit_codes.h"
#include "common/logging.h"
#include "common/signals.h"
#include "config/manifest_finder.h"
#include "delivery/cycle_runner.h"
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
                 delivery::CycleOptions options)
        : manifest_(std::move(manifest)),
          plugin_(std::move(plugin)),
          destination_(std::move(destination)),
          store_(store),
          options_(std::move(options)) {}

    delivery::CycleSummary run_cycle(const CancelToken& cancel) override {
        return delivery::run_cycle(manifest_, *plugin_, *destination_, store_, cancel,
                                   asset_sdk::SystemClock::instance(), options_);
    }

private:
    Manifest manifest_;
    std::unique_ptr<PluginInstance> plugin_;
    std::unique_ptr<delivery::Destination> destination_;
    CheckpointStore& store_;
    delivery::CycleOptions options_;
};

}  // namespace

int cmd_fetch_deliver(const GlobalOptions& g, const FetchArgs& args) {
    int exit_code = kExitOk;
    auto connector = open_connector(g, args.target, exit_code);
    if (!connector) return exit_code;
    const Manifest& manifest = connector->manifest;
    auto& clock = asset_sdk::SystemClock::instance();
    auto destination =
        delivery::make_destination(manifest.destination, clock, connector_logger(manifest.name));
    if (!destination) {
        print_error("asset-host: " + destination.status().message());
        return kExitUsage;
    }
    CheckpointStore store(g.state_dir);
    delivery::CycleOptions options;
    options.full = args.full;
    const delivery::CycleSummary summary =
        delivery::run_cycle(manifest, *connector->plugin, **destination, store,
                            connector->cancel.token(), clock, options);
    return summary.ok() ? kExitOk : kExitFailure;
}

int cmd_run(const GlobalOptions& g, const RunArgs& args) {
    CheckpointStore store(g.state_dir);
    // At start every manifest must be valid (exit 2 naming the problems: a daemon should not
    // come up half-configured). On a reload (SIGHUP) a manifest that no longer validates keeps
    // running with its last good version, and the errors are printed: an edit in progress must
    // not stop a working connector.
    std::map<std::filesystem::path, Manifest> last_good;
    bool first_load = true;
    bool start_invalid = false;
    auto source = [&]() -> asset_sdk::Result<std::vector<Manifest>> {
        auto files = list_manifest_files(g.manifests_dir);
        if (!files) return files.status();
        std::vector<Manifest> manifests;
        std::map<std::filesystem::path, Manifest> good;
        for (const auto& file : *files) {
            int code = kExitOk;
            if (auto prepared = prepare_connector_file(g, file, code)) {
                good[file] = prepared->manifest;
                manifests.push_back(std::move(prepared->manifest));
            } else if (first_load) {
                start_invalid = true;
            } else if (auto it = last_good.find(file); it != last_good.end()) {
                host_log().error("{}: invalid after reload; keeping its previous version",
                                 file.string());
                good[file] = it->second;
                manifests.push_back(it->second);
            }
        }
        last_good = std::move(good);
        first_load = false;
        if (start_invalid) return asset_sdk::invalid_argument("invalid manifests; nothing started");
        return manifests;
    };
    auto factory = [&g, &store, &args](const Manifest& manifest, const CancelToken& cancel)
        -> asset_sdk::Result<std::unique_ptr<scheduler::ConnectorRunner>> {
        const LoadedPlugin* plugin = plugin_catalog(g).find(manifest.plugin);
        if (plugin == nullptr) {
            return asset_sdk::not_found(plugin_catalog(g).missing_plugin_message(manifest.plugin));
        }
        auto instance = PluginInstance::create(*plugin, manifest, cancel);
        if (!instance) return instance.status();
        auto destination =
            delivery::make_destination(manifest.destination, asset_sdk::SystemClock::instance(),
                                       connector_logger(manifest.name));
        if (!destination) return destination.status();
        delivery::CycleOptions options;
        options.grace_period = args.grace_period;
        return std::unique_ptr<scheduler::ConnectorRunner>(new PluginRunner(
            manifest, std::move(instance).value(), std::move(destination).value(), store, options));
    };
    scheduler::SchedulerOptions options;
    options.once = args.once;
    options.take_reload_request = [] { return reload_requested().exchange(false); };
    scheduler::Scheduler scheduler(source, factory, asset_sdk::SystemClock::instance(), options);
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

void run_destination_checks(const Manifest& manifest, const CancelToken& cancel,
                            const std::function<void(const CheckResult&)>& on_check) {
    delivery::destination_checks(manifest.destination, on_check,
                                 [cancel] { return cancel.cancelled(); });
}

}  // namespace asset_host
