// How a worker's end reads in a cycle summary or a failed check: one sentence naming the
// plugin, e.g.
//   plugin okta_device crashed: SIGSEGV
//   plugin x exited unexpectedly (status 0) during fetch
//   plugin x was killed (memory limit 512MiB reached)
//   plugin x did not stop within the grace period (30s) after the shutdown request and was
//     killed (SIGKILL)
//   plugin x exceeded its cycle_timeout (2h) and was cancelled
//   plugin x broke the worker protocol (unknown frame type 0x7f); its worker was killed
#pragma once

#include "isolation/memory_limit.h"
#include "isolation/session.h"

#include <asset_sdk/clock.h>

#include <cstdint>
#include <optional>
#include <string>

namespace asset_host::isolation {

struct EndContext {
    std::string plugin_id;
    const char* during = "fetch";  // "fetch", "test", "configuration"
    asset_sdk::Millis grace_period{0};
    std::optional<asset_sdk::Millis> cycle_timeout;
    std::uint64_t memory_limit = 0;  // bytes; 0: none
};

// Empty when the worker ended normally: its result came, it exited 0, it was not killed and
// did not run into its cycle timeout.
std::string describe_worker_end(const SessionOutcome& outcome, const EndContext& context);

// "SIGSEGV", or "signal 42" for a number without a name.
std::string signal_name(int signo);

}  // namespace asset_host::isolation
