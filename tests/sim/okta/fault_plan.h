// Scripted failures for GET /api/v1/devices (POST /_sim/faults). Each fault fires on a range of
// device requests, numbered 1, 2, 3… from the moment the plan was armed, or, with `page`, on a
// range of the requests for one page. Wire behaviour of every kind: README.md "Faults". Not
// thread-safe: the caller holds the control lock.
#pragma once

#include <cstdint>
#include <map>
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
    uint64_t first = 1;  // absolute device-request number; with `page`, that page's request number
    uint64_t count = 1;
    // Only requests for the page-th distinct page asked for (0: any page). Request numbers
    // across connections are in the order the server happens to take them; a page's own
    // requests are not, for a client that asks for one page after the other.
    uint64_t page = 0;
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
    // Faults that apply to device request number `n`, for the page whose `after` cursor is
    // `cursor` ("" for the first page; each one's `fired` is incremented).
    std::vector<Fault> on_device_request(uint64_t n, const std::string& cursor);
    void clear() {
        faults_.clear();
        pages_.clear();
    }
    Json to_json() const;

private:
    struct PageSeen {
        uint64_t number = 0;    // 1 for the first distinct page asked for since the plan
        uint64_t requests = 0;  // requests for it so far
    };
    std::vector<Fault> faults_;
    std::map<std::string, PageSeen> pages_;  // by `after` cursor, since the plan was replaced
};

}  // namespace oktasim
