// The host's side of one worker process (isolation: process), on the calling thread: start it,
// send its config, and until it has exited and its stream is drained —
//   - feed what it streams to the cycle: records and markers to the sink (in order, with the
//     sink's back-pressure: the host reads no further while the sink blocks), checks to the
//     check callback, statistics to the statistics, log lines to the connector's log (where the
//     host's redaction applies), and credit each kItems frame once it is consumed;
//   - pass stops on: the sink's (delivery failed), a shutdown (the cancel token), the cycle
//     timeout; a worker still running `grace_period` after a shutdown or a time-out is killed;
//   - kill a worker that breaks the protocol (garbage, an unknown frame, an item where none may
//     be), or that does not exit within 5 s after its result or the end of its stream;
//   - reap it (wait4 on its pid, woken by its pidfd: no SIGCHLD handler, nothing for the
//     host's signal thread to see).
// What happened is returned; worker_end.h puts it into words.
#pragma once

#include "common/cancellation.h"
#include "common/check_result.h"
#include "common/record_sink.h"
#include "isolation/messages.h"
#include "isolation/spawner.h"
#include "plugin/plugin_statistics.h"

#include <asset_sdk/clock.h>

#include <spdlog/logger.h>

#include <functional>
#include <optional>
#include <string>

namespace asset_host::isolation {

// Where the worker's stream goes. Null members: the command streams nothing of that kind (an
// item of it is a protocol error).
struct SessionTargets {
    RecordSink* sink = nullptr;                                         // fetch
    const std::function<void(const CheckResult&)>* on_check = nullptr;  // test
    PluginStatistics* statistics = nullptr;
    spdlog::logger* log = nullptr;
};

struct SessionLimits {
    asset_sdk::Millis grace_period{10'000};
    std::optional<asset_sdk::Millis> cycle_timeout;  // applied to fetch only
};

// Why the host killed a worker.
enum class KillReason { kNone, kShutdownGrace, kTimeoutGrace, kProtocol, kNoExit };

struct SessionOutcome {
    std::string spawn_error;  // set when no worker could be started
    int pid = 0;
    std::optional<WorkerResult> result;  // its kResult frame
    std::optional<WorkerExit> exit;      // how it ended (set whenever it was started)
    KillReason killed = KillReason::kNone;
    std::string protocol_error;  // what was wrong with its stream
    bool timed_out = false;      // the cycle timeout passed: it was told to stop
    bool shutdown = false;       // the cancel token fired: it was told to stop
    asset_sdk::Millis ran{0};    // from the spawn to the reaping
};

SessionOutcome run_session(WorkerSpawner& spawner, const WorkerConfig& config,
                           SessionTargets& targets, const CancelToken& cancel,
                           asset_sdk::Clock& clock, const SessionLimits& limits);

}  // namespace asset_host::isolation
