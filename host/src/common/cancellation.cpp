#include "common/cancellation.h"

namespace asset_host {

namespace {
// A template so the private State type is deduced, not named. A chain of parents is short
// (cycle -> shutdown), so walking it on every poll is cheap.
template <typename StatePtr>
bool state_cancelled(const StatePtr& s) {
    for (auto* p = s.get(); p != nullptr; p = p->parent.get()) {
        if (p->flag.load(std::memory_order_relaxed)) return true;
    }
    return false;
}
}  // namespace

CancelSource::CancelSource() : state_(std::make_shared<State>()) {}

CancelSource::CancelSource(const CancelToken& parent) : state_(std::make_shared<State>()) {
    state_->parent = parent.state_;
}

void CancelSource::cancel() {
    state_->flag.store(true, std::memory_order_relaxed);
}

bool CancelSource::cancelled() const {
    return state_cancelled(state_);
}

CancelToken CancelSource::token() const {
    return CancelToken(state_);
}

bool CancelToken::cancelled() const {
    return state_ && state_cancelled(state_);
}

CancelSource& shutdown_source() {
    // Never destroyed: signal handling threads may still read it while main() returns.
    static CancelSource* source = new CancelSource();
    return *source;
}

}  // namespace asset_host
