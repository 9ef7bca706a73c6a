// What `asset-host run` shows of itself: the daemon state (health, readiness), the metrics,
// systemd notifications (when started by systemd with Type=notify) and, with --listen, the HTTP
// endpoint serving them (host/src/observe). This file joins them to the
// scheduler (a SchedulerObserver) and to each connector's runner (its cycle summaries, its
// plugin's statistics, a timing wrapper around its destination), so neither the scheduler nor
// the cycle runner knows about Prometheus or HTTP.
#pragma once

#include "config/manifest.h"
#include "cycle/cycle_summary.h"
#include "delivery/destination.h"
#include "observe/daemon_state.h"
#include "observe/host_metrics.h"
#include "observe/observe_server.h"
#include "observe/systemd_notifier.h"
#include "plugin/plugin_statistics.h"
#include "scheduler/scheduler_observer.h"
#include "state/cycle_record_store.h"

#include <asset_sdk/clock.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace asset_host {

// The metric words for a cycle summary.
observe::CycleObservation observation_of(const cycle::CycleSummary& summary);
// A plugin instance's statistics as one line for a progress log: name{labels}=value ...
std::string statistics_text(const std::vector<StatisticSeries>& series);
// A plugin instance's statistics as metric samples.
std::vector<observe::PluginSample> samples_of(const std::vector<StatisticSeries>& series);

// The daemon's observability, for the life of `run`.
class RunObservability final : public scheduler::SchedulerObserver {
public:
    RunObservability(asset_sdk::Clock& clock, const std::filesystem::path& state_dir);
    ~RunObservability() override;

    // The connector's metrics for a new runner (and its plugin instance).
    std::shared_ptr<observe::ConnectorMetrics> connector_started(const Manifest& manifest);
    // After every cycle of a connector (from its thread): the metrics, the plugin's
    // statistics, and the last-cycle record `asset-host status` reads.
    void cycle_finished(const Manifest& manifest, observe::ConnectorMetrics& metrics,
                        const cycle::CycleSummary& summary, asset_sdk::SystemTime started,
                        const PluginStatistics& statistics);

    // Serves /metrics, /healthz and /readyz on `address` and logs "listening on <addr:port>".
    asset_sdk::Status listen(const observe::ListenAddress& address);

    observe::DaemonState& state() { return state_; }
    observe::HostMetrics& metrics() { return metrics_; }

    void loop_tick() override;
    void connectors_scheduled(std::size_t count) override;
    void reload_started() override;
    void reload_finished() override;
    void stopping() override;
    void next_cycle(const std::string& connector, asset_sdk::SteadyTime when) override;
    void connector_stopped(const std::string& connector) override;

private:
    asset_sdk::Clock& clock_;
    CycleRecordStore records_;
    observe::DaemonState state_;
    observe::HostMetrics metrics_;
    observe::SystemdNotifier notifier_;
    std::unique_ptr<observe::ObserveServer> server_;
};

// A destination that times every delivery of a batch for the connector's metrics.
class TimedDestination final : public delivery::Destination {
public:
    TimedDestination(std::unique_ptr<delivery::Destination> inner,
                     std::shared_ptr<observe::ConnectorMetrics> metrics);

    delivery::DeliveryResult deliver(const delivery::Batch& batch,
                                     const asset_sdk::CancelCheck& abort) override;
    int max_concurrency() const override { return inner_->max_concurrency(); }

private:
    std::unique_ptr<delivery::Destination> inner_;
    std::shared_ptr<observe::ConnectorMetrics> metrics_;
};

}  // namespace asset_host
