// What the scheduler tells whoever watches the daemon (metrics, health and readiness, the
// service manager): a narrow interface, so the scheduler knows nothing of Prometheus, HTTP or
// systemd. Every method is called from the scheduler's threads and must return quickly.
#pragma once

#include <asset_sdk/clock.h>

#include <cstddef>
#include <string>

namespace asset_host::scheduler {

class SchedulerObserver {
public:
    virtual ~SchedulerObserver() = default;
    // The control loop ran one turn (about every 50 ms while it is healthy).
    virtual void loop_tick() {}
    // The manifests were loaded at start and `count` connectors scheduled.
    virtual void connectors_scheduled(std::size_t count) { (void)count; }
    // A reload (SIGHUP) began / ended (whether it changed anything or failed).
    virtual void reload_started() {}
    virtual void reload_finished() {}
    // Shutdown (or, with a fixed number of cycles, all done): cycles are finishing.
    virtual void stopping() {}
    // A connector's next cycle is due at `when` (on the scheduler's clock).
    virtual void next_cycle(const std::string& connector, asset_sdk::SteadyTime when) {
        (void)connector;
        (void)when;
    }
    // A connector stopped for good (removed by a reload, or the daemon is stopping); a changed
    // connector that restarts is not reported.
    virtual void connector_stopped(const std::string& connector) { (void)connector; }
};

}  // namespace asset_host::scheduler
