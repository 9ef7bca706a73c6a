// Counters and the bounded request log exposed by GET /_sim/stats. Not thread-safe: the caller
// holds the simulator's control lock. Never stores an Authorization value, only whether one was
// present / valid.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include "device_model.h"

namespace oktasim {

struct RequestRecord {
    std::string method;
    std::string path_and_query;
    int status = 0;  // 0 = connection dropped without an answer
    bool had_valid_auth = false;
    bool had_authorization = false;
    std::string fault;  // name of the fault that shaped the answer, if any
    // Every Accept-Encoding value the request carried, joined with ", " ("" when none): what
    // the client offered, so a test can see that nothing beyond what it decodes was offered.
    std::string accept_encoding;
};

struct DecoyRecord {
    std::string listener;  // "decoy" (127.0.0.1) or "decoy_evil" (127.0.0.2)
    std::string method;
    std::string host;
    std::string path_and_query;
    bool had_authorization = false;
};

class SimStats {
public:
    static constexpr size_t kLogCapacity = 1000;

    uint64_t requests = 0;
    uint64_t device_requests = 0;
    uint64_t device_pages_served = 0;
    uint64_t auth_failures = 0;
    uint64_t off_origin_followed = 0;
    uint64_t off_origin_followed_with_authorization = 0;
    std::map<std::string, uint64_t> status_counts;
    std::map<std::string, uint64_t> faults_fired;

    void record(RequestRecord r);
    void record_decoy(DecoyRecord r);
    void clear();
    Json to_json() const;

private:
    std::deque<RequestRecord> log_;
    std::deque<DecoyRecord> decoy_log_;
    uint64_t decoy_requests_ = 0;
    uint64_t decoy_requests_with_authorization_ = 0;
};

}  // namespace oktasim
