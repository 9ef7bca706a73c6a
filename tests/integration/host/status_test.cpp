// `asset-host status` through the real binary: what `run` recorded about each connector's last
// cycle, read back from the state directory after the daemon exited.
#include "eventually.h"
#include "host_fixture.h"

#include <nlohmann/json.hpp>

#include <csignal>

using namespace hosttest;
using nlohmann::json;

namespace {
const json* connector_named(const json& list, const std::string& name) {
    for (const auto& c : list) {
        if (c["connector"] == name) return &c;
    }
    return nullptr;
}
}  // namespace

TEST_CASE("status --json: the last cycle of a good and of a failing connector, after run --once") {
    Host host;
    host.manifest("good.yaml",
                  example_manifest("good", "  records: 7\n") + "schedule: { every: 15m }\n");
    host.manifest("bad.yaml", example_manifest("bad", "  records: 9\n  fail_after: 3\n"));
    host.manifest("off.yaml", example_manifest("off") + "enabled: false\n");
    const auto before = host.run({"status", "--json"});
    REQUIRE_MESSAGE(before.exited_with(0), before.err);
    CHECK(json::parse(before.out).size() == 3);
    CHECK((*connector_named(json::parse(before.out), "good"))["last_cycle"].is_null());

    const auto r = host.run({"run", "--once"});
    CHECK(r.exited_with(1));  // bad failed
    const auto st = host.run({"status", "--json"});
    REQUIRE_MESSAGE(st.exited_with(0), st.err);
    const json list = json::parse(st.out);
    const json* good = connector_named(list, "good");
    REQUIRE(good);
    CHECK((*good)["plugin"] == "example");
    CHECK((*good)["enabled"] == true);
    CHECK((*good)["schedule"]["every"] == "15m");
    CHECK((*good)["last_cycle"]["outcome"] == "success");
    CHECK((*good)["last_cycle"]["records_delivered"] == 7);
    CHECK((*good)["last_cycle"]["records_rejected"] == 0);
    CHECK((*good)["last_cycle"]["error"].is_null());
    CHECK((*good)["last_cycle"]["started_at"].get<std::string>().size() == 24);
    CHECK((*good)["last_cycle"]["duration_s"].get<double>() >= 0);
    CHECK((*good)["last_success_at"].is_string());
    CHECK((*good)["checkpoint_age_s"].get<double>() >= 0);
    CHECK((*good)["next_due_at"].is_null());  // --once: no next cycle

    const json* bad = connector_named(list, "bad");
    REQUIRE(bad);
    CHECK((*bad)["last_cycle"]["outcome"] == "failed");
    CHECK(contains((*bad)["last_cycle"]["error"].get<std::string>(), "plugin:"));
    CHECK((*bad)["last_success_at"].is_null());

    const json* off = connector_named(list, "off");
    REQUIRE(off);
    CHECK((*off)["enabled"] == false);
    CHECK((*off)["last_cycle"].is_null());
}

TEST_CASE("status NAME: text for one connector; an unknown name exits 2") {
    Host host;
    host.manifest("good.yaml", example_manifest("good"));
    REQUIRE(host.run({"run", "--once"}).exited_with(0));
    const auto one = host.run({"status", "good"});
    REQUIRE_MESSAGE(one.exited_with(0), one.err);
    CHECK(contains(one.out, "good (example): enabled, every 20m"));
    CHECK(contains(one.out, "last cycle:   success, mode "));
    CHECK(contains(one.out, "5 delivered, 0 rejected"));
    CHECK(contains(one.out, "checkpoint:   saved "));
    const auto unknown = host.run({"status", "nope"});
    CHECK(unknown.exited_with(2));
    CHECK(contains(unknown.err, "nope"));
}

TEST_CASE("status runs beside a running daemon (no lock) and shows the next due time") {
    Host host;
    host.manifest("good.yaml", example_manifest("good") + "schedule: { every: 1s }\n");
    auto p = host.start({"run"});
    json good;
    const bool seen = testsupport::eventually(
        [&] {
            const auto st = host.run({"status", "good", "--json"});
            if (!st.exited_with(0)) return false;
            good = json::parse(st.out).at(0);
            return good["next_due_at"].is_string() && !good["last_cycle"].is_null();
        },
        std::chrono::seconds(30));
    CHECK(seen);
    CHECK(good["last_cycle"]["outcome"] == "success");
    p->signal(SIGTERM);
    CHECK(p->wait(std::chrono::seconds(20)).exited_with(0));
}
