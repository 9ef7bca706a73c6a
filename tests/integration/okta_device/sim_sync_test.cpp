// The sync engine in-process (no host) over REAL HTTP against okta-sim: the libcurl client is
// the real one, only the host is replaced by RecordingHost. Waits go through a ManualClock where
// the test is about how long the plugin waits (back-off, 429), so those cases take no real time.
#include "config.h"
#include "device_sync.h"
#include "okta_sync.h"
#include "sync_state.h"

#include <asset_sdk/clock.h>
#include <asset_sdk/http_client.h>
#include <asset_sdk/time_util.h>

#include <doctest/doctest.h>
#include <okta_sim.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <string>

using nlohmann::json;
using okta_device::DeviceSync;

using namespace okta_device::testing;  // Sim, config_for, Run, run_sync, as_set

TEST_CASE("full sync: one record per device, a marker per page, the last one complete") {
    Sim sim(1234);
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    Run run;
    run_sync(run, config_for(sim), clock);
    REQUIRE_MESSAGE(run.status.is_ok(), run.status.message());
    const auto uids = run.uids();
    CHECK(uids.size() == 1234);
    CHECK(as_set(uids).size() == uids.size());  // no duplicates
    CHECK(as_set(uids) == sim.ids());
    CHECK(run.summary.pages == 7);
    REQUIRE(run.io.markers.size() == 7);
    for (std::size_t i = 0; i + 1 < run.io.markers.size(); ++i) {
        const json m = json::parse(run.io.markers[i]);
        CHECK(m["state"] == "in_progress");
        CHECK(m["resume"].get<std::string>().rfind("/api/v1/devices?after=", 0) == 0);
    }
    const json last = json::parse(run.io.markers.back());
    CHECK(last["state"] == "complete");
    CHECK(last["mode"] == "full");
    CHECK_FALSE(last.contains("resume"));
    CHECK(last.contains("last_full_sync_completed"));
    // The watermark is the highest lastUpdated in the org.
    std::string max_lu;
    for (const auto& d : sim.devices())
        max_lu = std::max(max_lu, d["lastUpdated"].get<std::string>());
    CHECK(last["watermark"] == max_lu);
    // Every request was authenticated and offered gzip only, the one encoding the plugin
    // decodes itself (libcurl's own list would add deflate, br, zstd).
    const json stats = sim.stats();  // a named copy: a temporary would die before the loop
    for (const auto& r : stats["requests_log"]) {
        if (r["path_and_query"].get<std::string>().rfind("/api/v1/devices", 0) != 0) continue;
        CHECK(r["had_valid_auth"] == true);
        CHECK(r["accept_encoding"] == "gzip");
    }
}

TEST_CASE("incremental: only the devices changed since the last sync") {
    Sim sim(600);
    asset_sdk::SystemClock& clock = asset_sdk::SystemClock::instance();
    const auto cfg = config_for(sim);
    Run full;
    run_sync(full, cfg, clock);
    REQUIRE(full.status.is_ok());
    REQUIRE(full.io.records.size() == 600);

    const auto mutated = json::parse(
        sim.process()
            .post("/_sim/mutate", R"({"update":{"count":9},"set":{"status":"SUSPENDED"}})")
            .body);
    std::set<std::string> changed;
    for (const auto& id : mutated["updated"]) changed.insert(id.get<std::string>());
    REQUIRE(changed.size() == 9);

    Run inc;
    run_sync(inc, cfg, clock, full.io.markers.back());
    REQUIRE_MESSAGE(inc.status.is_ok(), inc.status.message());
    CHECK(inc.summary.mode == okta_device::SyncMode::kIncremental);
    CHECK(as_set(inc.uids()) == changed);
    CHECK(inc.uids().size() == changed.size());
    for (const auto& r : inc.io.records) {
        const json rec = json::parse(r);
        CHECK(rec["enrichments"][0] ==
              json{{"name", "device_status"}, {"value", "SUSPENDED"}, {"data", json::object()}});
    }
    const json m = json::parse(inc.io.markers.back());
    CHECK(m["mode"] == "incremental");
    CHECK(m["state"] == "complete");
    // The full sync's completion time carries over (the next full sync is still scheduled).
    CHECK(m["last_full_sync_completed"] ==
          json::parse(full.io.markers.back())["last_full_sync_completed"]);

    // Nothing changed since: the next incremental returns nothing new (the bound moved on).
    Run again;
    run_sync(again, cfg, clock, inc.io.markers.back());
    REQUIRE(again.status.is_ok());
    CHECK(again.io.records.size() <= changed.size());  // at most the boundary re-sent
    std::set<std::string> again_ids = as_set(again.uids());
    for (const auto& id : again_ids) CHECK(changed.count(id) == 1);
}

TEST_CASE("an interrupted full sync resumes after the last acknowledged page") {
    Sim sim(1000);
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    const auto cfg = config_for(sim);
    Run first;
    first.io.stop_after_records = 450;  // the host stops the cycle in page 3
    first.io.stop_with = AH_STOP_DELIVERY_FAILED;
    run_sync(first, cfg, clock);
    CHECK(first.status.code() == asset_sdk::StatusCode::kCancelled);
    REQUIRE(first.io.markers.size() == 2);  // pages 1 and 2 completed
    // The plugin says why it stopped (the reason the host gave) and where.
    CHECK(first.io.all_logs().find("sync stopped in page 3: the host could not deliver the "
                                   "records; the next cycle resumes after the last "
                                   "acknowledged page") != std::string::npos);
    const std::vector<std::string> first_uids = first.uids();
    const std::vector<std::string> acknowledged(first_uids.begin(), first_uids.begin() + 400);

    Run second;
    run_sync(second, cfg, clock, first.io.markers.back());
    REQUIRE_MESSAGE(second.status.is_ok(), second.status.message());
    CHECK(second.summary.resumed);
    CHECK(second.io.records.size() == 600);
    std::set<std::string> all = as_set(acknowledged);
    for (const auto& id : second.uids()) CHECK(all.insert(id).second);  // nothing re-sent
    CHECK(all == sim.ids());
    // The resumed sync keeps the start time of the interrupted one.
    CHECK(json::parse(second.io.markers.back())["sync_started"] ==
          json::parse(first.io.markers.back())["sync_started"]);
}

TEST_CASE("a refused resume cursor restarts the sync from its first page") {
    Sim sim(300);
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    const auto cfg = config_for(sim);
    okta_device::Marker m;
    m.org = cfg.base_url;
    m.mode = okta_device::SyncMode::kFull;
    m.complete = false;
    m.resume = "/api/v1/devices?after=%21%21not-a-cursor&limit=200";
    m.sync_started_ms = 1;
    Run run;
    run_sync(run, cfg, clock, okta_device::serialize_marker(m));
    REQUIRE_MESSAGE(run.status.is_ok(), run.status.message());
    CHECK(as_set(run.uids()) == sim.ids());
    CHECK(run.io.all_logs().find("refused the saved page cursor") != std::string::npos);
    CHECK(json::parse(run.io.markers.back())["sync_started"] != "1970-01-01T00:00:00.001Z");
}

TEST_CASE("5xx are retried with back-off and the sync completes") {
    Sim sim(500);
    sim.faults(json::array({{{"kind", "http_503"}, {"on_request", 2}, {"count", 3}},
                            {{"kind", "http_500"}, {"on_request", 6}}}));
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    Run run;
    run_sync(run, config_for(sim), clock);
    REQUIRE_MESSAGE(run.status.is_ok(), run.status.message());
    CHECK(as_set(run.uids()) == sim.ids());
    CHECK(run.uids().size() == 500);
    CHECK(run.summary.client.retries == 4);
    CHECK(clock.sleeps().size() == 4);
    for (auto s : clock.sleeps()) CHECK(s <= std::chrono::seconds(30));
    CHECK(run.io.count_logs(AH_LOG_WARN) == 4);
}

TEST_CASE("a persistent 5xx gives up after max_retry_time with a clear error") {
    Sim sim(500);
    sim.faults(json::array({{{"kind", "http_503"}, {"on_request", 2}, {"count", 100000}}}));
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    Run run;
    run_sync(run, config_for(sim, R"("max_retry_time":"2m")"), clock);
    REQUIRE_FALSE(run.status.is_ok());
    const std::string msg = run.status.message();
    CHECK(msg.find("page 2: Okta API unavailable after") != std::string::npos);
    CHECK(msg.find("max_retry_time 2m") != std::string::npos);
    CHECK(msg.find("HTTP 503") != std::string::npos);
    CHECK(msg.find("Okta request id") != std::string::npos);
    CHECK(clock.total_slept() <= std::chrono::minutes(2));
    CHECK(clock.total_slept() >= std::chrono::seconds(60));  // it did try for a while
    REQUIRE(run.io.markers.size() == 1);                     // page 1 only
    CHECK(json::parse(run.io.markers[0])["state"] == "in_progress");
}

TEST_CASE("429: wait until the reset (server frame, skew-corrected) then go on") {
    for (const char* skew : {"0", "3600000", "-3600000"}) {
        CAPTURE(skew);
        Sim sim(400, {"--clock-skew-ms", skew});
        sim.faults(json::array(
            {{{"kind", "rate_limit_429"}, {"on_request", 2}, {"reset_after_ms", 4000}}}));
        asset_sdk::ManualClock clock(std::chrono::system_clock::now());
        Run run;
        run_sync(run, config_for(sim), clock);
        REQUIRE_MESSAGE(run.status.is_ok(), run.status.message());
        CHECK(run.uids().size() == 400);
        REQUIRE(clock.sleeps().size() == 1);
        // Reset is rounded up to a whole second and Date down: 4 s ahead ⇒ 4..6 s, +1 s, + jitter.
        CHECK(clock.sleeps()[0] >= std::chrono::milliseconds(4'000));
        CHECK(clock.sleeps()[0] < std::chrono::milliseconds(8'000));
        CHECK(run.summary.client.rate_limited == 1);
    }
}

TEST_CASE("concurrency 429 backs off instead of waiting for a window") {
    Sim sim(300);
    sim.faults(json::array({{{"kind", "concurrency_429"},
                             {"on_request", 1},
                             {"count", 2},
                             {"reset_after_ms", 60000}}}));
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    Run run;
    run_sync(run, config_for(sim), clock);
    REQUIRE_MESSAGE(run.status.is_ok(), run.status.message());
    REQUIRE(clock.sleeps().size() == 2);
    CHECK(clock.sleeps()[0] <= std::chrono::milliseconds(500));
    CHECK(clock.sleeps()[1] <= std::chrono::milliseconds(1000));
}

TEST_CASE("truncated bodies, dropped connections and slow answers are retried; no duplicates") {
    Sim sim(700);
    sim.faults(json::array({{{"kind", "truncated_body"}, {"on_request", 2}},
                            {{"kind", "drop_connection"}, {"on_request", 4}},
                            {{"kind", "slow"}, {"on_request", 6}, {"delay_ms", 1500}}}));
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    Run run;
    run_sync(run, config_for(sim, R"("timeout":"700ms")"), clock);
    REQUIRE_MESSAGE(run.status.is_ok(), run.status.message());
    CHECK(run.uids().size() == 700);
    CHECK(as_set(run.uids()) == sim.ids());
    // Each fault hit a request; libcurl itself transparently re-sends a request whose kept-alive
    // connection was dropped before any byte came back, so only the truncated and the slow
    // answers are sure to surface as retries here.
    const json fired = sim.stats()["faults_fired"];
    CHECK(fired["truncated_body"] == 1);
    CHECK(fired["drop_connection"] == 1);
    CHECK(fired["slow"] == 1);
    CHECK(run.summary.client.retries >= 2);
    CHECK(run.summary.client.retries <= 3);
}

TEST_CASE("malformed JSON once: the page is read again, nothing duplicated") {
    Sim sim(600);
    sim.faults(json::array({{{"kind", "malformed_json"}, {"on_request", 2}}}));
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    Run run;
    run_sync(run, config_for(sim), clock);
    REQUIRE_MESSAGE(run.status.is_ok(), run.status.message());
    CHECK(run.summary.page_rereads == 1);
    CHECK(run.uids().size() == 600);
    CHECK(as_set(run.uids()) == sim.ids());
    CHECK(run.io.markers.size() == 3);
}

TEST_CASE("malformed JSON that persists fails the cycle without a marker past the last good page") {
    Sim sim(600);
    sim.faults(json::array({{{"kind", "malformed_json"}, {"on_request", 2}, {"count", 100000}}}));
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    Run run;
    run_sync(run, config_for(sim, R"("max_retry_time":"1m")"), clock);
    REQUIRE_FALSE(run.status.is_ok());
    const std::string msg = run.status.message();
    CHECK(msg.find("page 2: Okta returned a malformed devices page") != std::string::npos);
    CHECK(msg.find("no checkpoint was written past the last complete page") != std::string::npos);
    REQUIRE(run.io.markers.size() == 1);
    // The marker resumes at page 2: the next cycle reads it again.
    const json m = json::parse(run.io.markers[0]);
    CHECK(m["state"] == "in_progress");
    CHECK(clock.total_slept() <= std::chrono::minutes(1));
}

TEST_CASE("a next link off origin fails the cycle and the token goes nowhere") {
    for (const char* variant : {"port", "host", "scheme", "host_evil"}) {
        CAPTURE(variant);
        Sim sim(500);
        sim.faults(
            json::array({{{"kind", "off_origin_next"}, {"on_request", 1}, {"variant", variant}}}));
        asset_sdk::ManualClock clock(std::chrono::system_clock::now());
        Run run;
        run_sync(run, config_for(sim), clock);
        REQUIRE_FALSE(run.status.is_ok());
        CHECK(run.status.message().find("refusing to send the API token there") !=
              std::string::npos);
        const json stats = sim.stats();
        CHECK(stats["decoy_requests"] == 0);  // nothing was sent there at all
        CHECK(stats["decoy_requests_with_authorization"] == 0);
        CHECK(stats["off_origin_followed"] == 0);
        CHECK(run.io.markers.empty());  // page 1's marker would point off origin
        CHECK(run.io.records.size() == 200);
    }
}

TEST_CASE("a repeated next link is a loop error") {
    for (const char* variant : {"self", "first"}) {
        CAPTURE(variant);
        Sim sim(500);
        sim.faults(
            json::array({{{"kind", "repeated_next"}, {"on_request", 2}, {"variant", variant}}}));
        asset_sdk::ManualClock clock(std::chrono::system_clock::now());
        Run run;
        run_sync(run, config_for(sim), clock);
        REQUIRE_FALSE(run.status.is_ok());
        CHECK(run.status.message().find("pagination loop") != std::string::npos);
        CHECK(sim.stats()["device_requests"] == 2);
    }
}

TEST_CASE("401 and 400 end the cycle at once with Okta's errorCode and errorSummary") {
    Sim sim(500);
    sim.faults(json::array({{{"kind", "unauthorized"}, {"on_request", 2}}}));
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    Run run;
    run_sync(run, config_for(sim), clock);
    REQUIRE_FALSE(run.status.is_ok());
    CHECK(run.status.message().find("HTTP 401 E0000011: Invalid token provided") !=
          std::string::npos);
    CHECK(run.status.message().find("expire after 30 days") != std::string::npos);
    CHECK(clock.sleeps().empty());

    Sim sim2(500);
    sim2.faults(json::array({{{"kind", "bad_request"}, {"on_request", 1}}}));
    Run run2;
    run_sync(run2, config_for(sim2), clock);
    REQUIRE_FALSE(run2.status.is_ok());
    CHECK(run2.status.message().find("HTTP 400 E0000001") != std::string::npos);
    CHECK(run2.io.records.empty());
}

TEST_CASE("403 forbidden and a Classic org") {
    Sim sim(50);
    REQUIRE(sim.process().post("/_sim/config", R"({"forbidden":true})").status == 200);
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    Run run;
    run_sync(run, config_for(sim), clock);
    REQUIRE_FALSE(run.status.is_ok());
    CHECK(run.status.message().find("HTTP 403 E0000006") != std::string::npos);
    CHECK(run.status.message().find("okta.devices.read") != std::string::npos);
}

TEST_CASE("invalid devices are skipped, warned and counted; the page goes on") {
    Sim sim(300, {"--invalid-devices", "6"});
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    Run run;
    run_sync(run, config_for(sim), clock);
    REQUIRE_MESSAGE(run.status.is_ok(), run.status.message());
    CHECK(run.summary.skipped == 6);
    CHECK(run.uids().size() == 300);
    CHECK(as_set(run.uids()) == sim.valid_ids());
    CHECK(run.io.count_logs(AH_LOG_WARN) == 6);
    // The final marker says the mode and the count too (informational).
    REQUIRE_FALSE(run.io.markers.empty());
    const json last = json::parse(run.io.markers.back());
    CHECK(last["mode"] == "full");
    CHECK(last["skipped"] == 6);
    // The host's summary line gets them as the well-known statistics, once per page.
    CHECK(run.io.counter("records_skipped_total") == 6);
    CHECK(run.io.gauge_value("cycle_mode", {{"mode", "full"}}) == 1);
    CHECK(run.io.refused_statistics.empty());
}

TEST_CASE("a page re-read after a break neither re-sends nor re-warns") {
    Sim sim(300, {"--invalid-devices", "6"});
    // Faults by page, not by request number: page 2 is asked for while the broken page 1 is
    // read, and that request is dropped when page 1 is read again, so whether it reaches the
    // simulator before or after the re-read (taking "request 3") is up to timing. Page 3 is
    // asked for while the sound page 2 is read: its first request is the one the sync reads.
    sim.faults(json::array(
        {{{"kind", "malformed_json"}, {"page", 1}}, {{"kind", "malformed_json"}, {"page", 3}}}));
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    Run run;
    run_sync(run, config_for(sim, R"("page_size":100)"), clock);
    REQUIRE_MESSAGE(run.status.is_ok(), run.status.message());
    CHECK(run.summary.page_rereads == 2);
    CHECK(run.uids().size() == 300);
    CHECK(as_set(run.uids()) == sim.valid_ids());
    CHECK(run.summary.skipped == 6);
    int skip_warnings = 0;
    for (const auto& l : run.io.logs) skip_warnings += l.text.rfind("skipped device #", 0) == 0;
    CHECK(skip_warnings == 6);
    // Each broken page dropped the prefetch of the page after it, sent but never read: the
    // statistic counts those requests too, as "abandoned", beside the pages read.
    CHECK(run.io.counter("requests_total", {{"status", "abandoned"}}) == 2);
    CHECK(run.io.counter("requests_total", {{"status", "200"}}) == 6);
}

TEST_CASE("expand and limit dropped from next links are put back") {
    Sim sim(700, {"--drop-expand-in-next"});
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    Run run;
    run_sync(run, config_for(sim, R"("page_size":100)"), clock);
    REQUIRE(run.status.is_ok());
    CHECK(run.summary.pages == 7);
    int requests = 0;
    const json stats = sim.stats();  // a named copy: a temporary would die before the loop
    for (const auto& r : stats["requests_log"]) {
        const std::string pq = r["path_and_query"];
        if (pq.rfind("/api/v1/devices", 0) != 0) continue;
        ++requests;
        CHECK(pq.find("expand=userSummary") != std::string::npos);
        CHECK(pq.find("limit=100") != std::string::npos);
    }
    CHECK(requests == 7);
}
