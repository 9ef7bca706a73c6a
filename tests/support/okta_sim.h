// okta-sim (tests/sim/okta) as a test sees it: started on a free loopback port, then driven
// through its control API (/_sim/config, faults, mutate, stats, reset; tests/sim/okta/README.md).
// Control calls that fail throw std::runtime_error naming the call: a test cannot go on without
// them, and doctest reports the exception as a failure.
#pragma once

#include "sim_process.h"

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <vector>

namespace testsupport {

class OktaSim {
public:
    // Starts build/bin/okta-sim with these command-line arguments (besides --port 0).
    explicit OktaSim(std::vector<std::string> args = {});

    // The usual arguments: `devices` devices, the API token the org accepts and the data seed,
    // then `extra` (e.g. {"--rate-limit", "8"}).
    static std::vector<std::string> args(int devices, const std::string& token, int seed,
                                         std::vector<std::string> extra = {});

    // "http://127.0.0.1:<port>" (https:// under --tls-cert): the org's base_url.
    std::string url() const { return process_.base_url(); }
    int port() const { return process_.port(); }
    int pid() const { return process_.pid(); }

    nlohmann::json stats() const;
    // Every device, invalid ones included, as /api/v1/devices?expand=user would serve them.
    nlohmann::json devices() const;
    void config(const nlohmann::json& patch) const;
    void faults(const nlohmann::json& list) const;  // replaces the fault plan
    void reset() const;                             // clears faults, stats, rate-limit window
    nlohmann::json mutate(const nlohmann::json& body) const;

    // OAuth service apps (README "OAuth service apps"): register one ({"client_id",
    // "public_key": PEM or JWK, "kid"?, "scopes": [...], "dpop_required": bool}), invalidate
    // every issued access token, start new DPoP nonces.
    void oauth_client(const nlohmann::json& registration) const;
    void revoke_oauth_tokens() const;
    void rotate_oauth_nonces() const;

    // Ids of every device with a string id, and of those a record must exist for (an id and a
    // display name: the README's "Invalid devices" are the others).
    std::set<std::string> ids() const;
    std::set<std::string> valid_ids() const { return valid_ids(devices()); }
    static std::set<std::string> valid_ids(const nlohmann::json& devices);

    // The device-list requests it logged (oldest first, at most its last 1000).
    std::vector<std::string> device_request_targets() const;

    // Stops it with SIGTERM; what it printed and how it exited.
    ProcessResult stop() { return process_.stop(); }

    // Raw control calls, for tests of the simulator itself (status codes of bad requests).
    const SimProcess& process() const { return process_; }

private:
    SimProcess process_;
};

}  // namespace testsupport
