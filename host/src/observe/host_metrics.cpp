#include "observe/host_metrics.h"

#include <prometheus/text_serializer.h>

#include <exception>

namespace asset_host::observe {

namespace {

using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Histogram;
using prometheus::Labels;

constexpr const char* kCycleOutcomes[] = {"success", "partial", "failed", "cancelled"};
constexpr const char* kBatchOutcomes[] = {"acknowledged", "failed"};

// Cycles last from under a second (an incremental sync) to an hour (a large org under a tight
// rate limit); a request to the destination from milliseconds to its timeout.
Histogram::BucketBoundaries cycle_buckets() {
    return {0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600};
}
Histogram::BucketBoundaries request_buckets() {
    return {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

double seconds_since_epoch(asset_sdk::SystemTime t) {
    return std::chrono::duration<double>(t.time_since_epoch()).count();
}

prometheus::ClientMetric gauge_metric(Labels labels, double value) {
    prometheus::ClientMetric m;
    for (auto& [name, v] : labels) m.label.push_back({name, v});
    m.gauge.value = value;
    return m;
}

}  // namespace

struct HostMetrics::Families {
    Family<Counter>& cycles;
    Family<Histogram>& cycle_duration;
    Family<Counter>& emitted;
    Family<Counter>& delivered;
    Family<Counter>& rejected;
    Family<Counter>& batches;
    Family<Counter>& retries;
    Family<Histogram>& request_duration;
    Family<Gauge>& last_success;
    Family<Gauge>& next_cycle;
    Family<Gauge>& queue_peak;
    Family<Gauge>& schedule;
    Family<Gauge>& failures_in_a_row;
    Family<Gauge>& build_info;
    Family<Gauge>& plugins_loaded;

    explicit Families(prometheus::Registry& r)
        : cycles(counter(r, "asset_host_cycles_total", "Cycles run, by outcome")),
          cycle_duration(prometheus::BuildHistogram()
                             .Name("asset_host_cycle_duration_seconds")
                             .Help("Duration of a cycle, from its start to its last "
                                   "acknowledgement")
                             .Register(r)),
          emitted(counter(r, "asset_host_records_emitted_total",
                          "Records the plugin emitted and the host accepted")),
          delivered(counter(r, "asset_host_records_delivered_total",
                            "Records the destination acknowledged")),
          rejected(counter(r, "asset_host_records_rejected_total",
                           "Records refused by the destination or too large (dead-lettered)")),
          batches(counter(r, "asset_host_batches_total", "Batches sent, by outcome")),
          retries(counter(r, "asset_host_destination_retries_total",
                          "Requests to the destination that were retried")),
          request_duration(prometheus::BuildHistogram()
                               .Name("asset_host_destination_request_duration_seconds")
                               .Help("Duration of one batch's delivery to the destination, "
                                     "retries included")
                               .Register(r)),
          last_success(gauge(r, "asset_host_last_success_timestamp_seconds",
                             "End of the last successful cycle (Unix time)")),
          next_cycle(gauge(r, "asset_host_next_cycle_timestamp_seconds",
                           "When the next cycle is due (Unix time)")),
          queue_peak(gauge(r, "asset_host_delivery_queue_peak_records",
                           "Most records held in the delivery queue at once during the last "
                           "cycle")),
          schedule(gauge(r, "asset_host_schedule_seconds",
                         "The connector's schedule.every: start-to-start time of its cycles")),
          failures_in_a_row(gauge(r, "asset_host_consecutive_failed_cycles",
                                  "Cycles failed in a row since the last success")),
          build_info(gauge(r, "asset_host_build_info", "Version and plugin ABI of asset-host")),
          plugins_loaded(gauge(r, "asset_host_plugins_loaded", "Plugins loaded")) {}

    static Family<Counter>& counter(prometheus::Registry& r, const char* name, const char* help) {
        return prometheus::BuildCounter().Name(name).Help(help).Register(r);
    }
    static Family<Gauge>& gauge(prometheus::Registry& r, const char* name, const char* help) {
        return prometheus::BuildGauge().Name(name).Help(help).Register(r);
    }
};

struct ConnectorMetrics::PluginSeries {
    Counter* counter = nullptr;
    Gauge* gauge = nullptr;
    Family<Counter>* counter_family = nullptr;
    Family<Gauge>* gauge_family = nullptr;
    double instance_value = 0;  // the counter's value in the current instance, last published
};

ConnectorMetrics::ConnectorMetrics(HostMetrics& owner, std::string name, std::string plugin)
    : owner_(owner), name_(std::move(name)), plugin_(std::move(plugin)) {
    HostMetrics::Families& f = *owner_.families_;
    const Labels base{{"connector", name_}, {"plugin", plugin_}};
    auto with = [&](const char* key, const char* value) {
        Labels l = base;
        l[key] = value;
        return l;
    };
    for (const char* o : kCycleOutcomes) cycles_[o] = &f.cycles.Add(with("outcome", o));
    for (const char* o : kBatchOutcomes) batches_[o] = &f.batches.Add(with("outcome", o));
    cycle_duration_ = &f.cycle_duration.Add(base, cycle_buckets());
    request_duration_ = &f.request_duration.Add(base, request_buckets());
    emitted_ = &f.emitted.Add(base);
    delivered_ = &f.delivered.Add(base);
    rejected_ = &f.rejected.Add(base);
    retries_ = &f.retries.Add(base);
    last_success_ = &f.last_success.Add(base);
    next_cycle_ = &f.next_cycle.Add(base);
    queue_peak_ = &f.queue_peak.Add(base);
    schedule_ = &f.schedule.Add(base);
    failures_in_a_row_ = &f.failures_in_a_row.Add(base);
}

void ConnectorMetrics::remove_all() {
    HostMetrics::Families& f = *owner_.families_;
    for (auto& [o, c] : cycles_) f.cycles.Remove(c);
    for (auto& [o, c] : batches_) f.batches.Remove(c);
    f.cycle_duration.Remove(cycle_duration_);
    f.request_duration.Remove(request_duration_);
    f.emitted.Remove(emitted_);
    f.delivered.Remove(delivered_);
    f.rejected.Remove(rejected_);
    f.retries.Remove(retries_);
    f.last_success.Remove(last_success_);
    f.next_cycle.Remove(next_cycle_);
    f.queue_peak.Remove(queue_peak_);
    f.schedule.Remove(schedule_);
    f.failures_in_a_row.Remove(failures_in_a_row_);
    std::lock_guard lock(plugin_mu_);
    for (auto& [key, s] : plugin_series_) {
        if (s->counter) s->counter_family->Remove(s->counter);
        if (s->gauge) s->gauge_family->Remove(s->gauge);
    }
    plugin_series_.clear();
}

void ConnectorMetrics::cycle_started() {
    state_ = ConnectorState::kRunning;
}

void ConnectorMetrics::last_success_at(asset_sdk::SystemTime when) {
    last_success_->Set(seconds_since_epoch(when));
}

void ConnectorMetrics::set_schedule(asset_sdk::Millis every) {
    schedule_->Set(std::chrono::duration<double>(every).count());
}

void ConnectorMetrics::cycle_finished(const CycleObservation& c, asset_sdk::SystemTime ended) {
    if (auto it = cycles_.find(c.outcome); it != cycles_.end()) it->second->Increment();
    cycle_duration_->Observe(c.duration_seconds);
    emitted_->Increment(static_cast<double>(c.records_emitted));
    delivered_->Increment(static_cast<double>(c.records_delivered));
    rejected_->Increment(static_cast<double>(c.records_rejected));
    retries_->Increment(static_cast<double>(c.retries));
    batches_["acknowledged"]->Increment(static_cast<double>(c.batches_ok));
    batches_["failed"]->Increment(static_cast<double>(c.batches_failed));
    queue_peak_->Set(static_cast<double>(c.queue_peak_records));
    // partial: the cycle completed (its refused records are dead-lettered): a success here.
    if (c.outcome == "success" || c.outcome == "partial") {
        last_success_at(ended);
        failures_in_a_row_->Set(0);
    } else if (c.outcome == "failed") {
        failures_in_a_row_->Increment();
    }
    state_ = c.outcome == "failed" ? ConnectorState::kFailing : ConnectorState::kIdle;
}

void ConnectorMetrics::destination_request(double seconds) {
    request_duration_->Observe(seconds);
}

void ConnectorMetrics::next_cycle_at(asset_sdk::SystemTime when) {
    next_cycle_->Set(seconds_since_epoch(when));
}

void ConnectorMetrics::checkpoint_at(asset_sdk::SystemTime when) {
    checkpoint_time_ = seconds_since_epoch(when);
}

void ConnectorMetrics::plugin_instance_started() {
    std::lock_guard lock(plugin_mu_);
    for (auto& [key, s] : plugin_series_) s->instance_value = 0;
}

void ConnectorMetrics::publish_plugin(const std::vector<PluginSample>& samples) {
    for (const PluginSample& sample : samples) {
        const std::optional<std::string> name = plugin_metric_name(sample.name);
        if (!name) continue;
        Labels labels{{"connector", name_}, {"plugin", plugin_}};
        std::string key = *name;
        bool labels_ok = true;
        for (const auto& [k, v] : sample.labels) {
            labels_ok = labels_ok && plugin_label_allowed(k);
            labels[k] = v;
            key += '\x1f' + k + '=' + v;
        }
        if (!labels_ok) continue;
        // The family first (the owner's lock), then this connector's series: never both
        // locks at once in that order, since remove_connector() holds the owner's while it
        // takes this one.
        Family<Counter>* counters = sample.counter ? owner_.plugin_counter_family(*name) : nullptr;
        Family<Gauge>* gauges = sample.counter ? nullptr : owner_.plugin_gauge_family(*name);
        std::lock_guard lock(plugin_mu_);
        std::unique_ptr<PluginSeries>& s = plugin_series_[key];
        if (!s) {
            s = std::make_unique<PluginSeries>();
            s->counter_family = counters;
            s->gauge_family = gauges;
            if (counters) s->counter = &counters->Add(labels);
            if (gauges) s->gauge = &gauges->Add(labels);
        }
        if (s->counter) {
            // An instance's counter only grows; a smaller value means a new instance.
            const double delta =
                sample.value >= s->instance_value ? sample.value - s->instance_value : sample.value;
            s->counter->Increment(delta);
            s->instance_value = sample.value;
        } else if (s->gauge) {
            s->gauge->Set(sample.value);
        }
    }
}

HostMetrics::HostMetrics(std::string_view version, std::string_view abi, asset_sdk::Clock& clock)
    : clock_(clock),
      registry_(std::make_shared<prometheus::Registry>()),
      families_(std::make_unique<Families>(*registry_)) {
    families_->build_info.Add({{"version", std::string(version)}, {"abi", std::string(abi)}})
        .Set(1);
}

HostMetrics::~HostMetrics() = default;

std::shared_ptr<ConnectorMetrics> HostMetrics::connector(const std::string& name,
                                                         const std::string& plugin) {
    std::lock_guard lock(mu_);
    auto it = connectors_.find(name);
    if (it != connectors_.end() && it->second->plugin() == plugin) return it->second;
    if (it != connectors_.end()) {  // the manifest now names another plugin
        it->second->remove_all();
        connectors_.erase(it);
    }
    std::shared_ptr<ConnectorMetrics> made(new ConnectorMetrics(*this, name, plugin));
    if (auto next = pending_next_.find(name); next != pending_next_.end()) {
        made->next_cycle_at(next->second);
        pending_next_.erase(next);
    }
    connectors_[name] = made;
    return made;
}

void HostMetrics::connector_next_cycle(const std::string& name, asset_sdk::SystemTime when) {
    std::lock_guard lock(mu_);
    if (auto it = connectors_.find(name); it != connectors_.end()) {
        it->second->next_cycle_at(when);
    } else {
        pending_next_[name] = when;
    }
}

void HostMetrics::remove_connector(const std::string& name) {
    std::lock_guard lock(mu_);
    pending_next_.erase(name);
    auto it = connectors_.find(name);
    if (it == connectors_.end()) return;
    it->second->remove_all();
    connectors_.erase(it);
}

void HostMetrics::set_plugins_loaded(std::size_t count) {
    families_->plugins_loaded.Add({}).Set(static_cast<double>(count));
}

Family<Counter>* HostMetrics::plugin_counter_family(const std::string& name) {
    std::lock_guard lock(mu_);
    auto& family = plugin_counters_[name];
    if (family == nullptr) {
        try {
            family = &prometheus::BuildCounter()
                          .Name(name)
                          .Help("Plugin statistic (counter)")
                          .Register(*registry_);
        } catch (const std::exception&) {
            return nullptr;  // a name the registry refuses: the series is left out
        }
    }
    return family;
}

Family<Gauge>* HostMetrics::plugin_gauge_family(const std::string& name) {
    std::lock_guard lock(mu_);
    auto& family = plugin_gauges_[name];
    if (family == nullptr) {
        try {
            family = &prometheus::BuildGauge()
                          .Name(name)
                          .Help("Plugin statistic (gauge)")
                          .Register(*registry_);
        } catch (const std::exception&) {
            return nullptr;
        }
    }
    return family;
}

std::vector<prometheus::MetricFamily> HostMetrics::computed_families() const {
    prometheus::MetricFamily states{
        "asset_host_connectors", "Connectors, by state", prometheus::MetricType::Gauge, {}};
    prometheus::MetricFamily ages{"asset_host_checkpoint_age_seconds",
                                  "Time since the connector's checkpoint was last saved",
                                  prometheus::MetricType::Gauge,
                                  {}};
    std::map<std::string, double> by_state{{"idle", 0}, {"running", 0}, {"failing", 0}};
    const double now = seconds_since_epoch(clock_.now());
    std::lock_guard lock(mu_);
    for (const auto& [name, c] : connectors_) {
        const ConnectorState s = c->state();
        by_state[s == ConnectorState::kRunning   ? "running"
                 : s == ConnectorState::kFailing ? "failing"
                                                 : "idle"] += 1;
        if (const double t = c->checkpoint_time(); t > 0) {
            ages.metric.push_back(
                gauge_metric({{"connector", name}, {"plugin", c->plugin()}}, now - t));
        }
    }
    for (const auto& [state, count] : by_state) {
        states.metric.push_back(gauge_metric({{"state", state}}, count));
    }
    return {std::move(states), std::move(ages)};
}

std::string HostMetrics::scrape() const {
    std::vector<prometheus::MetricFamily> families = registry_->Collect();
    for (auto& f : computed_families()) families.push_back(std::move(f));
    return prometheus::TextSerializer().Serialize(families);
}

}  // namespace asset_host::observe
