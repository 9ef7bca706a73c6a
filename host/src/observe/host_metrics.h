// Every series /metrics exports, in one prometheus-cpp registry: per connector (labels
// `connector`, `plugin`), per process, and the plugins' own statistics. The README's metrics
// table lists them.
//
// Who reports what (narrow seams, so the parts that report stay ignorant of Prometheus):
//   - the connector's runner, at every cycle end: cycle_finished() and publish_plugin();
//   - a timing wrapper around the destination: destination_request();
//   - the scheduler's observer: next_cycle_at(), set_state(), remove_connector().
// A scrape never waits for a connector: per-connector values are prometheus-cpp metrics
// (atomics) or atomics of ConnectorMetrics; the only mutexes a scrape takes are the registry's
// and this class's map of connectors, which connectors touch only when they are added, removed,
// or publish their plugin statistics at the end of a cycle — never while fetching or
// delivering.
#pragma once

#include "observe/metric_names.h"

#include <asset_sdk/clock.h>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace asset_host::observe {

// What one cycle did, in the words of the metrics.
struct CycleObservation {
    std::string outcome;  // success | partial | failed | cancelled
    double duration_seconds = 0;
    std::uint64_t records_emitted = 0;
    std::uint64_t records_delivered = 0;
    std::uint64_t records_rejected = 0;
    std::uint64_t batches_ok = 0;
    std::uint64_t batches_failed = 0;
    std::uint64_t retries = 0;
    std::uint64_t queue_peak_records = 0;
};

// One series of a plugin's statistics (the latest value the host keeps for it).
struct PluginSample {
    std::string name;  // the plugin's statistic name, e.g. requests_total
    std::vector<std::pair<std::string, std::string>> labels;
    bool counter = false;  // else a gauge
    double value = 0;      // counter: the total since the instance started; gauge: the last set
};

// What a connector is doing, for asset_host_connectors{state}.
enum class ConnectorState { kIdle, kRunning, kFailing };

class HostMetrics;

// One connector's series. Kept by its runner; every method is thread-safe.
class ConnectorMetrics {
public:
    void cycle_started();
    void set_schedule(asset_sdk::Millis every);
    // The last success known from before this process (the persisted last-cycle record).
    void last_success_at(asset_sdk::SystemTime when);
    void cycle_finished(const CycleObservation& cycle, asset_sdk::SystemTime ended);
    void destination_request(double seconds);
    void next_cycle_at(asset_sdk::SystemTime when);
    void checkpoint_at(asset_sdk::SystemTime when);
    // The plugin instance's statistics. Counters are exported as totals that never go back:
    // a new instance (a changed manifest) counts from 0 again, so call plugin_instance_started()
    // when one is made and its values are added on to what the previous one reported.
    void plugin_instance_started();
    void publish_plugin(const std::vector<PluginSample>& samples);

    ConnectorState state() const { return state_.load(); }
    const std::string& name() const { return name_; }
    const std::string& plugin() const { return plugin_; }
    double checkpoint_time() const { return checkpoint_time_.load(); }  // 0: unknown

private:
    friend class HostMetrics;
    ConnectorMetrics(HostMetrics& owner, std::string name, std::string plugin);
    void remove_all();

    struct PluginSeries;
    HostMetrics& owner_;
    std::string name_;
    std::string plugin_;
    std::map<std::string, prometheus::Counter*> cycles_;  // by outcome
    std::map<std::string, prometheus::Counter*> batches_;
    prometheus::Histogram* cycle_duration_ = nullptr;
    prometheus::Histogram* request_duration_ = nullptr;
    prometheus::Counter* emitted_ = nullptr;
    prometheus::Counter* delivered_ = nullptr;
    prometheus::Counter* rejected_ = nullptr;
    prometheus::Counter* retries_ = nullptr;
    prometheus::Gauge* last_success_ = nullptr;
    prometheus::Gauge* next_cycle_ = nullptr;
    prometheus::Gauge* queue_peak_ = nullptr;
    prometheus::Gauge* schedule_ = nullptr;
    prometheus::Gauge* failures_in_a_row_ = nullptr;
    std::atomic<ConnectorState> state_{ConnectorState::kIdle};
    std::atomic<double> checkpoint_time_{0};
    std::mutex plugin_mu_;  // publish_plugin vs remove_all
    std::map<std::string, std::unique_ptr<PluginSeries>> plugin_series_;
};

class HostMetrics {
public:
    HostMetrics(std::string_view version, std::string_view abi, asset_sdk::Clock& clock);
    ~HostMetrics();

    // The connector's series (made on first use). `plugin` is the manifest's plugin id.
    std::shared_ptr<ConnectorMetrics> connector(const std::string& name, const std::string& plugin);
    // A connector removed by a reload: its series disappear from /metrics.
    void remove_connector(const std::string& name);
    // When a connector's next cycle is due; kept until its series are made when it has none
    // yet (the scheduler knows the time before the connector's first cycle).
    void connector_next_cycle(const std::string& name, asset_sdk::SystemTime when);
    void set_plugins_loaded(std::size_t count);

    // The Prometheus text exposition of every series.
    std::string scrape() const;

private:
    friend class ConnectorMetrics;
    struct Families;

    // Series computed at scrape time (connectors by state, checkpoint ages).
    std::vector<prometheus::MetricFamily> computed_families() const;

    prometheus::Family<prometheus::Counter>* plugin_counter_family(const std::string& name);
    prometheus::Family<prometheus::Gauge>* plugin_gauge_family(const std::string& name);

    asset_sdk::Clock& clock_;
    std::shared_ptr<prometheus::Registry> registry_;
    std::unique_ptr<Families> families_;
    mutable std::mutex mu_;  // connectors_ and the plugin families
    std::map<std::string, std::shared_ptr<ConnectorMetrics>> connectors_;
    std::map<std::string, asset_sdk::SystemTime> pending_next_;
    std::map<std::string, prometheus::Family<prometheus::Counter>*> plugin_counters_;
    std::map<std::string, prometheus::Family<prometheus::Gauge>*> plugin_gauges_;
};

}  // namespace asset_host::observe
