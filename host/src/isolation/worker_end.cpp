#include "isolation/worker_end.h"

#include "config/byte_size.h"

#include <asset_sdk/time_util.h>

#include <signal.h>
#include <string.h>

namespace asset_host::isolation {

namespace {

std::string duration(asset_sdk::Millis d) {
    return asset_sdk::format_duration(d);
}

std::string plugin(const EndContext& c) {
    return "plugin " + c.plugin_id;
}

std::string memory_limit_reached(const EndContext& c) {
    return plugin(c) + " was killed (memory limit " + format_byte_size(c.memory_limit) +
           " reached)";
}

// The host killed it: after a stop it ignored, for garbage, or for not exiting.
std::string killed_by_host(const SessionOutcome& o, const EndContext& c) {
    switch (o.killed) {
        case KillReason::kShutdownGrace:
            return plugin(c) + " did not stop within the grace period (" +
                   duration(c.grace_period) +
                   ") after the shutdown request and was killed (SIGKILL)";
        case KillReason::kProtocol:
            return plugin(c) + " broke the worker protocol (" + o.protocol_error +
                   "); its worker was killed";
        case KillReason::kNoExit:
            return plugin(c) + "'s worker did not exit " +
                   (o.result ? "after its result" : "after closing its channel") +
                   " and was killed (SIGKILL)";
        default:
            return {};
    }
}

std::string ended_by_itself(const WorkerExit& e, bool has_result, const EndContext& c) {
    const std::string when = std::string(has_result ? " after its " : " during ") + c.during;
    if (!e.signaled) {
        if (e.code == kExitMemoryLimit && c.memory_limit > 0) return memory_limit_reached(c);
        return plugin(c) +
               (has_result ? "'s worker exited with status " + std::to_string(e.code) + when
                           : " exited unexpectedly (status " + std::to_string(e.code) + ")" + when);
    }
    if (e.code == SIGKILL) {
        return plugin(c) + " was killed: SIGKILL" + (has_result ? when : "") +
               " (by another process, or the kernel's out-of-memory killer)";
    }
    return plugin(c) + " crashed: " + signal_name(e.code) + (has_result ? when : "");
}

}  // namespace

std::string signal_name(int signo) {
    const char* abbrev = ::sigabbrev_np(signo);
    return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(signo);
}

std::string describe_worker_end(const SessionOutcome& o, const EndContext& c) {
    if (!o.spawn_error.empty()) return plugin(c) + ": " + o.spawn_error;
    if (o.timed_out && c.cycle_timeout) {
        std::string text = plugin(c) + " exceeded its cycle_timeout (" +
                           duration(*c.cycle_timeout) + ") and was cancelled";
        if (o.killed == KillReason::kTimeoutGrace) {
            text += "; it did not stop within the grace period (" + duration(c.grace_period) +
                    ") and was killed (SIGKILL)";
        }
        return text;
    }
    if (std::string killed = killed_by_host(o, c); !killed.empty()) return killed;
    if (!o.exit) return plugin(c) + "'s worker could not be reaped";
    const WorkerExit& e = *o.exit;
    if (o.result && !e.signaled && e.code == 0) return {};
    return ended_by_itself(e, o.result.has_value(), c);
}

}  // namespace asset_host::isolation
