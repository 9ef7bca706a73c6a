#include "isolation/process_plugin.h"

#include "common/logging.h"
#include "common/redactor.h"
#include "isolation/worker_end.h"
#include "plugin/plugin_loader.h"

#include <asset_sdk/time_util.h>

namespace asset_host::isolation {

ProcessPlugin::ProcessPlugin(const LoadedPlugin& plugin, Manifest manifest, CancelToken cancel,
                             ProcessOptions options)
    : plugin_(plugin),
      manifest_(std::move(manifest)),
      cancel_(std::move(cancel)),
      options_(std::move(options)),
      log_(connector_logger(manifest_.name)),
      statistics_(log_) {
    if (!options_.spawner) options_.spawner = process_spawner();
    if (!options_.clock) options_.clock = &asset_sdk::SystemClock::instance();
}

WorkerConfig ProcessPlugin::config_for(WorkerCommand command) const {
    WorkerConfig c;
    c.command = command;
    c.plugin_file = plugin_.file.string();
    c.plugin_id = plugin_.id;
    c.connector = manifest_.name;
    c.manifest_file = manifest_.file.string();
    c.config_json = manifest_.config.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    c.log_level = static_cast<std::uint8_t>(log_->level());
    c.memory_limit = manifest_.limits.memory;
    return c;
}

std::string ProcessPlugin::run(const WorkerConfig& config, SessionTargets& targets,
                               const char* during, SessionOutcome& outcome) {
    SessionLimits limits;
    limits.grace_period = options_.grace_period;
    limits.cycle_timeout = manifest_.limits.cycle_timeout;
    outcome = run_session(*options_.spawner, config, targets, cancel_, *options_.clock, limits);
    if (outcome.exit) {
        const WorkerExit& e = *outcome.exit;
        log_->debug("worker {} ({}) ended: {} {}, ran {}, cpu {:.2f}s, peak RSS {:.1f} MiB",
                    outcome.pid, during, e.signaled ? "signal" : "status",
                    e.signaled ? signal_name(e.code) : std::to_string(e.code),
                    asset_sdk::format_duration(outcome.ran, asset_sdk::DurationPrecision::kTenths),
                    e.cpu_seconds, static_cast<double>(e.max_rss_kib) / 1024.0);
    }
    EndContext context;
    context.plugin_id = plugin_.id;
    context.during = during;
    context.grace_period = options_.grace_period;
    context.cycle_timeout = manifest_.limits.cycle_timeout;
    context.memory_limit = manifest_.limits.memory;
    return redact(describe_worker_end(outcome, context));
}

// The end of a configure-only or test worker as a Status (errors worded as in-process).
asset_sdk::Status ProcessPlugin::status_of(const SessionOutcome& outcome,
                                           const std::string& failure) const {
    using asset_sdk::StatusCode;
    if (!failure.empty()) return asset_sdk::Status(StatusCode::kInternal, failure);
    const WorkerResult& r = *outcome.result;
    switch (r.code) {
        case ResultCode::kOk:
            return asset_sdk::Status::ok();
        case ResultCode::kCancelled:
            return asset_sdk::cancelled("test cancelled");
        case ResultCode::kConfigRejected:
            return asset_sdk::invalid_argument(redact(r.message));
        case ResultCode::kFailed:
            return asset_sdk::Status(StatusCode::kInternal, redact(r.message));
        default:
            return asset_sdk::Status(
                StatusCode::kInternal,
                "plugin " + plugin_.id + " could not run in its worker: " + redact(r.message));
    }
}

asset_sdk::Status ProcessPlugin::check_configuration() {
    SessionTargets targets;
    targets.statistics = &statistics_;
    targets.log = log_.get();
    SessionOutcome outcome;
    const std::string failure =
        run(config_for(WorkerCommand::kConfigure), targets, "configuration", outcome);
    return status_of(outcome, failure);
}

asset_sdk::Status ProcessPlugin::test(const std::function<void(const CheckResult&)>& on_check) {
    SessionTargets targets;
    targets.on_check = &on_check;
    targets.statistics = &statistics_;
    targets.log = log_.get();
    SessionOutcome outcome;
    const std::string failure = run(config_for(WorkerCommand::kTest), targets, "test", outcome);
    return status_of(outcome, failure);
}

FetchResult ProcessPlugin::fetch(RecordSink& sink, const std::optional<std::string>& checkpoint,
                                 bool full) {
    WorkerConfig config = config_for(WorkerCommand::kFetch);
    config.checkpoint = checkpoint;
    config.full = full;
    SessionTargets targets;
    targets.sink = &sink;
    targets.statistics = &statistics_;
    targets.log = log_.get();
    statistics_.begin_cycle();
    SessionOutcome outcome;
    const std::string failure = run(config, targets, "fetch", outcome);

    FetchResult result;
    if (plugin_.abi_minor >= 1) result.hints = statistics_.cycle_hints();
    const WorkerResult* r = outcome.result ? &*outcome.result : nullptr;
    if (failure.empty() && r->code == ResultCode::kOk) return result;
    if (failure.empty() && r->code == ResultCode::kCancelled) {
        result.outcome = FetchResult::Outcome::kCancelled;
        return result;
    }
    result.outcome = FetchResult::Outcome::kError;
    if (!failure.empty()) {
        result.error = failure;
        result.error_names_plugin = true;
    } else if (r->code == ResultCode::kFailed) {
        result.error = redact(r->message);  // the plugin's own words
    } else {
        result.error = status_of(outcome, failure).message();
        result.error_names_plugin = true;
    }
    return result;
}

}  // namespace asset_host::isolation
