// Tells a service manager what the daemon is doing, through systemd's notify protocol
// (sd_notify(3), libsystemd): READY=1 once the connectors are scheduled, RELOADING=1 then
// READY=1 around a reload (SIGHUP), STOPPING=1 on shutdown, STATUS=<one line> with each, and
// WATCHDOG=1 every half WatchdogSec= for as long as the scheduler loop ticks — so a stuck loop
// is restarted by systemd just as /healthz turns 503.
//
// Off unless the service manager set NOTIFY_SOCKET (Type=notify); the watchdog only when it
// set WATCHDOG_USEC (and WATCHDOG_PID, when present, is this process). Nothing here blocks:
// sd_notify sends one datagram.
#pragma once

#include <asset_sdk/clock.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace asset_host::observe {

class SystemdNotifier {
public:
    // Reads the environment once (NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID).
    explicit SystemdNotifier(asset_sdk::Clock& clock);

    bool enabled() const { return enabled_; }
    asset_sdk::Millis watchdog_interval() const { return watchdog_interval_; }  // 0: off

    void ready(std::string_view status);
    void reloading(std::string_view status);
    void stopping(std::string_view status);
    // From the scheduler loop on every turn: WATCHDOG=1 when half the watchdog time has passed
    // since the last one.
    void tick();

private:
    void send(const std::string& message);

    asset_sdk::Clock& clock_;
    bool enabled_ = false;
    asset_sdk::Millis watchdog_interval_{0};
    std::atomic<std::int64_t> last_watchdog_ms_{-1};
};

}  // namespace asset_host::observe
