// When a connector's next cycle starts. Pure functions of the schedule, the clock readings and
// a random source, so the timing rules are tested without threads:
//   - first cycle: after a random initial jitter in [0, min(every, max_initial_jitter)], so
//     connectors started together (and hosts restarted together) do not hit the APIs at once;
//   - then start to start: next = previous start + every; a cycle that overran its slot is
//     followed at once (never two at a time);
//   - after a failure: next = max(previous start + every, end of the failed cycle + back-off),
//     back-off doubling per consecutive failure (initial, 2×, 4×, ... capped), with equal
//     jitter ([d/2, d]): a connector that keeps failing (bad key, outage) backs off to the cap
//     instead of hammering the APIs every slot — never a hot loop.
#pragma once

#include <asset_sdk/clock.h>

#include <random>

namespace asset_host::scheduler {

struct SchedulePolicy {
    asset_sdk::Millis every{20 * 60'000};
    asset_sdk::Millis max_initial_jitter{30'000};
    asset_sdk::Millis failure_backoff_initial{30'000};
    asset_sdk::Millis failure_backoff_max{60 * 60'000};
};

// Uniform in [0, min(every, max_initial_jitter)].
asset_sdk::Millis initial_delay(const SchedulePolicy& policy, std::mt19937_64& rng);

// Back-off after the n-th consecutive failure (n >= 1): d = min(initial × 2^(n-1), max),
// uniform in [d/2, d].
asset_sdk::Millis failure_backoff(const SchedulePolicy& policy, int consecutive_failures,
                                  std::mt19937_64& rng);

// Start of the next cycle, given the start and end of the one that just ran. `overran` is set
// when a successful cycle took longer than `every` (the next one starts at `ended`).
asset_sdk::SteadyTime next_start(const SchedulePolicy& policy, asset_sdk::SteadyTime started,
                                 asset_sdk::SteadyTime ended, int consecutive_failures,
                                 std::mt19937_64& rng, bool* overran = nullptr);

}  // namespace asset_host::scheduler
