// The HTTP endpoint of `run --listen` in process, over loopback: what /metrics, /healthz and
// /readyz answer in each daemon state, and how it treats unknown paths, other methods, request
// bodies and clients that send nothing.
#include "observe/observe_server.h"
#include "observe/daemon_state.h"
#include "observe/host_metrics.h"

#include <asset_sdk/clock.h>

#include <doctest/doctest.h>
#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

using namespace asset_host::observe;
using namespace std::chrono_literals;

namespace {

struct Served {
    asset_sdk::ManualClock clock;
    DaemonState state{clock, 30s};
    HostMetrics metrics{"1.0", "1.1", clock};
    ObserveServer server;
    ListenAddress bound;

    explicit Served(const std::string& host = "127.0.0.1", ObserveServerOptions options = {})
        : server(state, metrics, options) {
        auto started = server.start({host, 0});
        REQUIRE(started.is_ok());
        bound = *started;
        REQUIRE(bound.port > 0);
    }

    httplib::Result get(const std::string& path) {
        httplib::Client client(bound.host, bound.port);
        client.set_read_timeout(5, 0);
        return client.Get(path);
    }
};

// A raw TCP connection to 127.0.0.1:port, for what an HTTP client library will not do.
int connect_raw(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    return fd;
}

// What the server sends until it closes the connection (or `limit` passes).
std::string read_until_closed(int fd, std::chrono::milliseconds limit) {
    std::string got;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return got + "<still open>";
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
        char buf[4096];
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) return got;
        got.append(buf, static_cast<std::size_t>(n));
    }
}

}  // namespace

TEST_CASE("/healthz: 503 before the loop ticks and when it stops ticking, 200 while it ticks") {
    Served s;
    auto r = s.get("/healthz");
    REQUIRE(r);
    CHECK(r->status == 503);
    CHECK(r->body.find("not started") != std::string::npos);
    s.state.tick();
    r = s.get("/healthz");
    REQUIRE(r);
    CHECK(r->status == 200);
    s.clock.advance(31s);  // the loop is stuck: no tick for longer than the threshold
    r = s.get("/healthz");
    REQUIRE(r);
    CHECK(r->status == 503);
    CHECK(r->body.find("last ran 31000 ms ago") != std::string::npos);
}

TEST_CASE("/readyz: 200 only while running; 503 naming the phase otherwise") {
    Served s;
    CHECK(s.get("/readyz")->status == 503);
    s.state.set_phase(DaemonPhase::kRunning);
    CHECK(s.get("/readyz")->status == 200);
    s.state.set_phase(DaemonPhase::kReloading);
    auto r = s.get("/readyz");
    CHECK(r->status == 503);
    CHECK(r->body == "not ready: reloading\n");
    s.state.set_phase(DaemonPhase::kStopping);
    CHECK(s.get("/readyz")->body == "not ready: stopping\n");
}

TEST_CASE("/metrics: the Prometheus text exposition of the registry") {
    Served s;
    s.metrics.connector("a", "example")->cycle_started();
    auto r = s.get("/metrics");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->get_header_value("Content-Type").find("text/plain; version=0.0.4") == 0);
    CHECK(r->body.find("# TYPE asset_host_cycles_total counter") != std::string::npos);
    CHECK(r->body.find("asset_host_connectors{state=\"running\"} 1") != std::string::npos);
}

TEST_CASE("unknown path 404; other methods 405 without reading the request body") {
    Served s;
    CHECK(s.get("/")->status == 404);
    CHECK(s.get("/metrics/x")->status == 404);
    // A POST that announces a megabyte and sends none of it: answered at once, body unread.
    const int fd = connect_raw(s.bound.port);
    const std::string head = "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n";
    REQUIRE(::write(fd, head.data(), head.size()) == static_cast<ssize_t>(head.size()));
    const std::string answer = read_until_closed(fd, 3s);
    ::close(fd);
    CHECK(answer.rfind("HTTP/1.1 405", 0) == 0);
    CHECK(answer.find("Allow: GET, HEAD") != std::string::npos);
    CHECK(answer.find("<still open>") == std::string::npos);
}

TEST_CASE("a client that sends nothing is dropped after the read timeout; others are served") {
    ObserveServerOptions options;
    options.read_timeout = 1000ms;
    options.threads = 1;
    Served s("127.0.0.1", options);
    const int idle = connect_raw(s.bound.port);
    // While the only serving thread waits for the idle client, requests queue and are served
    // once it is dropped.
    s.state.tick();
    auto r = s.get("/healthz");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(read_until_closed(idle, 5s).empty());  // closed by the server, nothing sent
    ::close(idle);
}

TEST_CASE("IPv6 loopback, port 0: the bound port is reported") {
    Served s("::1");
    CHECK(s.bound.to_string().rfind("[::1]:", 0) == 0);
    auto r = s.get("/readyz");
    REQUIRE(r);
    CHECK(r->status == 503);
}
