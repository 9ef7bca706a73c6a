// sekoia-sim (tests/sim/sekoia) as a test sees it: started on a free loopback port, then asked
// what it received and told how to fail (tests/sim/sekoia/README.md). Control calls that fail
// throw std::runtime_error naming the call, except try_uids(), made for watcher threads.
#pragma once

#include "sim_process.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace testsupport {

class SekoiaSim {
public:
    // Starts build/bin/sekoia-sim with these command-line arguments (besides --port 0).
    explicit SekoiaSim(std::vector<std::string> args = {});

    // The usual arguments: the API key it accepts, then `extra` (e.g. {"--connector", uuid}
    // or {"--tls-cert", crt, "--tls-key", key}).
    static std::vector<std::string> args(const std::string& api_key,
                                         std::vector<std::string> extra = {});

    // "http://127.0.0.1:<port>" (https:// under --tls-cert): the destination's base_url.
    std::string url() const { return process_.base_url(); }
    int port() const { return process_.port(); }
    int pid() const { return process_.pid(); }

    nlohmann::json stats() const;
    void faults(const nlohmann::json& list) const;  // replaces the plan, restarts the count
    void reset() const;  // forgets items, counters, faults, key rights and refusals
    // What the API key may do: {"validate_endpoint": bool, "can_push": bool} (both true by
    // default; tests/sim/sekoia/README.md).
    void key_rights(const nlohmann::json& rights) const;
    // Refuses specific records / large bodies: {"uids": [...], "status": 400|422,
    // "max_body_bytes": n} (tests/sim/sekoia/README.md); {} clears.
    void refusals(const nlohmann::json& rules) const;

    // Unique device.uid values accepted so far.
    std::set<std::string> uids() const;
    // The same without throwing (nullopt when the call failed): for watcher threads.
    std::optional<std::set<std::string>> try_uids() const;
    // stats()["items_received"], 0 when the call failed: for polling loops.
    int items_received() const;
    // Every accepted item, in arrival order: as received, or (`kept`) as Sekoia keeps it, with
    // only the fields its models declare (tests/sim/sekoia/README.md).
    std::vector<nlohmann::json> items(bool kept = false) const;

    // Stops it with SIGTERM; what it printed and how it exited.
    ProcessResult stop() { return process_.stop(); }

    // Raw control calls, for tests of the simulator itself.
    const SimProcess& process() const { return process_; }

private:
    SimProcess process_;
};

}  // namespace testsupport
