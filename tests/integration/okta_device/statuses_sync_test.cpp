// The `statuses` filter against okta-sim: Okta's `search` on status, server side, alone on a full
// sync and joined to the incremental lastUpdated term with `and`; a changed filter starts over
// with a full sync.
#include "okta_sync.h"
#include "sync_state.h"

#include <asset_sdk/url.h>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <vector>

using nlohmann::json;
using namespace okta_device::testing;  // Sim, config_for, Run, run_sync, as_set

namespace {

// The devices okta-sim holds with one of `statuses` that a record must exist for.
std::set<std::string> valid_with_status(const Sim& sim, const std::set<std::string>& statuses) {
    json matching = json::array();
    for (const auto& d : sim.devices()) {
        if (d.is_object() && statuses.count(d.value("status", "")) != 0) matching.push_back(d);
    }
    return testsupport::OktaSim::valid_ids(matching);
}

// The decoded `search` of every device-list request okta-sim logged.
std::vector<std::string> searches(const Sim& sim) {
    std::vector<std::string> out;
    for (const std::string& target : sim.device_request_targets()) {
        auto url = asset_sdk::parse_url("http://okta.test" + target);
        REQUIRE(url.is_ok());
        out.push_back(url->query_value("search").value_or(""));
    }
    return out;
}

std::string status_of(const std::string& record) {
    const json parsed = json::parse(record);  // named: the loop reads into it
    for (const auto& e : parsed["enrichments"]) {
        if (e["name"] == "device_status") return e["value"];
    }
    return {};
}

}  // namespace

TEST_CASE("statuses: a full sync asks Okta for those statuses only") {
    Sim sim(400);
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    Run run;
    run_sync(run, config_for(sim, R"("statuses":["ACTIVE","SUSPENDED"])"), clock);
    REQUIRE_MESSAGE(run.status.is_ok(), run.status.message());

    const auto expected = valid_with_status(sim, {"ACTIVE", "SUSPENDED"});
    REQUIRE(expected.size() > 100);  // i % 7 in {0,1,2,4}: most of the org
    CHECK(as_set(run.uids()) == expected);
    CHECK(run.uids().size() == expected.size());
    for (const auto& r : run.io.records) {
        const std::string status = status_of(r);
        CHECK((status == "ACTIVE" || status == "SUSPENDED"));
    }
    const auto sent = searches(sim);
    REQUIRE_FALSE(sent.empty());
    for (const auto& s : sent) CHECK(s == R"((status eq "ACTIVE" or status eq "SUSPENDED"))");
    CHECK(json::parse(run.io.markers.back())["statuses"] == "ACTIVE,SUSPENDED");

    // Without the key: every status, no search at all.
    sim.reset();
    Run all;
    run_sync(all, config_for(sim), clock);
    REQUIRE(all.status.is_ok());
    CHECK(as_set(all.uids()) == sim.valid_ids());
    for (const auto& s : searches(sim)) CHECK(s.empty());
    CHECK_FALSE(json::parse(all.io.markers.back()).contains("statuses"));
}

TEST_CASE(
    "statuses: incremental syncs add the status filter to lastUpdated; a new filter is a "
    "full sync") {
    Sim sim(300);
    asset_sdk::SystemClock& clock = asset_sdk::SystemClock::instance();
    const auto active_only = config_for(sim, R"("statuses":["ACTIVE"])");
    Run full;
    run_sync(full, active_only, clock);
    REQUIRE_MESSAGE(full.status.is_ok(), full.status.message());
    const auto active = valid_with_status(sim, {"ACTIVE"});
    CHECK(as_set(full.uids()) == active);

    // Three ACTIVE devices change their OS, two others are suspended.
    std::vector<std::string> ids(active.begin(), active.end());
    REQUIRE(ids.size() > 10);
    const std::vector<std::string> upgraded(ids.begin(), ids.begin() + 3);
    const std::vector<std::string> suspended(ids.begin() + 3, ids.begin() + 5);
    sim.mutate({{"update", {{"ids", upgraded}}}, {"set", {{"osVersion", "99.1"}}}});
    sim.mutate({{"update", {{"ids", suspended}}}, {"set", {{"status", "SUSPENDED"}}}});
    sim.reset();

    Run inc;
    run_sync(inc, active_only, clock, full.io.markers.back());
    REQUIRE_MESSAGE(inc.status.is_ok(), inc.status.message());
    CHECK(inc.summary.mode == okta_device::SyncMode::kIncremental);
    // Only what changed and still matches: a device whose status left the filter is not sent
    // again (the README's "Lifecycle" says what Sekoia then shows).
    CHECK(as_set(inc.uids()) == std::set<std::string>(upgraded.begin(), upgraded.end()));
    const auto sent = searches(sim);
    REQUIRE_FALSE(sent.empty());
    for (const auto& s : sent) {
        CAPTURE(s);
        CHECK(s.starts_with("lastUpdated gt \""));
        CHECK(s.ends_with(R"(Z" and status eq "ACTIVE")"));
    }

    // Adding SUSPENDED: the suspended devices have not changed since, only a full sync finds
    // them, and it is what runs.
    const auto both = config_for(sim, R"("statuses":["ACTIVE","SUSPENDED"])");
    Run widened;
    run_sync(widened, both, clock, inc.io.markers.back());
    REQUIRE_MESSAGE(widened.status.is_ok(), widened.status.message());
    CHECK(widened.summary.mode == okta_device::SyncMode::kFull);
    CHECK(widened.io.all_logs().find("statuses changed from ACTIVE to ACTIVE,SUSPENDED") !=
          std::string::npos);
    const auto now_included = as_set(widened.uids());
    for (const auto& id : suspended) CHECK(now_included.count(id) == 1);
    CHECK(now_included == valid_with_status(sim, {"ACTIVE", "SUSPENDED"}));
}
