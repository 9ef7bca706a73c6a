// Start a simulator binary (tests/sim/*) on an ephemeral loopback port and talk to its control
// endpoints. Protocol every simulator follows: it binds 127.0.0.1:<--port, 0 = ephemeral>,
// prints one line "LISTENING <port>" on stdout, and serves until SIGTERM.
#pragma once

#include "process.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace testsupport {

class SimProcess {
public:
    // `args` are extra command-line arguments for the simulator.
    // `start_timeout`: how long it may take to listen (okta-sim generates its devices first).
    SimProcess(const std::string& binary, std::vector<std::string> args = {},
               std::chrono::seconds start_timeout = std::chrono::seconds(120));
    ~SimProcess();

    int port() const { return port_; }
    int pid() const { return process_->pid(); }
    // "http://127.0.0.1:<port>", or https:// when the simulator was started with --tls-cert.
    std::string base_url() const;

    // Calls to the simulator's /_sim/... control endpoints (over TLS, unverified, when the
    // simulator serves TLS: the control API shares its port).
    struct Reply {
        int status = 0;
        std::string body;
    };
    Reply get(const std::string& path) const;
    Reply post(const std::string& path, const std::string& json_body = "{}") const;
    // The same for JSON control calls that must succeed: the parsed body of a 200 answer, else
    // std::runtime_error naming the path, the status and the body (a test or benchmark cannot
    // go on without its control call).
    nlohmann::json get_json(const std::string& path) const;
    nlohmann::json post_json(const std::string& path,
                             const nlohmann::json& body = nlohmann::json::object()) const;

    // Stop with SIGTERM and return what it printed.
    ProcessResult stop();

private:
    std::unique_ptr<Process> process_;
    int port_ = 0;
    bool tls_ = false;
};

}  // namespace testsupport
