#include "checkpoint_watcher.h"

namespace testsupport {

CheckpointWatcher::CheckpointWatcher(std::function<Look()> look, std::chrono::milliseconds period)
    : look_(std::move(look)) {
    thread_ = std::thread([this, period] {
        while (!stop_) {
            record(look_());
            std::this_thread::sleep_for(period);
        }
    });
}

CheckpointWatcher::~CheckpointWatcher() {
    finish();
}

void CheckpointWatcher::finish() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
}

std::string CheckpointWatcher::first_problem() const {
    std::lock_guard lock(mu_);
    return problem_;
}

void CheckpointWatcher::record(const Look& look) {
    ++looks_;
    if (look.seen == Look::Seen::kInProgress) {
        ++in_progress_seen_;
        if (look.covered > max_covered_) max_covered_ = look.covered;
    }
    if (!look.ok) {
        std::lock_guard lock(mu_);
        if (problem_.empty()) problem_ = look.problem;
        ++violations_;
    }
}

}  // namespace testsupport
