// The one retry loop of the project: every operation that is retried (a Sekoia batch, an Okta
// request, a re-read Okta page) runs its attempts through a Retrier. Between attempts it waits
// either the delay the server named (Retry-After, a rate-limit reset) or the next capped
// exponential back-off with full jitter; it gives up, without waiting, when that wait would end
// past the operation's total budget; and it stops as soon as the cancel check fires during a
// wait. Time and sleeping come from the injected Clock, so tests run hours of retries instantly
// and deterministically (ManualClock + a fixed seed).
#pragma once

#include <asset_sdk/backoff.h>
#include <asset_sdk/clock.h>

#include <cstdint>
#include <functional>
#include <optional>

namespace asset_sdk {

struct RetryPolicy {
    // Total time the operation may spend, counted from the Retrier's construction (just before
    // the first attempt). A wait that would end later than this is not taken.
    Millis budget{60'000};
    BackoffPolicy backoff{};
};

// What one attempt tells the loop.
struct AttemptResult {
    bool done = true;            // final: a success, or a failure retrying cannot fix
    std::optional<Millis> wait;  // when not done: the server's delay; nullopt = the back-off

    static AttemptResult finished() { return {}; }
    static AttemptResult retry(std::optional<Millis> wait = std::nullopt) { return {false, wait}; }
};

enum class RetryEnd {
    kDone,         // an attempt was final; whether it succeeded is the caller's to know
    kOutOfBudget,  // the next wait (last_wait()) would end past the budget; it was not taken
    kCancelled,    // cancelled during a wait
};

class Retrier {
public:
    // Waits with `clock.sleep_for`, which polls `cancelled`. `seed` drives the jitter.
    Retrier(Clock& clock, RetryPolicy policy, std::uint64_t seed, CancelCheck cancelled = {});
    // Waits with `sleep` instead (false: cancelled), for callers that account for their waits.
    Retrier(Clock& clock, RetryPolicy policy, std::uint64_t seed,
            std::function<bool(Millis)> sleep);

    // Calls `attempt` until one is final, the budget cannot hold the next wait, or a wait is
    // cancelled. `before_wait(wait)` runs before each wait that is taken (to log the retry).
    RetryEnd run(const std::function<AttemptResult()>& attempt,
                 const std::function<void(Millis wait)>& before_wait = {});

    // The next back-off delay: what run() waits when an attempt names no delay. An attempt may
    // draw it itself to combine it with the server's delay (e.g. "at least the back-off").
    Millis backoff() { return backoff_.next_delay(); }

    int attempts() const { return attempts_; }  // attempts started so far
    Millis elapsed() const;                     // since construction
    Millis last_wait() const { return last_wait_; }
    Millis budget() const { return policy_.budget; }

private:
    Clock& clock_;
    RetryPolicy policy_;
    Backoff backoff_;
    std::function<bool(Millis)> sleep_;
    SteadyTime started_;
    int attempts_ = 0;
    Millis last_wait_{0};
};

}  // namespace asset_sdk
