#include <asset_sdk/retry.h>

#include <algorithm>
#include <utility>

namespace asset_sdk {

Retrier::Retrier(Clock& clock, RetryPolicy policy, std::uint64_t seed, CancelCheck cancelled)
    : Retrier(clock, policy, seed, [clock = &clock, cancelled = std::move(cancelled)](Millis wait) {
          // A zero wait still honours a cancellation that came meanwhile.
          if (wait <= Millis{0}) return !(cancelled && cancelled());
          return clock->sleep_for(wait, cancelled);
      }) {}

Retrier::Retrier(Clock& clock, RetryPolicy policy, std::uint64_t seed,
                 std::function<bool(Millis)> sleep)
    : clock_(clock),
      policy_(policy),
      backoff_(policy.backoff, seed),
      sleep_(std::move(sleep)),
      started_(clock.steady_now()) {}

Millis Retrier::elapsed() const {
    return std::chrono::duration_cast<Millis>(clock_.steady_now() - started_);
}

RetryEnd Retrier::run(const std::function<AttemptResult()>& attempt,
                      const std::function<void(Millis wait)>& before_wait) {
    for (;;) {
        ++attempts_;
        const AttemptResult result = attempt();
        if (result.done) return RetryEnd::kDone;
        last_wait_ = result.wait ? std::max(*result.wait, Millis{0}) : backoff_.next_delay();
        // Waiting and then failing anyway would only delay the error: a wait that does not fit
        // what is left of the budget ends the operation now.
        if (clock_.steady_now() + last_wait_ > started_ + policy_.budget)
            return RetryEnd::kOutOfBudget;
        if (before_wait) before_wait(last_wait_);
        if (!sleep_(last_wait_)) return RetryEnd::kCancelled;
    }
}

}  // namespace asset_sdk
