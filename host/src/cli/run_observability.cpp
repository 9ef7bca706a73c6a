#include "cli/run_observability.h"

#include "cli/version.h"
#include "common/logging.h"

#include <asset_host/plugin_abi.h>
#include <asset_sdk/json_writer.h>
#include <asset_sdk/time_util.h>

namespace asset_host {

observe::CycleObservation observation_of(const cycle::CycleSummary& s) {
    observe::CycleObservation o;
    o.outcome = cycle::outcome_word(s.outcome);
    o.duration_seconds = std::chrono::duration<double>(s.duration).count();
    o.records_emitted = s.records_fetched;
    o.records_delivered = s.records_sent;
    o.records_rejected = s.records_rejected;
    o.batches_ok = s.batches;
    o.batches_failed = s.batches_failed;
    o.retries = s.retries;
    o.queue_peak_records = s.max_queue_depth;
    return o;
}

std::string statistics_text(const std::vector<StatisticSeries>& series) {
    std::string out;
    for (const StatisticSeries& s : series) {
        if (!out.empty()) out += ' ';
        out += s.name;
        if (!s.labels.empty()) {
            out += '{';
            for (std::size_t i = 0; i < s.labels.size(); ++i) {
                out += (i ? "," : "") + s.labels[i].first + "=" + s.labels[i].second;
            }
            out += '}';
        }
        std::string value;
        asset_sdk::JsonWriter(value).value(s.value);
        out += "=" + value;
    }
    return out;
}

std::vector<observe::PluginSample> samples_of(const std::vector<StatisticSeries>& series) {
    std::vector<observe::PluginSample> out;
    out.reserve(series.size());
    for (const StatisticSeries& s : series) {
        out.push_back({s.name, s.labels, s.kind == AH_STAT_COUNTER_ADD, s.value});
    }
    return out;
}

RunObservability::RunObservability(asset_sdk::Clock& clock, const std::filesystem::path& state_dir)
    : clock_(clock),
      records_(state_dir),
      state_(clock),
      metrics_(kHostVersion, abi_version_string(), clock),
      notifier_(clock) {}

std::shared_ptr<observe::ConnectorMetrics> RunObservability::connector_started(
    const Manifest& manifest) {
    auto metrics = metrics_.connector(manifest.name, manifest.plugin);
    metrics->plugin_instance_started();
    metrics->set_schedule(manifest.schedule.every);
    if (auto record = records_.load(manifest.name); record.is_ok() && record->has_value()) {
        if (auto t = asset_sdk::parse_iso8601((*record)->last_success_at)) {
            metrics->last_success_at(*t);
        }
    }
    return metrics;
}

void RunObservability::cycle_finished(const Manifest& manifest, observe::ConnectorMetrics& metrics,
                                      const cycle::CycleSummary& summary,
                                      asset_sdk::SystemTime started,
                                      const PluginStatistics& statistics) {
    const asset_sdk::SystemTime ended = clock_.now();
    const observe::CycleObservation seen = observation_of(summary);
    metrics.cycle_finished(seen, ended);
    if (summary.checkpoint_saved) metrics.checkpoint_at(ended);
    metrics.publish_plugin(samples_of(statistics.snapshot()));

    CycleRecord record;
    if (auto previous = records_.load(manifest.name); previous.is_ok() && previous->has_value()) {
        record.last_success_at = (*previous)->last_success_at;
    }
    record.connector = manifest.name;
    record.plugin = manifest.plugin;
    record.started_at = asset_sdk::format_iso8601_ms(started);
    record.duration_s = seen.duration_seconds;
    record.outcome = seen.outcome;
    record.mode = summary.mode;
    record.records_delivered = summary.records_sent;
    record.records_rejected = summary.records_rejected;
    record.error = summary.error;
    // ok or partial: the cycle completed.
    if (summary.ok()) record.last_success_at = asset_sdk::format_iso8601_ms(ended);
    if (auto saved = records_.save(record); !saved.is_ok()) {
        connector_logger(manifest.name)->warn("{}", saved.message());
    }
}

RunObservability::~RunObservability() {
    if (server_) server_->stop();
}

asset_sdk::Status RunObservability::listen(const observe::ListenAddress& address) {
    server_ = std::make_unique<observe::ObserveServer>(state_, metrics_);
    auto bound = server_->start(address);
    if (!bound) {
        server_.reset();
        return bound.status();
    }
    host_log().info("listening on {} (/metrics, /healthz, /readyz)", bound->to_string());
    return asset_sdk::Status::ok();
}

void RunObservability::loop_tick() {
    state_.tick();
    notifier_.tick();
}

void RunObservability::connectors_scheduled(std::size_t count) {
    state_.set_phase(observe::DaemonPhase::kRunning);
    notifier_.ready(std::to_string(count) + " connector(s) scheduled");
}

void RunObservability::reload_started() {
    state_.set_phase(observe::DaemonPhase::kReloading);
    notifier_.reloading("reloading the manifests");
}

void RunObservability::reload_finished() {
    if (state_.phase() == observe::DaemonPhase::kReloading) {
        state_.set_phase(observe::DaemonPhase::kRunning);
        notifier_.ready("manifests reloaded");
    }
}

void RunObservability::stopping() {
    state_.set_phase(observe::DaemonPhase::kStopping);
    notifier_.stopping("stopping: letting running cycles finish");
}

void RunObservability::next_cycle(const std::string& connector, asset_sdk::SteadyTime when) {
    const auto wall = clock_.now() + std::chrono::duration_cast<asset_sdk::SystemTime::duration>(
                                         when - clock_.steady_now());
    metrics_.connector_next_cycle(connector, wall);
    if (auto saved = records_.set_next_due(connector, asset_sdk::format_iso8601_ms(wall));
        !saved.is_ok()) {
        connector_logger(connector)->warn("{}", saved.message());
    }
}

void RunObservability::connector_stopped(const std::string& connector) {
    metrics_.remove_connector(connector);
}

TimedDestination::TimedDestination(std::unique_ptr<delivery::Destination> inner,
                                   std::shared_ptr<observe::ConnectorMetrics> metrics)
    : inner_(std::move(inner)), metrics_(std::move(metrics)) {}

delivery::DeliveryResult TimedDestination::deliver(const delivery::Batch& batch,
                                                   const asset_sdk::CancelCheck& abort) {
    const auto started = std::chrono::steady_clock::now();
    delivery::DeliveryResult result = inner_->deliver(batch, abort);
    metrics_->destination_request(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return result;
}

}  // namespace asset_host
