// Private to the simulator's .cpp files: the state of one Okta API exchange as it passes
// through the stages (faults, auth, rate limit, endpoint).
#pragma once

#include <httplib.h>

#include <optional>
#include <string>
#include <vector>

#include "fault_plan.h"
#include "sim_config.h"
#include "simulator.h"

namespace oktasim {

struct Simulator::Exchange {
    Exchange(const httplib::Request& request, httplib::Response& response, SimConfig config)
        : req(request), res(response), cfg(std::move(config)) {}

    const httplib::Request& req;
    httplib::Response& res;
    SimConfig cfg;
    std::string path;       // without the query
    std::string raw_query;  // still percent-encoded
    std::string request_id;
    std::string scheme;  // "http" | "https"
    std::string host;    // Host header as the client sent it ("127.0.0.1:1234")
    bool had_authorization = false;
    bool valid_auth = false;
    std::string oauth_scheme;  // "Bearer" or "DPoP" when the request carries an OAuth token
    std::string oauth_token;

    bool is_api = false;  // /api/v1/*: gets X-Rate-Limit-* headers
    int64_t rl_limit = 0, rl_remaining = 0, rl_reset_s = 0;

    std::vector<Fault> faults;  // device requests only
    std::string fault_name;     // the fault that shaped the answer (for the request log)
    bool dropped = false;
    bool page_served = false;

    std::string origin() const { return scheme + "://" + host; }
};

// Sets the body and the one Content-Type header every response carries.
inline void set_json(httplib::Response& res, int status, std::string body) {
    res.status = status;
    res.set_content(std::move(body), "application/json");
}

}  // namespace oktasim
