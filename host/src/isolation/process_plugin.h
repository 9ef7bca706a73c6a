// `isolation: process`: a ConnectorPlugin whose every call (configure check, test, fetch) runs
// in a worker process of its own (session.h), so that a plugin that crashes, calls exit(),
// hangs or exhausts its memory costs that one call, never the host. Between calls nothing runs:
// an idle connector costs no process and no thread. What the host keeps across calls: the
// plugin's statistics (the worker relays them; counters go on adding up).
//
// The manifest's limits apply: limits.memory as the worker's address-space limit,
// limits.cycle_timeout as a wall-clock bound of each fetch (then the worker is told to stop,
// and killed after the grace period). A worker that ends abnormally fails the call with one
// sentence naming the plugin (worker_end.h); what it delivered before stays delivered and
// checkpointed by the cycle as usual.
#pragma once

#include "common/cancellation.h"
#include "config/manifest.h"
#include "isolation/session.h"
#include "isolation/spawner.h"
#include "plugin/connector_plugin.h"
#include "plugin/plugin_statistics.h"

#include <asset_sdk/clock.h>

#include <spdlog/logger.h>

#include <memory>

namespace asset_host {
class LoadedPlugin;  // plugin/plugin_loader.h
}

namespace asset_host::isolation {

struct ProcessOptions {
    // How long a worker has to stop after a shutdown or a cycle timeout before it is killed.
    asset_sdk::Millis grace_period{10'000};
    std::shared_ptr<WorkerSpawner> spawner;  // nullptr: process_spawner()
    asset_sdk::Clock* clock = nullptr;       // nullptr: the system clock
};

class ProcessPlugin final : public ConnectorPlugin {
public:
    // `plugin` lives until the process exits (plugin_loader.h); `cancel` is the connector's
    // token: a shutdown stops the running worker.
    ProcessPlugin(const LoadedPlugin& plugin, Manifest manifest, CancelToken cancel,
                  ProcessOptions options);

    // A worker that loads and configures the plugin, then ends: a refused configuration is an
    // error worded as in-process ("<manifest>: config: plugin x rejected the configuration: ...").
    asset_sdk::Status check_configuration();

    asset_sdk::Status test(const std::function<void(const CheckResult&)>& on_check) override;
    FetchResult fetch(RecordSink& sink, const std::optional<std::string>& checkpoint,
                      bool full) override;
    const PluginStatistics& statistics() const override { return statistics_; }

private:
    WorkerConfig config_for(WorkerCommand command) const;
    // Runs one worker; returns the sentence describing an abnormal end ("" when it ended well).
    std::string run(const WorkerConfig& config, SessionTargets& targets, const char* during,
                    SessionOutcome& outcome);
    asset_sdk::Status status_of(const SessionOutcome& outcome, const std::string& failure) const;

    const LoadedPlugin& plugin_;
    Manifest manifest_;
    CancelToken cancel_;
    ProcessOptions options_;
    std::shared_ptr<spdlog::logger> log_;
    PluginStatistics statistics_;
};

}  // namespace asset_host::isolation
