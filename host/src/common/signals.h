// Process signal handling for asset-host.
//   SIGINT, SIGTERM  cancel shutdown_source() (common/cancellation.h): every running cycle sees
//                    cancelled() and stops. A second SIGINT while shutting down exits at once
//                    (status 130) for the impatient user at a terminal.
//   SIGHUP           sets reload_requested() (used by `run` to re-read manifests).
//   SIGPIPE          ignored: a closed stdout shows up as a write error (EPIPE) instead.
// Signals are blocked in every thread and consumed by one dedicated thread with sigwait(), so no
// code runs in signal-handler context and any thread may be interrupted safely.
#pragma once

#include <atomic>
#include <functional>

namespace asset_host {

// Call once from main() BEFORE any other thread starts: the signal mask it sets is inherited by
// threads created afterwards (plugins' threads included). Idempotent.
void install_signal_handlers();

// Set by SIGHUP; the consumer (the `run` scheduler) exchanges it back to false when it reloads.
std::atomic<bool>& reload_requested();

// The signal that started the shutdown (SIGINT or SIGTERM), 0 while none was received.
int shutdown_signal();

// Optional hooks, run on the signal thread (normal context, not a handler) after the flag/source
// is set: e.g. wake a scheduler sleeping on a condition variable. Pass {} to remove.
void set_shutdown_callback(std::function<void(int signo)> callback);
void set_reload_callback(std::function<void()> callback);

}  // namespace asset_host
