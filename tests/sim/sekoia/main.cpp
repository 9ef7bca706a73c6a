// sekoia-sim: a fake Sekoia.io asset-connector API on loopback for tests and the demo.
// Protocol shared by every simulator (tests/support/sim_process.h): bind 127.0.0.1:<--port,
// 0 = ephemeral>, print one line "LISTENING <port>", serve until SIGTERM/SIGINT, exit 0.
// See README.md in this folder.
#include "simulator.h"

#include <serve_until_stopped.h>

#include <CLI/CLI.hpp>
#include <iostream>

int main(int argc, char** argv) {
    sekoiasim::SimConfig config;
    int port = 0;
    std::vector<std::string> connectors;
    std::vector<std::string> connector_keys;
    CLI::App app{"sekoia-sim: a simulated Sekoia.io asset-connector API on 127.0.0.1"};
    app.add_option("--port", port, "TCP port on 127.0.0.1 (0 = ephemeral)");
    app.add_option("--api-key", config.api_key,
                   "API key expected as 'Authorization: Bearer <key>'");
    app.add_option("--connector", connectors,
                   "accepted connector UUID (repeatable; default: any well-formed UUID)");
    app.add_option("--connector-key", connector_keys,
                   "UUID=KEY: pushes to connector UUID must carry KEY instead of --api-key "
                   "(repeatable)");
    app.add_option("--success-status", config.success_status,
                   "status answered to an accepted push (200, 201, 202 or 204)")
        ->check(CLI::IsMember({200, 201, 202, 204}));
    app.add_option("--max-items", config.max_items, "largest accepted items array (else 413)")
        ->check(CLI::PositiveNumber);
    app.add_option("--tls-cert", config.tls_cert, "PEM certificate: serve HTTPS")
        ->check(CLI::ExistingFile);
    app.add_option("--tls-key", config.tls_key, "PEM private key for --tls-cert")
        ->check(CLI::ExistingFile);
    app.add_option("--latency-ms", config.latency_ms,
                   "delay added before answering every intake POST (not /_sim/*)")
        ->check(CLI::Range(0, 600000));
    app.add_flag("--verbose", config.verbose, "log one line per intake request to stderr");
    CLI11_PARSE(app, argc, argv);
    if (config.tls_cert.empty() != config.tls_key.empty()) {
        std::cerr << "sekoia-sim: --tls-cert and --tls-key go together\n";
        return 2;
    }
    config.connectors.insert(connectors.begin(), connectors.end());
    for (const std::string& pair : connector_keys) {
        const auto eq = pair.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size()) {
            std::cerr << "sekoia-sim: --connector-key expects UUID=KEY\n";
            return 2;
        }
        config.connector_keys[pair.substr(0, eq)] = pair.substr(eq + 1);
    }

    const sigset_t stop_signals = simcommon::block_stop_signals();
    sekoiasim::Simulator sim(config);
    return simcommon::serve_until_stopped(sim, port, stop_signals, "sekoia-sim");
}
