#include "scheduler/schedule_policy.h"

#include <algorithm>

namespace asset_host::scheduler {

asset_sdk::Millis initial_delay(const SchedulePolicy& policy, std::mt19937_64& rng) {
    const std::int64_t bound =
        std::max<std::int64_t>(0, std::min(policy.every, policy.max_initial_jitter).count());
    if (bound == 0) return asset_sdk::Millis(0);
    std::uniform_int_distribution<std::int64_t> dist(0, bound);
    return asset_sdk::Millis(dist(rng));
}

asset_sdk::Millis failure_backoff(const SchedulePolicy& policy, int consecutive_failures,
                                  std::mt19937_64& rng) {
    const std::int64_t cap = std::max<std::int64_t>(1, policy.failure_backoff_max.count());
    std::int64_t d = std::max<std::int64_t>(1, policy.failure_backoff_initial.count());
    for (int i = 1; i < consecutive_failures && d < cap; ++i) d = d > cap / 2 ? cap : d * 2;
    d = std::min(d, cap);
    std::uniform_int_distribution<std::int64_t> dist(d / 2, d);
    return asset_sdk::Millis(dist(rng));
}

asset_sdk::SteadyTime next_start(const SchedulePolicy& policy, asset_sdk::SteadyTime started,
                                 asset_sdk::SteadyTime ended, int consecutive_failures,
                                 std::mt19937_64& rng, bool* overran) {
    if (overran) *overran = false;
    const asset_sdk::SteadyTime slot = started + policy.every;
    if (consecutive_failures > 0) {
        return std::max(slot, ended + failure_backoff(policy, consecutive_failures, rng));
    }
    if (slot < ended) {
        if (overran) *overran = true;
        return ended;
    }
    return slot;
}

}  // namespace asset_host::scheduler
