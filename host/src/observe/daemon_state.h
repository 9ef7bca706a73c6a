// The daemon's state as seen from outside: what /healthz, /readyz and the service manager
// (systemd notify: READY, RELOADING, STOPPING, WATCHDOG) report. One small class, written by
// the scheduler's control loop and read by anyone (the HTTP endpoint, a notifier) without a
// lock the loop could wait on: every member is an atomic.
//
//   alive  = the control loop ticked within the liveness threshold (a stuck loop, e.g. a
//            deadlock, stops ticking and /healthz turns 503);
//   ready  = the manifests were loaded and the connectors scheduled, and the daemon is
//            neither reloading nor stopping.
#pragma once

#include <asset_sdk/clock.h>

#include <atomic>
#include <chrono>
#include <string_view>

namespace asset_host::observe {

enum class DaemonPhase {
    kStarting,   // manifests not loaded yet
    kRunning,    // connectors scheduled
    kReloading,  // SIGHUP: the manifests are being listed and applied again
    kStopping,   // SIGTERM/SIGINT (or --once done): cycles finishing
};

std::string_view phase_name(DaemonPhase phase);

class DaemonState {
public:
    // `liveness_threshold`: how long the loop may go without a tick before it is not alive.
    explicit DaemonState(asset_sdk::Clock& clock,
                         asset_sdk::Millis liveness_threshold = std::chrono::seconds(30));

    void set_phase(DaemonPhase phase);
    DaemonPhase phase() const;
    // The control loop calls this on every turn.
    void tick();

    bool alive() const;  // ticked at least once, and within the threshold
    bool ready() const;  // kRunning
    // Time since the last tick (nullopt-like: negative when it never ticked).
    asset_sdk::Millis since_last_tick() const;
    asset_sdk::Millis liveness_threshold() const { return threshold_; }

private:
    asset_sdk::Clock& clock_;
    asset_sdk::Millis threshold_;
    std::atomic<DaemonPhase> phase_{DaemonPhase::kStarting};
    std::atomic<std::int64_t> last_tick_ns_{-1};  // steady clock, -1 = never
};

}  // namespace asset_host::observe
