// The okta-sim process: the fake Okta org (Okta endpoints + the /_sim/ control API) on one
// loopback port, plus "decoy" listeners on other loopback addresses that only record what
// reaches them (to prove a client never followed an off-origin link with its token).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fault_plan.h"
#include "oauth_authority.h"
#include "rate_limiter.h"
#include "sim_config.h"
#include "sim_org.h"
#include "sim_stats.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace oktasim {

struct TlsFiles {
    std::string cert;
    std::string key;
    bool enabled() const { return !cert.empty(); }
};

class Simulator {
public:
    Simulator(SimConfig config, TlsFiles tls);
    ~Simulator();

    // Binds 127.0.0.1:<port> (0 = ephemeral) and the decoys, generates the data. false + error
    // message when a listener cannot be created.
    bool bind(int port, std::string& error);
    // Starts serving on background threads.
    void start();
    void stop();
    int port() const { return port_; }

private:
    // Everything about one Okta API exchange that the stages below share.
    struct Exchange;

    void handle_main(const httplib::Request& req, httplib::Response& res);
    void handle_decoy(const char* listener, const httplib::Request& req, httplib::Response& res);

    // Okta endpoints (okta_api.cpp)
    void serve_okta(Exchange& ex);
    void serve_well_known(Exchange& ex);
    void serve_api(Exchange& ex);
    void serve_device_list(Exchange& ex);
    void serve_device_by_id(Exchange& ex, const std::string& rest);
    void serve_assurances(Exchange& ex);
    void apply_terminal_fault(Exchange& ex, const Fault& fault);
    void apply_page_faults(Exchange& ex);
    void send_error(Exchange& ex, const struct OktaError& error);

    // OAuth (oauth_endpoints.cpp)
    void serve_token(Exchange& ex);
    // Checks an OAuth token on /api/v1/*; false when the answer (401/403/400) is written.
    bool authorize_oauth(Exchange& ex);
    void serve_oauth_control(const httplib::Request& req, httplib::Response& res,
                             const std::string& path);

    // Control API (control_api.cpp)
    void serve_control(const httplib::Request& req, httplib::Response& res,
                       const std::string& path);

    SimConfig config_snapshot();
    int64_t sim_now_ms();  // real clock + configured skew
    std::string next_request_id();
    std::string default_origin() const;  // scheme://127.0.0.1:<port>
    void regenerate_locked_config(const SimConfig& config);

    TlsFiles tls_;
    int port_ = 0;
    int decoy_port_ = 0;
    bool decoy_evil_bound_ = false;
    std::string decoy_evil_error_;

    std::mutex config_mu_;
    SimConfig config_;

    std::mutex control_mu_;  // guards limiter_, faults_, stats_
    RateLimiter limiter_;
    FaultPlan faults_;
    SimStats stats_;

    SimOrg org_;
    OAuthAuthority oauth_;
    std::atomic<uint64_t> request_counter_{0};

    std::unique_ptr<httplib::Server> main_;
    std::unique_ptr<httplib::Server> decoy_;
    std::unique_ptr<httplib::Server> decoy_evil_;
    std::vector<std::thread> threads_;
};

}  // namespace oktasim
