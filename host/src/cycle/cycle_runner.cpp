#include "cycle/cycle_runner.h"

#include "common/logging.h"
#include "common/paths.h"
#include "common/structured_log.h"
#include "delivery/dead_letter.h"
#include "delivery/pipeline.h"

#include <asset_sdk/time_util.h>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace asset_host::cycle {

namespace {

// How often the waiting thread looks at the plugin thread and the cancel token.
constexpr std::chrono::milliseconds kPollSlice{20};
// After the grace period, how often to say that the plugin still has not returned.
constexpr std::chrono::seconds kStuckReportEvery{10};

// What the thread watching the plugin does besides waiting: progress lines while the cycle
// runs, a warning when the plugin ignores a shutdown beyond the grace period.
struct Watch {
    const CancelToken& cancel;
    asset_sdk::Millis grace_period;
    asset_sdk::Millis progress_every;
    std::function<void()> progress;
    spdlog::logger& log;
};

// Runs the plugin's fetch on its own thread so that this one can watch it.
FetchResult fetch_watched(const FetchFn& fetch, RecordSink& sink,
                          const std::optional<std::string>& checkpoint, bool full,
                          const Watch& watch) {
    const CancelToken& cancel = watch.cancel;
    auto next_progress = std::chrono::steady_clock::now() + watch.progress_every;
    FetchResult fetched;
    std::mutex mu;
    std::condition_variable cv;
    bool fetch_done = false;
    std::thread fetch_thread([&] {
        FetchResult r = fetch(sink, checkpoint, full);
        std::lock_guard lock(mu);
        fetched = std::move(r);
        fetch_done = true;
        cv.notify_all();
    });
    {
        std::unique_lock lock(mu);
        std::optional<std::chrono::steady_clock::time_point> report_at;
        while (!cv.wait_for(lock, kPollSlice, [&] { return fetch_done; })) {
            const auto now = std::chrono::steady_clock::now();
            if (!cancel.cancelled()) {
                if (now < next_progress) continue;
                next_progress = now + watch.progress_every;
                lock.unlock();  // the plugin thread may finish meanwhile
                watch.progress();
                lock.lock();
                continue;
            }
            if (!report_at) {
                report_at = now + watch.grace_period;
            } else if (now >= *report_at) {
                watch.log.warn(
                    "the plugin has not stopped since the shutdown request; waiting for it "
                    "(acknowledged progress is already saved)");
                *report_at = now + kStuckReportEvery;
            }
        }
    }
    fetch_thread.join();
    return fetched;
}

delivery::PipelineOptions pipeline_options(const Manifest& manifest, const CycleOptions& options,
                                           std::shared_ptr<spdlog::logger> log,
                                           const std::optional<std::string>& checkpoint) {
    delivery::PipelineOptions out;
    out.batch_size = manifest.destination.batch_size;
    out.max_in_flight = manifest.destination.max_in_flight;
    out.max_batch_bytes = options.max_batch_bytes;
    out.max_buffered_bytes = options.max_buffered_bytes;
    out.linger = options.linger;
    out.grace_period = options.grace_period;
    out.max_record_bytes = manifest.destination.max_record_bytes;
    out.log = std::move(log);
    out.stored_marker = checkpoint;
    return out;
}

// The counts of a finished pipeline, and the plugin's mode/skipped hints: the statistics it
// reported (ABI 1.1), or the keys of its last marker (a plugin of ABI 1.0).
void add_pipeline_counts(const delivery::DeliveryPipeline& pipeline, const FetchResult& fetched,
                         CycleSummary& summary) {
    const delivery::PipelineStats stats = pipeline.stats();
    summary.records_fetched = stats.records_received;
    summary.records_sent = stats.records_acked;
    summary.records_rejected = stats.records_dead_lettered;
    summary.batches = stats.batches_acked;
    summary.batches_failed = stats.batches_failed;
    summary.retries = stats.retries;
    summary.max_queue_depth = stats.max_buffered_records;
    summary.checkpoint_saved = stats.checkpoints_saved > 0;
    if (fetched.hints) {
        apply_hints(*fetched.hints, summary);
    } else if (auto marker = pipeline.last_marker()) {
        read_summary_hints(*marker, summary);
    }
    // Records the host refused from the plugin and did not keep are skipped, not rejected:
    // `rejected` counts only what is in the dead-letter file.
    if (stats.records_invalid > 0) {
        summary.skipped = summary.skipped.value_or(0) + stats.records_invalid;
    }
}

// Failed (the plugin and/or the delivery, both named), else cancelled, else partial (records
// dead-lettered), else ok.
void set_outcome(const asset_sdk::Status& delivered, const FetchResult& fetched,
                 const CancelToken& cancel, CycleSummary& summary) {
    const bool delivery_failed =
        !delivered.is_ok() && delivered.code() != asset_sdk::StatusCode::kCancelled;
    const bool plugin_failed = fetched.outcome == FetchResult::Outcome::kError;
    if (delivery_failed || plugin_failed) {
        summary.outcome = CycleSummary::Outcome::kFailed;
        if (delivery_failed) summary.error = "delivery: " + delivered.message();
        if (plugin_failed) {
            if (!summary.error.empty()) summary.error += "; ";
            summary.error +=
                fetched.error_names_plugin ? fetched.error : "plugin: " + fetched.error;
        }
    } else if (cancel.cancelled()) {
        summary.outcome = CycleSummary::Outcome::kCancelled;
    } else if (fetched.outcome == FetchResult::Outcome::kCancelled) {
        // The plugin stopped although nobody asked it to: its records are delivered, but the
        // cycle did not complete.
        summary.outcome = CycleSummary::Outcome::kFailed;
        summary.error = "the plugin stopped the cycle early without an error";
    } else if (summary.records_rejected > 0) {
        summary.outcome = CycleSummary::Outcome::kPartial;
    }
}

// A progress line of a running cycle (event cycle_progress).
void log_progress(spdlog::logger& log, const delivery::PipelineStats& stats,
                  asset_sdk::Millis elapsed, const std::string& details) {
    const std::string text = "cycle running for " + asset_sdk::format_duration(elapsed) + ": " +
                             std::to_string(stats.records_received) + " records so far, " +
                             std::to_string(stats.records_acked) + " acknowledged" +
                             (details.empty() ? std::string() : "; plugin: " + details);
    log_event(log, spdlog::level::info,
              LogEvent("cycle_progress")
                  .field("records", stats.records_received)
                  .field("delivered", stats.records_acked)
                  .field("elapsed_s", std::chrono::duration<double>(elapsed).count())
                  .field("plugin", details),
              text);
}

// The summary line; in JSON mode a cycle_end event whose fields say the same.
void log_summary(spdlog::logger& log, const CycleSummary& s) {
    LogEvent event("cycle_end");
    event.field("mode", s.mode)
        .field("records", s.records_sent)
        .field("emitted", s.records_fetched)
        .field("batches", s.batches)
        .field("retries", s.retries);
    if (s.skipped) {
        event.field("skipped", *s.skipped);
    } else {
        event.null_field("skipped");
    }
    event.field("rejected", s.records_rejected)
        .field("duration_s", std::chrono::duration<double>(s.duration).count())
        .field("outcome", outcome_word(s.outcome));
    if (s.error.empty()) {
        event.null_field("error");
    } else {
        event.field("error", s.error);
    }
    spdlog::level::level_enum level = spdlog::level::info;
    if (s.outcome == CycleSummary::Outcome::kFailed) level = spdlog::level::err;
    if (s.outcome == CycleSummary::Outcome::kPartial) level = spdlog::level::warn;
    log_event(log, level, event, format_summary(s));
}

// Stamps the duration and logs the summary line (error level when failed, warn when partial).
CycleSummary finish_summary(CycleSummary summary, asset_sdk::SteadyTime started,
                            asset_sdk::Clock& clock, const CycleOptions& options,
                            spdlog::logger& log) {
    summary.duration = std::chrono::duration_cast<asset_sdk::Millis>(clock.steady_now() - started);
    if (options.log_summary) log_summary(log, summary);
    return summary;
}

}  // namespace

CycleSummary run_cycle(const Manifest& manifest, const FetchFn& fetch,
                       delivery::Destination& destination, CheckpointStore& store,
                       const CancelToken& cancel, asset_sdk::Clock& clock,
                       const CycleOptions& options) {
    const std::shared_ptr<spdlog::logger> log =
        options.log ? options.log : connector_logger(manifest.name);
    const asset_sdk::SteadyTime started = clock.steady_now();
    CycleSummary summary;
    summary.connector = manifest.name;
    if (options.full) summary.mode = "full";

    auto loaded = store.load(manifest.name);
    if (!loaded.is_ok()) {
        summary.outcome = CycleSummary::Outcome::kFailed;
        // The store's message names the file and how to reset it.
        summary.error = "cannot read the checkpoint: " + loaded.status().message();
        return finish_summary(std::move(summary), started, clock, options, *log);
    }
    std::optional<std::string> checkpoint;
    if (loaded->has_value()) checkpoint = (*loaded)->marker_json;

    delivery::DeadLetterFile dead_letters(delivery::dead_letter_path(store.dir(), manifest.name),
                                          manifest.name, clock);
    delivery::PipelineOptions pipeline_opts = pipeline_options(manifest, options, log, checkpoint);
    pipeline_opts.rejects = &dead_letters;
    delivery::DeliveryPipeline pipeline(
        destination,
        [&](std::string_view marker) { return store.save(manifest.name, manifest.plugin, marker); },
        cancel, clock, std::move(pipeline_opts));
    const Watch watch{
        cancel, options.grace_period, options.progress_every,
        [&] {
            log_progress(
                *log, pipeline.stats(),
                std::chrono::duration_cast<asset_sdk::Millis>(clock.steady_now() - started),
                options.progress_details ? options.progress_details() : std::string());
        },
        *log};
    const FetchResult fetched = fetch_watched(fetch, pipeline, checkpoint, options.full, watch);
    const asset_sdk::Status delivered = pipeline.finish();
    add_pipeline_counts(pipeline, fetched, summary);
    set_outcome(delivered, fetched, cancel, summary);
    if (summary.records_rejected > 0) {
        log->warn(
            "{} records were refused and kept in {} (list them with `asset-host state "
            "rejected {}`, re-send them with `asset-host replay`)",
            summary.records_rejected,
            display_path(delivery::dead_letter_path(store.dir(), manifest.name)), manifest.name);
    }
    return finish_summary(std::move(summary), started, clock, options, *log);
}

}  // namespace asset_host::cycle
