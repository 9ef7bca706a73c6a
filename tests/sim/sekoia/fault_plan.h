// Fault switches of the fake Sekoia: which intake POSTs fail, and how. Set with
// POST /_sim/faults {"faults": [ {...}, ... ]}; requests are counted from that moment (1-based,
// intake POSTs only). The first fault in list order that matches a request applies.
//
//   kind         http_500 | http_503 | rate_limit_429 | hang | accept_then_hang |
//                http_400 | http_401 | http_403 | http_404 | http_413
//   on_request   first request it applies to (default 1; with "every": default = every)
//   count        how many requests it applies to (default 1; with "every": unlimited; 0 =
//   unlimited) every        apply to every k-th request: on_request, on_request + k, ... (default 0
//   = off) retry_after  seconds for the Retry-After header (429, 503); 429 defaults to 1
//   retry_after_http_date  true: send Retry-After as an HTTP-date (now + retry_after seconds)
//   hang_ms      how long "hang" holds the request before giving up on it (default 120000)
//   message      overrides the {"message"} of error answers
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sekoiasim {

enum class FaultKind {
    kHttp500,
    kHttp503,
    kRateLimit429,
    kHang,            // never answers (until hang_ms or shutdown); nothing recorded
    kAcceptThenHang,  // records the items, then never answers: the client must re-send (dups)
    kHttp400,
    kHttp401,
    kHttp403,
    kHttp404,
    kHttp413,
};

struct Fault {
    FaultKind kind = FaultKind::kHttp503;
    std::string kind_name;
    std::int64_t on_request = 1;
    std::int64_t count = 1;  // 0 = unlimited
    std::int64_t every = 0;
    std::optional<double> retry_after_seconds;
    bool retry_after_http_date = false;
    std::int64_t hang_ms = 120'000;
    std::string message;
    std::int64_t triggered = 0;

    bool matches(std::int64_t request_number) const;
    nlohmann::json to_json() const;
};

class FaultPlan {
public:
    // Parses {"faults": [...]}; on error returns false with a message.
    static bool parse(const nlohmann::json& body, FaultPlan& out, std::string& error);

    // The fault for the next intake request (and counts it), if any.
    std::optional<Fault> next_request();
    nlohmann::json to_json() const;

private:
    std::vector<Fault> faults_;
    std::int64_t requests_ = 0;
};

}  // namespace sekoiasim
