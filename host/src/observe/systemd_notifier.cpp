#include "observe/systemd_notifier.h"

#include <systemd/sd-daemon.h>

#include <cstdlib>
#include <ctime>

namespace asset_host::observe {

namespace {

std::int64_t steady_ms(asset_sdk::SteadyTime t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// One line, as STATUS= must be.
std::string status_line(std::string_view status) {
    std::string out = "STATUS=";
    for (char c : status) out.push_back(c == '\n' ? ' ' : c);
    return out;
}

// systemd 253+ (Type=notify-reload) wants the monotonic time of the reload request with
// RELOADING=1; older managers ignore it.
std::string monotonic_usec() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return "MONOTONIC_USEC=" + std::to_string(static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000u +
                                              static_cast<std::uint64_t>(ts.tv_nsec) / 1000u);
}

}  // namespace

SystemdNotifier::SystemdNotifier(asset_sdk::Clock& clock) : clock_(clock) {
    const char* socket = std::getenv("NOTIFY_SOCKET");
    enabled_ = socket != nullptr && *socket != '\0';
    std::uint64_t usec = 0;
    if (enabled_ && sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
        watchdog_interval_ =
            std::chrono::duration_cast<asset_sdk::Millis>(std::chrono::microseconds(usec / 2));
        if (watchdog_interval_.count() == 0) watchdog_interval_ = asset_sdk::Millis(1);
    }
}

void SystemdNotifier::send(const std::string& message) {
    if (enabled_) sd_notify(0, message.c_str());
}

void SystemdNotifier::ready(std::string_view status) {
    send("READY=1\n" + status_line(status));
}

void SystemdNotifier::reloading(std::string_view status) {
    send("RELOADING=1\n" + monotonic_usec() + "\n" + status_line(status));
}

void SystemdNotifier::stopping(std::string_view status) {
    send("STOPPING=1\n" + status_line(status));
}

void SystemdNotifier::tick() {
    if (watchdog_interval_.count() == 0) return;
    const std::int64_t now = steady_ms(clock_.steady_now());
    const std::int64_t last = last_watchdog_ms_.load();
    if (last >= 0 && now - last < watchdog_interval_.count()) return;
    last_watchdog_ms_.store(now);
    send("WATCHDOG=1");
}

}  // namespace asset_host::observe
