// One fetch cycle of one connector, end to end: read the checkpoint, run the plugin's fetch on
// its own thread feeding a DeliveryPipeline, wait for every acknowledgement, persist progress,
// log one summary line. Used by `asset-host fetch` (without --output) and by the scheduler.
#pragma once

#include "common/cancellation.h"
#include "common/record_sink.h"
#include "config/manifest.h"
#include "cycle/cycle_summary.h"
#include "delivery/destination.h"
#include "plugin/connector_plugin.h"
#include "state/checkpoint_store.h"

#include <asset_sdk/clock.h>

#include <spdlog/logger.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace asset_host::cycle {

struct CycleOptions {
    bool full = false;  // ask the plugin for a full sync whatever the checkpoint says
    // After cancellation (SIGTERM), batches already cut get this long to be acknowledged.
    asset_sdk::Millis grace_period{10'000};
    asset_sdk::Millis linger{1'000};             // a partial batch older than this is sent
    std::size_t max_buffered_bytes = 64u << 20;  // memory bound of the pipeline
    std::size_t max_batch_bytes = 8u << 20;      // a batch is cut early once this big
    std::shared_ptr<spdlog::logger> log;         // nullptr: connector_logger(manifest.name)
    bool log_summary = true;                     // info-log the summary line
    // While a cycle runs, an info line (event cycle_progress) this often: records so far and
    // acknowledged, and what progress_details() says (e.g. the plugin's statistics).
    asset_sdk::Millis progress_every{30'000};
    std::function<std::string()> progress_details;
};

// The plugin side of a cycle: ConnectorPlugin::fetch, or anything with its shape.
using FetchFn = std::function<FetchResult(RecordSink& sink,
                                          const std::optional<std::string>& checkpoint, bool full)>;

// Runs one cycle. Never throws; every failure is in the summary (outcome + error).
//  - ok: the plugin finished and every record it emitted was acknowledged;
//  - cancelled: `cancel` fired (SIGTERM); acknowledged progress was persisted;
//  - failed: the plugin failed, or a batch was refused / ran out of retries, or the checkpoint
//    could not be read or saved. Nothing past the first unacknowledged record is persisted.
// Batch size and concurrency come from manifest.destination.
CycleSummary run_cycle(const Manifest& manifest, const FetchFn& fetch,
                       delivery::Destination& destination, CheckpointStore& store,
                       const CancelToken& cancel, asset_sdk::Clock& clock,
                       const CycleOptions& options = {});

// The same with a configured plugin, in process or in a worker (create it with a token that is
// cancelled together with `cancel`, so the plugin's cancelled() sees the shutdown).
inline CycleSummary run_cycle(const Manifest& manifest, ConnectorPlugin& plugin,
                              delivery::Destination& destination, CheckpointStore& store,
                              const CancelToken& cancel, asset_sdk::Clock& clock,
                              const CycleOptions& options = {}) {
    return run_cycle(
        manifest,
        [&plugin](RecordSink& sink, const std::optional<std::string>& checkpoint, bool full) {
            return plugin.fetch(sink, checkpoint, full);
        },
        destination, store, cancel, clock, options);
}

}  // namespace asset_host::cycle
