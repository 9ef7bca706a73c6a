// `run --shard I/N` through the real binary: three hosts (each its own state directory) over
// the same 30 manifests run every connector exactly once, each the connectors the documented
// hash gives it; ASSET_HOST_SHARD with a pod name; bad values are usage errors.
#include "host_fixture.h"

#include "scheduler/shard.h"

#include <set>

using namespace hosttest;

namespace {

constexpr int kConnectors = 30;

std::string connector_name(int i) {
    return "conn-" + std::to_string(i);
}

void write_manifests(const Host& host) {
    for (int i = 0; i < kConnectors; ++i) {
        host.manifest(connector_name(i) + ".yaml",
                      example_manifest(connector_name(i), "  records: 3\n"));
    }
}

// The connectors whose checkpoint this host stored.
std::set<std::string> connectors_run(const Host& host) {
    std::set<std::string> names;
    for (int i = 0; i < kConnectors; ++i) {
        if (host.state_text(connector_name(i))) names.insert(connector_name(i));
    }
    return names;
}

}  // namespace

TEST_CASE("three hosts with --shard 0/3, 1/3, 2/3 over 30 manifests run each connector once") {
    Host hosts[3];
    std::multiset<std::string> all_runs;
    for (std::uint32_t s = 0; s < 3; ++s) {
        write_manifests(hosts[s]);
        if (s == 2) hosts[s].set_env("ASSET_HOST_SHARD", "asset-host-2/3");  // a pod's name
        const auto r = s == 2
                           ? hosts[s].run({"run", "--once"})
                           : hosts[s].run({"run", "--once", "--shard", std::to_string(s) + "/3"});
        REQUIRE_MESSAGE(r.exited_with(0), r.err);

        std::set<std::string> expected;
        for (int i = 0; i < kConnectors; ++i) {
            if (asset_host::scheduler::Shard{s, 3}.owns(connector_name(i))) {
                expected.insert(connector_name(i));
            }
        }
        const std::set<std::string> ran = connectors_run(hosts[s]);
        CHECK(ran == expected);
        CHECK_FALSE(ran.empty());
        CHECK(contains(r.err, "shard " + std::to_string(s) + "/3: " +
                                  std::to_string(expected.size()) + " of 30 enabled connector(s)"));
        // Three records per connector on stdout: only this shard's connectors ran.
        CHECK(testsupport::split_lines(r.out).size() == 3 * expected.size());
        all_runs.insert(ran.begin(), ran.end());
    }
    CHECK(all_runs.size() == kConnectors);  // the union is all 30 ...
    for (int i = 0; i < kConnectors; ++i) {
        CHECK(all_runs.count(connector_name(i)) == 1);  // ... and the intersection empty
    }
}

TEST_CASE("run --shard: a malformed value is a usage error naming it (exit 2)") {
    Host host;
    host.manifest("a.yaml", example_manifest("a"));
    for (const char* bad : {"3/3", "1", "x/2", "1/0"}) {
        CAPTURE(bad);
        const auto r = host.run({"run", "--once", "--shard", bad});
        CHECK(r.exited_with(2));
        CHECK(contains(r.err, "invalid shard '" + std::string(bad) + "'"));
    }
    host.set_env("ASSET_HOST_SHARD", "2/2");
    const auto env = host.run({"run", "--once"});
    CHECK(env.exited_with(2));
    CHECK(contains(env.err, "invalid shard '2/2'"));
    CHECK_FALSE(host.state_text("a"));
}
