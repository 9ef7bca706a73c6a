// okta-sim: a fake Okta org on loopback for tests and the demo. Protocol shared by every
// simulator (tests/support/sim_process.h): bind 127.0.0.1:<--port, 0 = ephemeral>, print one
// line "LISTENING <port>", serve until SIGTERM/SIGINT, exit 0. See README.md in this folder.
#include "simulator.h"

#include <serve_until_stopped.h>

#include <CLI/CLI.hpp>
#include <iostream>

int main(int argc, char** argv) {
    oktasim::SimConfig config;
    oktasim::TlsFiles tls;
    int port = 0;
    CLI::App app{"okta-sim: a simulated Okta org (devices API) on 127.0.0.1"};
    app.add_option("--port", port, "TCP port on 127.0.0.1 (0 = ephemeral)");
    app.add_option("--devices", config.devices, "number of generated devices");
    app.add_option("--seed", config.seed, "seed of the deterministic data");
    app.add_option("--token", config.token, "API token expected as 'Authorization: SSWS <token>'");
    app.add_option("--engine", config.engine, "org pipeline: idx (Identity Engine) or v1 (Classic)")
        ->check(CLI::IsMember({"idx", "v1"}));
    app.add_option("--rate-limit", config.rate_limit, "requests per window on /api/v1/*");
    app.add_option("--rate-window-ms", config.rate_window_ms, "rate-limit window length")
        ->check(CLI::PositiveNumber);
    app.add_option("--page-cap", config.page_cap, "largest page served")
        ->check(CLI::PositiveNumber);
    app.add_option("--tls-cert", tls.cert, "PEM certificate: serve HTTPS")
        ->check(CLI::ExistingFile);
    app.add_option("--tls-key", tls.key, "PEM private key for --tls-cert")
        ->check(CLI::ExistingFile);
    app.add_option("--clock-skew-ms", config.clock_skew_ms,
                   "simulated clock = real clock + skew (Date, X-Rate-Limit-Reset)");
    app.add_option("--invalid-devices", config.invalid_devices,
                   "extra devices lacking id or profile.displayName");
    app.add_flag("--drop-expand-in-next", config.drop_expand_in_next,
                 "next links omit expand and limit");
    app.add_option("--latency-ms", config.latency_ms, "delay added to every Okta API answer");
    app.add_flag("--verbose", config.verbose, "log one line per request to stderr");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;  // --help is a success; every usage error exits 2
    }
    if (tls.cert.empty() != tls.key.empty()) {
        std::cerr << "okta-sim: --tls-cert and --tls-key go together\n";
        return 2;
    }

    const sigset_t stop_signals = simcommon::block_stop_signals();
    oktasim::Simulator sim(config, tls);
    return simcommon::serve_until_stopped(sim, port, stop_signals, "okta-sim");
}
