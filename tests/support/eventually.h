// Waiting for something another thread or process does, with a bound: poll a condition until it
// holds or a deadline passes. Every wait in a test is bounded, so a regression fails instead of
// hanging the suite.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace testsupport {

// Polls `condition` every `period` until it holds (true) or `timeout` has passed; one last
// look after the deadline.
inline bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                       std::chrono::milliseconds period = std::chrono::milliseconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(period);
    }
    return condition();
}

}  // namespace testsupport
