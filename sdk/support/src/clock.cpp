#include <asset_sdk/clock.h>

#include <algorithm>
#include <thread>

namespace asset_sdk {

namespace {
// Short enough that a cancelled wait returns well within the 50 ms the interface promises,
// long enough that a sleeping thread costs nothing measurable.
constexpr Millis kCancelPollSlice{20};

bool is_cancelled(const CancelCheck& cancelled) {
    return cancelled && cancelled();
}
}  // namespace

bool SystemClock::sleep_for(Millis d, const CancelCheck& cancelled) {
    // Deadline on the steady clock so slices that overshoot don't make the total wait drift.
    const SteadyTime deadline = steady_now() + std::max(d, Millis{0});
    for (;;) {
        if (is_cancelled(cancelled)) return false;
        const SteadyTime now = steady_now();
        if (now >= deadline) return true;
        const auto remaining = std::chrono::duration_cast<Millis>(deadline - now);
        std::this_thread::sleep_for(std::min(std::max(remaining, Millis{1}), kCancelPollSlice));
    }
}

SystemClock& SystemClock::instance() {
    static SystemClock clock;
    return clock;
}

SystemTime ManualClock::now() const {
    std::lock_guard lock(mu_);
    return wall_ + elapsed_;
}

SteadyTime ManualClock::steady_now() const {
    // An arbitrary but fixed origin: only differences of steady times mean anything.
    static const SteadyTime kOrigin = SteadyTime(std::chrono::hours(1));
    std::lock_guard lock(mu_);
    return kOrigin + elapsed_;
}

bool ManualClock::sleep_for(Millis d, const CancelCheck& cancelled) {
    // The check runs outside the lock: it may itself look at this clock.
    if (is_cancelled(cancelled)) return false;
    std::lock_guard lock(mu_);
    sleeps_.push_back(d);
    elapsed_ += std::max(d, Millis{0});
    return true;
}

void ManualClock::advance(Millis d) {
    std::lock_guard lock(mu_);
    elapsed_ += std::max(d, Millis{0});
}

std::vector<Millis> ManualClock::sleeps() const {
    std::lock_guard lock(mu_);
    return sleeps_;
}

Millis ManualClock::total_slept() const {
    std::lock_guard lock(mu_);
    Millis total{0};
    for (Millis s : sleeps_) total += std::max(s, Millis{0});
    return total;
}

}  // namespace asset_sdk
