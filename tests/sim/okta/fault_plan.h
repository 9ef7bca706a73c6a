// Scripted failures for GET /api/v1/devices (POST /_sim/faults). Each fault fires on a range of
// device requests, numbered 1, 2, 3… from the moment the plan was armed. Wire behaviour of every
// kind: README.md "Faults". Not thread-safe: the caller holds the control lock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "device_model.h"

namespace oktasim {

enum class FaultKind {
    kHttp500,
    kHttp502,
    kHttp503,
    kRateLimit429,
    kConcurrency429,
    kTruncatedBody,
    kMalformedJson,
    kOffOriginNext,
    kRepeatedNext,
    kSlow,
    kDropConnection,
    kUnauthorized,
    kBadRequest,
    kPoisonDevice,
};

struct Fault {
    FaultKind kind = FaultKind::kHttp500;
    std::string name;
    uint64_t first = 1;  // absolute device-request number
    uint64_t count = 1;
    int64_t delay_ms = 1000;                // slow
    std::string variant;                    // off_origin_next / repeated_next / poison_device
    uint64_t device = 0;                    // poison_device: position on the page
    std::optional<int64_t> retry_after_s;   // adds Retry-After to error answers
    std::optional<int64_t> reset_after_ms;  // 429s: X-Rate-Limit-Reset = now + this
    uint64_t fired = 0;

    // True for kinds that replace the answer (vs. altering a normal one).
    bool terminal() const;
};

class FaultPlan {
public:
    // Parses {"faults": [...], "append": bool}; `device_requests_so_far` is the number of
    // device requests already seen, so on_request counts from now. Error message or "".
    std::string arm(const Json& body, uint64_t device_requests_so_far);
    // Faults that apply to device request number `n` (each one's `fired` is incremented).
    std::vector<Fault> on_device_request(uint64_t n);
    void clear() { faults_.clear(); }
    Json to_json() const;

private:
    std::vector<Fault> faults_;
};

}  // namespace oktasim
