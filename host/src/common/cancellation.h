// Cooperative cancellation. A CancelSource is cancelled once (by a signal handler, a shutdown,
// or a failing pipeline); tokens observe it, including through a parent: a cycle's source is
// linked to the process-wide shutdown source, so SIGTERM cancels every running cycle.
// cancelled() is an atomic load: safe from any thread and cheap to poll.
#pragma once

#include <atomic>
#include <memory>

namespace asset_host {

class CancelToken;

class CancelSource {
public:
    CancelSource();
    // A source that is also cancelled whenever `parent` is.
    explicit CancelSource(const CancelToken& parent);

    void cancel();  // idempotent; async-signal-safe (a relaxed atomic store)
    bool cancelled() const;
    CancelToken token() const;

private:
    friend class CancelToken;
    struct State {
        std::atomic<bool> flag{false};
        std::shared_ptr<State> parent;
    };
    std::shared_ptr<State> state_;
};

class CancelToken {
public:
    CancelToken() = default;  // never cancelled
    bool cancelled() const;

private:
    friend class CancelSource;
    explicit CancelToken(std::shared_ptr<CancelSource::State> s) : state_(std::move(s)) {}
    std::shared_ptr<CancelSource::State> state_;
};

// The process-wide shutdown source: SIGINT/SIGTERM cancel it (see signals.h).
CancelSource& shutdown_source();

}  // namespace asset_host
