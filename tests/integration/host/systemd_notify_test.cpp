// `asset-host run` under a service manager's notify protocol: the test owns the unix datagram
// socket systemd would (NOTIFY_SOCKET) and reads what the daemon says: READY, WATCHDOG while
// it runs, RELOADING then READY around a SIGHUP, STOPPING on SIGTERM.
#include "host_fixture.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <optional>
#include <string>
#include <vector>

using namespace hosttest;
using namespace std::chrono_literals;

namespace {

// A bound AF_UNIX datagram socket, as systemd creates for a Type=notify service.
class NotifySocket {
public:
    explicit NotifySocket(const fs::path& path) : path_(path) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        REQUIRE(fd_ >= 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        REQUIRE(path.string().size() < sizeof addr.sun_path);
        std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    }
    ~NotifySocket() { ::close(fd_); }

    // The next datagram, or nullopt after `timeout`.
    std::optional<std::string> next(std::chrono::milliseconds timeout) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
        char buf[4096];
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n < 0) return std::nullopt;
        return std::string(buf, static_cast<std::size_t>(n));
    }

    // Datagrams until one contains `needle` (returned), or nullopt after `timeout`; the ones
    // before it are added to `seen`.
    std::optional<std::string> until(const std::string& needle, std::chrono::milliseconds timeout,
                                     std::vector<std::string>& seen) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            auto msg = next(left);
            if (!msg) return std::nullopt;
            if (contains(*msg, needle)) return msg;
            seen.push_back(*msg);
        }
        return std::nullopt;
    }

    const fs::path& path() const { return path_; }

private:
    fs::path path_;
    int fd_ = -1;
};

}  // namespace

TEST_CASE("run under NOTIFY_SOCKET: READY, WATCHDOG, RELOADING/READY on SIGHUP, STOPPING") {
    Host host;
    host.manifest("a.yaml", example_manifest("a") + "schedule: { every: 1h }\n");
    NotifySocket socket(host.root() / "notify.sock");
    host.set_env("NOTIFY_SOCKET", socket.path().string());
    host.set_env("WATCHDOG_USEC", "200000");  // 0.2 s: a WATCHDOG=1 every 0.1 s
    auto p = host.start({"run"});

    std::vector<std::string> seen;
    const auto ready = socket.until("READY=1", 30s, seen);
    REQUIRE_MESSAGE(ready, "no READY=1");
    CHECK(contains(*ready, "STATUS=1 connector(s) scheduled"));
    int watchdogs = 0;
    for (int i = 0; i < 3; ++i) {
        if (socket.until("WATCHDOG=1", 5s, seen)) ++watchdogs;
    }
    CHECK(watchdogs == 3);

    p->signal(SIGHUP);
    const auto reloading = socket.until("RELOADING=1", 10s, seen);
    REQUIRE_MESSAGE(reloading, "no RELOADING=1");
    CHECK(contains(*reloading, "MONOTONIC_USEC="));
    CHECK(socket.until("READY=1", 10s, seen));

    p->signal(SIGTERM);
    CHECK(socket.until("STOPPING=1", 10s, seen));
    const auto r = p->wait(20s);
    CHECK_MESSAGE(r.exited_with(0), r.err);
}
