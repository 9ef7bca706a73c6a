// The sekoia-sim process: Sekoia's asset-connector intake endpoint plus the /_sim/ control API
// on one loopback port (HTTP, or HTTPS with --tls-cert/--tls-key). See README.md.
#pragma once

#include "fault_plan.h"
#include "ledger.h"

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace sekoiasim {

struct SimConfig {
    std::string api_key = "sim-key";  // expected as "Authorization: Bearer <key>"
    // Connectors with a key of their own (--connector-key UUID=KEY): a push to one of them must
    // carry its key instead of api_key, as when two Sekoia connectors belong to two
    // communities with different keys.
    std::map<std::string, std::string> connector_keys;
    std::set<std::string> connectors;  // accepted connector UUIDs; empty = any UUID
    int success_status = 200;          // 2xx answered to an accepted push
    std::size_t max_items = 1000;      // more items in one request -> 413
    std::string tls_cert;              // PEM; with tls_key: serve HTTPS
    std::string tls_key;
    bool verbose = false;  // one stderr line per intake request
    int latency_ms = 0;    // delay added before answering every intake POST (benchmarks)
};

// Content refusals (POST /_sim/refusals): Sekoia refusing specific records, or bodies above a
// size, as its API does for a record its models reject or a request its gateway finds too big.
struct Refusals {
    std::set<std::string> uids;      // a request with an item of one of these device.uid -> status
    int status = 400;                // 400 or 422
    std::string message;             // overrides the message ("" = names the item and uid)
    std::size_t max_body_bytes = 0;  // a larger body -> 413 (0 = no limit)
    std::int64_t refused_requests = 0;
    std::int64_t too_large_requests = 0;

    nlohmann::json to_json() const;
};

class Simulator {
public:
    explicit Simulator(SimConfig config);
    ~Simulator();

    // Binds 127.0.0.1:<port> (0 = ephemeral). false + message when it cannot.
    bool bind(int port, std::string& error);
    void start();  // serves on background threads
    void stop();   // releases held ("hang") requests, stops the server, joins
    int port() const { return port_; }

private:
    void handle_intake(const httplib::Request& req, httplib::Response& res);
    // The key a push to `connector` must carry: its own (connector_keys), else api_key.
    const std::string& key_for(const std::string& connector) const;
    // Whether an Authorization header carries api_key or one of the connector keys.
    bool knows_key(const std::string& authorization) const;
    void handle_control(const httplib::Request& req, httplib::Response& res);
    void set_key_rights(const httplib::Request& req, httplib::Response& res);
    // GET /v1/apiauth/auth/validate: Sekoia's check of a token, as it answers it.
    void handle_validate(const httplib::Request& req, httplib::Response& res);
    void handle_refusals(const httplib::Request& req, httplib::Response& res);
    // The refusal for `items`, if a rule matches (and counts it): false when none.
    bool refuse_items(const nlohmann::json& items, httplib::Response& res);
    // Answers an intake request that passed every check: records the items.
    void accept(const std::string& connector, const nlohmann::json& items,
                const std::vector<std::vector<std::string>>& dropped, httplib::Response& res);
    // Holds the request like a server that never answers, until `ms` or stop().
    void hold(std::int64_t ms);

    SimConfig config_;
    std::unique_ptr<httplib::Server> server_;
    std::thread thread_;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    // TCP connections accepted since the start (or the last /_sim/reset): how well clients
    // reuse their connections.
    std::atomic<std::int64_t> connections_{0};
    // What the API key may do, set with POST /_sim/auth: whether the token check exists at
    // this root (false: 404, an API root without it) and whether the key may push assets
    // (false: a valid key without the permission, 403 at the intake).
    struct KeyRights {
        bool validate_endpoint = true;
        bool can_push = true;
    };
    KeyRights key_rights() const;
    mutable std::mutex rights_mu_;
    KeyRights rights_;

    std::mutex mu_;  // guards faults_ and refusals_
    FaultPlan faults_;
    Refusals refusals_;
    Ledger ledger_;
};

}  // namespace sekoiasim
