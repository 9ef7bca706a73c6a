#include "cycle/cycle_runner.h"

#include "common/logging.h"
#include "delivery/pipeline.h"

#include <condition_variable>
#include <mutex>
#include <thread>

namespace asset_host::cycle {

namespace {

// How often the waiting thread looks at the plugin thread and the cancel token.
constexpr std::chrono::milliseconds kPollSlice{20};
// After the grace period, how often to say that the plugin still has not returned.
constexpr std::chrono::seconds kStuckReportEvery{10};

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

    auto finish_summary = [&]() -> CycleSummary {
        summary.duration =
            std::chrono::duration_cast<asset_sdk::Millis>(clock.steady_now() - started);
        if (options.log_summary) {
            if (summary.outcome == CycleSummary::Outcome::kFailed) {
                log->error("{}", format_summary(summary));
            } else {
                log->info("{}", format_summary(summary));
            }
        }
        return summary;
    };

    std::optional<std::string> checkpoint;
    {
        auto loaded = store.load(manifest.name);
        if (!loaded.is_ok()) {
            summary.outcome = CycleSummary::Outcome::kFailed;
            // The store's message names the file and how to reset it.
            summary.error = "cannot read the checkpoint: " + loaded.status().message();
            return finish_summary();
        }
        if (loaded->has_value()) checkpoint = (*loaded)->marker_json;
    }

    delivery::PipelineOptions pipeline_options;
    pipeline_options.batch_size = manifest.destination.batch_size;
    pipeline_options.max_in_flight = manifest.destination.max_in_flight;
    pipeline_options.max_batch_bytes = options.max_batch_bytes;
    pipeline_options.max_buffered_bytes = options.max_buffered_bytes;
    pipeline_options.linger = options.linger;
    pipeline_options.grace_period = options.grace_period;
    pipeline_options.log = log;
    pipeline_options.stored_marker = checkpoint;
    delivery::DeliveryPipeline pipeline(
        destination,
        [&](std::string_view marker) { return store.save(manifest.name, manifest.plugin, marker); },
        cancel, clock, pipeline_options);

    // The plugin runs on its own thread so that this one can watch it: after a shutdown it
    // says so when the plugin ignores cancelled() beyond the grace period.
    FetchResult fetched;
    std::mutex mu;
    std::condition_variable cv;
    bool fetch_done = false;
    std::thread fetch_thread([&] {
        FetchResult r = fetch(pipeline, checkpoint, options.full);
        std::lock_guard lock(mu);
        fetched = std::move(r);
        fetch_done = true;
        cv.notify_all();
    });
    {
        std::unique_lock lock(mu);
        std::optional<std::chrono::steady_clock::time_point> report_at;
        while (!cv.wait_for(lock, kPollSlice, [&] { return fetch_done; })) {
            if (!cancel.cancelled()) continue;
            const auto now = std::chrono::steady_clock::now();
            if (!report_at) {
                report_at = now + options.grace_period;
            } else if (now >= *report_at) {
                log->warn(
                    "the plugin has not stopped since the shutdown request; waiting for it "
                    "(acknowledged progress is already saved)");
                *report_at = now + kStuckReportEvery;
            }
        }
    }
    fetch_thread.join();

    const asset_sdk::Status delivered = pipeline.finish();
    const delivery::PipelineStats stats = pipeline.stats();
    summary.records_fetched = stats.records_received;
    summary.records_sent = stats.records_acked;
    summary.batches = stats.batches_acked;
    summary.retries = stats.retries;
    summary.max_queue_depth = stats.max_buffered_records;
    summary.checkpoint_saved = stats.checkpoints_saved > 0;
    if (auto marker = pipeline.last_marker()) read_summary_hints(*marker, summary);
    if (stats.records_rejected > 0) {
        summary.skipped = summary.skipped.value_or(0) + stats.records_rejected;
    }

    const bool delivery_failed =
        !delivered.is_ok() && delivered.code() != asset_sdk::StatusCode::kCancelled;
    const bool plugin_failed = fetched.outcome == FetchResult::Outcome::kError;
    if (delivery_failed || plugin_failed) {
        summary.outcome = CycleSummary::Outcome::kFailed;
        if (delivery_failed) summary.error = "delivery: " + delivered.message();
        if (plugin_failed) {
            if (!summary.error.empty()) summary.error += "; ";
            summary.error += "plugin: " + fetched.error;
        }
    } else if (cancel.cancelled()) {
        summary.outcome = CycleSummary::Outcome::kCancelled;
    } else if (fetched.outcome == FetchResult::Outcome::kCancelled) {
        // The plugin stopped although nobody asked it to: its records are delivered, but the
        // cycle did not complete.
        summary.outcome = CycleSummary::Outcome::kFailed;
        summary.error = "the plugin stopped the cycle early without an error";
    }
    return finish_summary();
}

}  // namespace asset_host::cycle
