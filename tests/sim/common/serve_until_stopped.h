// The process protocol every simulator follows (tests/support/sim_process.h), in one place:
// bind 127.0.0.1:<port> (0 = ephemeral), print "LISTENING <port>", serve until SIGTERM/SIGINT,
// exit 0. `Simulator` needs bind(int port, std::string& error), start(), port() and stop().
#pragma once

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <iostream>
#include <string>

namespace simcommon {

// Call before the simulator creates any thread: SIGTERM/SIGINT are then taken synchronously by
// the main thread (sigwait) because every server thread inherits the blocked mask. A client
// that hangs up mid-write must not kill the simulator (SIGPIPE ignored).
inline sigset_t block_stop_signals() {
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    signal(SIGPIPE, SIG_IGN);
    return stop_signals;
}

// Returns the process exit code: 0 after a stop signal, 2 when the port cannot be bound.
template <typename Simulator>
int serve_until_stopped(Simulator& sim, int port, const sigset_t& stop_signals, const char* name) {
    std::string error;
    if (!sim.bind(port, error)) {
        std::cerr << name << ": " << error << "\n";
        return 2;
    }
    sim.start();
    std::printf("LISTENING %d\n", sim.port());
    std::fflush(stdout);

    int sig = 0;
    sigwait(&stop_signals, &sig);
    // A clean stop waits for every worker, and a worker holding an idle keep-alive connection
    // only notices after the keep-alive timeout (5 s). Give the clean path a moment, then
    // leave: a simulator persists nothing, so there is nothing to lose.
    auto stopped = std::async(std::launch::async, [&sim] { sim.stop(); });
    if (stopped.wait_for(std::chrono::milliseconds(500)) != std::future_status::ready) {
        std::fflush(nullptr);
        std::_Exit(0);
    }
    return 0;
}

}  // namespace simcommon
