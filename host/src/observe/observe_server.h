// The HTTP endpoint of `run --listen`: GET /metrics (Prometheus text exposition), /healthz
// (the scheduler loop is alive) and /readyz (connectors scheduled, not reloading or stopping).
//
// Served with cpp-httplib (Debian's libcpp-httplib-dev) rather than prometheus-cpp's pull
// Exposer: the Exposer's civetweb cannot answer custom handlers with a non-200 status, which
// /healthz and /readyz need on the same port, and Debian's civetweb is built without IPv6.
// The exposition itself is prometheus-cpp's TextSerializer (HostMetrics::scrape).
//
// Hardened for an operator's network: every request is answered from the pre-routing hook, so
// a request body is never read (and every connection serves one request, so an unread body is
// never parsed as the next one); unknown paths 404, methods other than GET/HEAD 405; a client
// that connects and sends nothing, or reads nothing, is dropped after the read/write timeout;
// at most `threads` requests are served at once and `queue` more wait (then the accepting
// thread stops accepting and the kernel's backlog holds the rest).
#pragma once

#include "observe/daemon_state.h"
#include "observe/host_metrics.h"
#include "observe/listen_address.h"

#include <asset_sdk/status.h>

#include <chrono>
#include <memory>
#include <thread>

namespace httplib {
class Server;
}

namespace asset_host::observe {

struct ObserveServerOptions {
    std::chrono::milliseconds read_timeout{5'000};
    std::chrono::milliseconds write_timeout{5'000};
    std::size_t threads = 2;
    std::size_t queue = 16;
};

class ObserveServer {
public:
    ObserveServer(const DaemonState& state, const HostMetrics& metrics,
                  ObserveServerOptions options = {});
    ~ObserveServer();  // stops serving

    ObserveServer(const ObserveServer&) = delete;
    ObserveServer& operator=(const ObserveServer&) = delete;

    // Binds `address` and serves on a thread of its own. Returns the bound address (the port
    // the kernel picked when 0 was asked). Fails when the address cannot be bound.
    asset_sdk::Result<ListenAddress> start(const ListenAddress& address);
    void stop();

private:
    const DaemonState& state_;
    const HostMetrics& metrics_;
    ObserveServerOptions options_;
    std::unique_ptr<httplib::Server> server_;
    std::thread thread_;
};

}  // namespace asset_host::observe
