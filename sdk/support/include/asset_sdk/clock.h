// Time as an injected dependency: everything that waits (rate limits, back-off, schedules) asks a
// Clock, so tests can run hours of waiting in microseconds with ManualClock.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <vector>

namespace asset_sdk {

using SystemTime = std::chrono::system_clock::time_point;
using SteadyTime = std::chrono::steady_clock::time_point;
using Millis = std::chrono::milliseconds;

// Returns true when the caller should stop waiting (shutdown, Ctrl-C).
using CancelCheck = std::function<bool()>;

class Clock {
public:
    virtual ~Clock() = default;
    virtual SystemTime now() const = 0;         // wall clock, for timestamps and Date headers
    virtual SteadyTime steady_now() const = 0;  // monotonic, for measuring and deadlines
    // Wait `d`, returning early (false) as soon as `cancelled()` turns true. Returns true when
    // the whole duration elapsed. Implementations must notice cancellation within ~50 ms.
    virtual bool sleep_for(Millis d, const CancelCheck& cancelled) = 0;
};

// The real clock. sleep_for polls `cancelled` in short slices.
class SystemClock final : public Clock {
public:
    SystemTime now() const override { return std::chrono::system_clock::now(); }
    SteadyTime steady_now() const override { return std::chrono::steady_clock::now(); }
    bool sleep_for(Millis d, const CancelCheck& cancelled) override;

    static SystemClock& instance();
};

// A clock for tests: time only moves when someone sleeps or calls advance(). Records every
// sleep so tests can assert on waits (e.g. "waited until the rate-limit reset plus jitter").
class ManualClock final : public Clock {
public:
    explicit ManualClock(SystemTime start = SystemTime(std::chrono::seconds(1'700'000'000)))
        : wall_(start) {}
    SystemTime now() const override;
    SteadyTime steady_now() const override;
    bool sleep_for(Millis d, const CancelCheck& cancelled) override;
    void advance(Millis d);
    std::vector<Millis> sleeps() const;
    Millis total_slept() const;

private:
    mutable std::mutex mu_;
    SystemTime wall_;
    Millis elapsed_{0};
    std::vector<Millis> sleeps_;
};

}  // namespace asset_sdk
