// A simulator (okta-sim, sekoia-sim) started for a benchmark: the tests' SimProcess, plus JSON
// control calls that throw on failure (a benchmark cannot go on without them) and the CPU the
// simulator has used (on a 2-core machine the simulators compete with asset-host for it).
#pragma once

#include <sim_process.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace bench {

class SimServer {
public:
    // Throws std::runtime_error when it does not start.
    SimServer(const std::string& binary, std::vector<std::string> args)
        : process_(binary, std::move(args)) {}

    std::string base_url() const { return process_.base_url(); }
    // GET/POST a /_sim/ control endpoint; throws unless it answers 200. Returns the parsed body.
    nlohmann::json get(const std::string& path) const;
    nlohmann::json post(const std::string& path, const nlohmann::json& body) const;
    double cpu_seconds_so_far() const;

private:
    testsupport::SimProcess process_;
};

}  // namespace bench
