// Watches a run from the outside, on its own thread: every `period` it takes one look (a
// function the test gives: typically "read the persisted checkpoint, then what the destination
// acknowledged, and check that every record the checkpoint covers has arrived") and keeps
// count. The look must not use doctest assertions (they are not thread-safe): it reports
// through the Look it returns, and the test checks the counts after finish().
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace testsupport {

class CheckpointWatcher {
public:
    struct Look {
        enum class Seen { kNothing, kInProgress, kComplete };
        Seen seen = Seen::kNothing;  // what checkpoint the look found
        bool ok = true;              // false: the invariant was broken
        std::size_t covered = 0;     // how many records the checkpoint covers
        std::string problem;         // when !ok: what was wrong, for the test's message
    };

    CheckpointWatcher(std::function<Look()> look, std::chrono::milliseconds period);
    ~CheckpointWatcher();  // finish()
    CheckpointWatcher(const CheckpointWatcher&) = delete;
    CheckpointWatcher& operator=(const CheckpointWatcher&) = delete;

    // Stops looking (idempotent); the counts are final afterwards.
    void finish();

    int looks() const { return looks_; }
    int violations() const { return violations_; }
    int in_progress_seen() const { return in_progress_seen_; }
    std::size_t max_covered_in_progress() const { return max_covered_; }
    std::string first_problem() const;

private:
    void record(const Look& look);

    std::function<Look()> look_;
    std::atomic<bool> stop_{false};
    std::atomic<int> looks_{0};
    std::atomic<int> violations_{0};
    std::atomic<int> in_progress_seen_{0};
    std::atomic<std::size_t> max_covered_{0};
    mutable std::mutex mu_;
    std::string problem_;
    std::thread thread_;  // last: started once everything above exists
};

}  // namespace testsupport
