#include "observe/daemon_state.h"

namespace asset_host::observe {

namespace {
std::int64_t steady_ns(asset_sdk::SteadyTime t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}
}  // namespace

std::string_view phase_name(DaemonPhase phase) {
    switch (phase) {
        case DaemonPhase::kStarting:
            return "starting";
        case DaemonPhase::kRunning:
            return "running";
        case DaemonPhase::kReloading:
            return "reloading";
        case DaemonPhase::kStopping:
            return "stopping";
    }
    return "unknown";
}

DaemonState::DaemonState(asset_sdk::Clock& clock, asset_sdk::Millis liveness_threshold)
    : clock_(clock), threshold_(liveness_threshold) {}

void DaemonState::set_phase(DaemonPhase phase) {
    phase_.store(phase);
}

DaemonPhase DaemonState::phase() const {
    return phase_.load();
}

void DaemonState::tick() {
    last_tick_ns_.store(steady_ns(clock_.steady_now()));
}

asset_sdk::Millis DaemonState::since_last_tick() const {
    const std::int64_t last = last_tick_ns_.load();
    if (last < 0) return asset_sdk::Millis(-1);
    return std::chrono::duration_cast<asset_sdk::Millis>(
        std::chrono::nanoseconds(steady_ns(clock_.steady_now()) - last));
}

bool DaemonState::alive() const {
    const asset_sdk::Millis since = since_last_tick();
    return since.count() >= 0 && since <= threshold_;
}

bool DaemonState::ready() const {
    return phase() == DaemonPhase::kRunning;
}

}  // namespace asset_host::observe
