// `asset-host run --listen` through the real binary with the example plugin: the address it
// logs, /healthz and /readyz over a reload, IPv6, and its command-line errors.
#include "eventually.h"
#include "host_fixture.h"
#include "scrape.h"

#include <csignal>

using namespace hosttest;
using namespace std::chrono_literals;
using testsupport::eventually;
using testsupport::http_get;

namespace {
std::string listening(testsupport::Process& p) {
    const std::string address = testsupport::wait_listening(p);
    REQUIRE_MESSAGE(!address.empty(), "no 'listening on' line");
    return address;
}
}  // namespace

TEST_CASE("run --listen: /readyz turns 503 during a reload and 200 after; /healthz stays 200") {
    Host host;
    host.manifest("a.yaml", example_manifest("a") + "schedule: { every: 1h }\n");
    // Test-only: every reload's listing takes 1.5 s, so the 503 cannot be missed.
    host.set_env("ASSET_HOST_TEST_RELOAD_DELAY", "1500ms");
    auto p = host.start({"run", "--listen", "127.0.0.1:0"});
    const std::string address = listening(*p);
    REQUIRE(address.rfind("127.0.0.1:", 0) == 0);

    REQUIRE(eventually([&] { return http_get(address, "/readyz").status == 200; }, 20s));
    CHECK(http_get(address, "/healthz").status == 200);
    host.manifest("b.yaml", example_manifest("b") + "schedule: { every: 1h }\n");
    p->signal(SIGHUP);
    testsupport::HttpAnswer during;
    REQUIRE(eventually(
        [&] {
            during = http_get(address, "/readyz");
            return during.status == 503;
        },
        10s));
    CHECK(during.body == "not ready: reloading\n");
    CHECK(http_get(address, "/healthz").status == 200);  // the loop is busy, not dead
    REQUIRE(eventually([&] { return http_get(address, "/readyz").status == 200; }, 20s));
    p->signal(SIGTERM);
    const auto r = p->wait(20s);
    CHECK_MESSAGE(r.exited_with(0), r.err);
    CHECK(contains(r.err, "reload: 1 added, 0 removed, 0 changed"));
}

TEST_CASE("run --listen [::1]:0 serves over IPv6; ASSET_HOST_LISTEN is the default") {
    Host host;
    host.manifest("a.yaml", example_manifest("a") + "schedule: { every: 1h }\n");
    host.set_env("ASSET_HOST_LISTEN", "[::1]:0");
    auto p = host.start({"run"});
    const std::string address = listening(*p);
    CHECK(address.rfind("[::1]:", 0) == 0);
    CHECK(eventually([&] { return http_get(address, "/readyz").status == 200; }, 20s));
    CHECK(http_get(address, "/nope").status == 404);
    p->signal(SIGTERM);
    CHECK(p->wait(20s).exited_with(0));
}

TEST_CASE("run --listen: a malformed address is a usage error; an address in use fails") {
    Host host;
    host.manifest("a.yaml", example_manifest("a"));
    const auto bad = host.run({"run", "--listen", "localhost"});
    CHECK(bad.exited_with(2));
    CHECK(contains(bad.err, "expected HOST:PORT or [IPv6]:PORT"));

    auto first = host.start({"run", "--listen", "127.0.0.1:0"});
    const std::string address = listening(*first);
    Host other;  // another state directory: only the port is shared
    other.manifest("a.yaml", example_manifest("a"));
    const auto taken = other.run({"run", "--listen", address});
    CHECK(taken.exited_with(1));
    CHECK(contains(taken.err, "cannot listen there"));
    first->signal(SIGTERM);
    CHECK(first->wait(20s).exited_with(0));
}
