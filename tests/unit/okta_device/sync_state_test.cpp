// Full vs incremental decisions and the marker format.
#include "sync_state.h"
#include "config.h"

#include <asset_sdk/time_util.h>

#include <doctest/doctest.h>

using namespace okta_device;
using asset_sdk::SystemTime;

namespace {

constexpr char kToken[] = "tok-SECRET-123";

OktaConfig config(const std::string& extra = "") {
    auto r = parse_config(std::string(R"({"base_url":"https://acme.okta.com","api_token":")") +
                          kToken + "\"" + (extra.empty() ? "" : "," + extra) + "}");
    REQUIRE(r.is_ok());
    return *r;
}

std::int64_t ms(const char* iso) {
    auto t = asset_sdk::parse_iso8601(iso);
    REQUIRE(t);
    return asset_sdk::to_epoch_millis(*t);
}

SystemTime at(const char* iso) {
    return *asset_sdk::parse_iso8601(iso);
}

Marker complete_marker() {
    Marker m;
    m.org = "https://acme.okta.com";
    m.mode = SyncMode::kFull;
    m.complete = true;
    m.sync_started_ms = ms("2024-05-01T10:00:00.000Z");
    m.watermark_ms = ms("2024-05-01T09:30:00.000Z");
    m.last_full_sync_completed_ms = ms("2024-05-01T10:05:00.000Z");
    return m;
}

}  // namespace

TEST_CASE("no checkpoint: full sync") {
    const auto plan = plan_sync(std::nullopt, false, config(), at("2024-05-01T12:00:00Z"));
    CHECK(plan.mode == SyncMode::kFull);
    CHECK_FALSE(plan.resume);
    CHECK(plan.warnings.empty());
    CHECK(plan.reason == "no checkpoint yet");
}

TEST_CASE("--full forces a full sync") {
    const std::string m = serialize_marker(complete_marker());
    const auto plan = plan_sync(m, true, config(), at("2024-05-01T12:00:00Z"));
    CHECK(plan.mode == SyncMode::kFull);
    CHECK_FALSE(plan.resume);
    // The watermark and last full sync carry over.
    CHECK(plan.watermark_ms == complete_marker().watermark_ms);
}

TEST_CASE("incremental lower bound = min(watermark, sync start) − overlap") {
    const OktaConfig c = config(R"("incremental_overlap":"5m")");
    SUBCASE("watermark before the sync start") {
        const auto plan =
            plan_sync(serialize_marker(complete_marker()), false, c, at("2024-05-01T12:00:00Z"));
        CHECK(plan.mode == SyncMode::kIncremental);
        REQUIRE(plan.lower_bound_ms);
        CHECK(*plan.lower_bound_ms == ms("2024-05-01T09:25:00.000Z"));
        CHECK(device_search({}, plan.lower_bound_ms) ==
              "lastUpdated gt \"2024-05-01T09:25:00.000Z\"");
    }
    SUBCASE("a device updated during the sync: the sync start wins") {
        Marker m = complete_marker();
        m.watermark_ms = ms("2024-05-01T10:03:00.000Z");  // after the start
        const auto plan = plan_sync(serialize_marker(m), false, c, at("2024-05-01T12:00:00Z"));
        REQUIRE(plan.lower_bound_ms);
        CHECK(*plan.lower_bound_ms == ms("2024-05-01T09:55:00.000Z"));
    }
    SUBCASE("no watermark (no devices) uses the sync start") {
        Marker m = complete_marker();
        m.watermark_ms.reset();
        const auto plan = plan_sync(serialize_marker(m), false, c, at("2024-05-01T12:00:00Z"));
        REQUIRE(plan.lower_bound_ms);
        CHECK(*plan.lower_bound_ms == ms("2024-05-01T09:55:00.000Z"));
    }
    CHECK(next_lower_bound(std::nullopt, std::nullopt, std::chrono::minutes(5)) == std::nullopt);
}

TEST_CASE("full_sync_every elapsed: full sync") {
    const OktaConfig c = config(R"("full_sync_every":"24h")");
    const std::string m = serialize_marker(complete_marker());
    CHECK(plan_sync(m, false, c, at("2024-05-02T10:04:59Z")).mode == SyncMode::kIncremental);
    const auto due = plan_sync(m, false, c, at("2024-05-02T10:05:00Z"));
    CHECK(due.mode == SyncMode::kFull);
    CHECK(due.reason.find("full sync due") != std::string::npos);
    // full_sync_every 0: every cycle is a full sync.
    CHECK(plan_sync(m, false, config(R"("full_sync_every":0)"), at("2024-05-01T10:06:00Z")).mode ==
          SyncMode::kFull);
    // Never completed a full sync (only incrementals?): full.
    Marker never = complete_marker();
    never.last_full_sync_completed_ms.reset();
    CHECK(plan_sync(serialize_marker(never), false, c, at("2024-05-01T10:06:00Z")).mode ==
          SyncMode::kFull);
}

TEST_CASE("an interrupted full sync resumes at its cursor") {
    Marker m = complete_marker();
    m.complete = false;
    m.resume = "/api/v1/devices?after=guo42&limit=200&expand=userSummary";
    m.sync_started_ms = ms("2024-05-01T11:00:00.000Z");
    const auto plan = plan_sync(serialize_marker(m), false, config(), at("2024-05-03T12:00:00Z"));
    CHECK(plan.mode == SyncMode::kFull);
    CHECK(plan.resume);
    CHECK(plan.resume_url == m.resume);
    CHECK(plan.sync_started_ms == m.sync_started_ms);
    // --full starts it over.
    const auto forced = plan_sync(serialize_marker(m), true, config(), at("2024-05-03T12:00:00Z"));
    CHECK_FALSE(forced.resume);
}

TEST_CASE("an interrupted incremental resumes unless a full sync is due") {
    Marker m = complete_marker();
    m.mode = SyncMode::kIncremental;
    m.complete = false;
    m.resume = "/api/v1/devices?after=guo42&limit=200&search=x";
    m.lower_bound_ms = ms("2024-05-01T09:00:00.000Z");
    auto plan = plan_sync(serialize_marker(m), false, config(), at("2024-05-01T12:00:00Z"));
    CHECK(plan.mode == SyncMode::kIncremental);
    CHECK(plan.resume);
    CHECK(plan.lower_bound_ms == m.lower_bound_ms);
    plan = plan_sync(serialize_marker(m), false, config(), at("2024-05-09T12:00:00Z"));
    CHECK(plan.mode == SyncMode::kFull);
    CHECK_FALSE(plan.resume);
}

TEST_CASE("corrupt or foreign checkpoints: full sync with a warning") {
    const OktaConfig c = config();
    for (
        const char* bad :
        {"not json", "[]", R"({"v":2,"org":"https://acme.okta.com"})", R"({"v":1})",
         R"({"v":1,"org":"https://acme.okta.com","mode":"odd","state":"complete"})",
         R"({"v":1,"org":"https://acme.okta.com","mode":"full","state":"in_progress"})",
         R"({"v":1,"org":"https://acme.okta.com","mode":"full","state":"complete","watermark":"yesterday"})"}) {
        CAPTURE(bad);
        const auto plan = plan_sync(std::string_view(bad), false, c, at("2024-05-01T12:00:00Z"));
        CHECK(plan.mode == SyncMode::kFull);
        CHECK_FALSE(plan.resume);
        REQUIRE(plan.warnings.size() == 1);
        CHECK(plan.warnings[0].find("ignoring the stored checkpoint") != std::string::npos);
    }
    Marker other = complete_marker();
    other.org = "https://other.okta.com";
    const auto plan = plan_sync(serialize_marker(other), false, c, at("2024-05-01T12:00:00Z"));
    CHECK(plan.mode == SyncMode::kFull);
    REQUIRE(plan.warnings.size() == 1);
    CHECK(plan.warnings[0].find("other.okta.com") != std::string::npos);
}

TEST_CASE("marker round trip; no token, nothing null") {
    Marker m = complete_marker();
    m.mode = SyncMode::kIncremental;
    m.complete = false;
    m.resume = "/api/v1/devices?after=a%20b&limit=200";
    m.lower_bound_ms = ms("2024-05-01T09:00:00.123Z");
    const std::string json = serialize_marker(m);
    CHECK(json.find(kToken) == std::string::npos);
    CHECK(json.find("null") == std::string::npos);
    CHECK(
        json ==
        R"({"v":1,"org":"https://acme.okta.com","mode":"incremental","state":"in_progress",)"
        R"("resume":"/api/v1/devices?after=a%20b&limit=200","sync_started":"2024-05-01T10:00:00.000Z",)"
        R"("watermark":"2024-05-01T09:30:00.000Z","lower_bound":"2024-05-01T09:00:00.123Z",)"
        R"("last_full_sync_completed":"2024-05-01T10:05:00.000Z"})");
    auto back = parse_marker(json);
    REQUIRE(back.is_ok());
    CHECK(back->org == m.org);
    CHECK(back->mode == m.mode);
    CHECK(back->complete == m.complete);
    CHECK(back->resume == m.resume);
    CHECK(back->sync_started_ms == m.sync_started_ms);
    CHECK(back->watermark_ms == m.watermark_ms);
    CHECK(back->lower_bound_ms == m.lower_bound_ms);
    CHECK(back->last_full_sync_completed_ms == m.last_full_sync_completed_ms);
}

TEST_CASE("the marker carries mode and skipped for the host's summary line") {
    // The host reads "mode" and "skipped" of the cycle's last marker (delivery README).
    Marker m = complete_marker();
    m.skipped = 3;
    const std::string json = serialize_marker(m);
    CHECK(json.find(R"("mode":"full")") != std::string::npos);
    CHECK(json.find(R"(,"skipped":3})") != std::string::npos);
    REQUIRE(parse_marker(json).is_ok());  // an informational key does not break reading it
    CHECK(serialize_marker(complete_marker()).find("skipped") == std::string::npos);
}

TEST_CASE("statuses: Okta's search for a full and an incremental sync") {
    const std::int64_t lower = ms("2024-05-01T09:25:00.000Z");
    CHECK(device_search({}, std::nullopt).empty());
    CHECK(device_search({"ACTIVE"}, std::nullopt) == R"(status eq "ACTIVE")");
    CHECK(device_search({"ACTIVE", "SUSPENDED"}, std::nullopt) ==
          R"((status eq "ACTIVE" or status eq "SUSPENDED"))");
    CHECK(device_search({"ACTIVE"}, lower) ==
          R"(lastUpdated gt "2024-05-01T09:25:00.000Z" and status eq "ACTIVE")");
    CHECK(device_search({"ACTIVE", "UNSUSPENDED", "CREATED"}, lower) ==
          R"(lastUpdated gt "2024-05-01T09:25:00.000Z" and (status eq "ACTIVE" or )"
          R"(status eq "UNSUSPENDED" or status eq "CREATED"))");
}

TEST_CASE("statuses: kept in the marker; a changed filter means a fresh full sync") {
    const OktaConfig active = config(R"("statuses":["ACTIVE","SUSPENDED"])");
    Marker m = complete_marker();
    m.statuses = statuses_key(active.statuses);
    const std::string text = serialize_marker(m);
    CHECK(text.find(R"("statuses":"ACTIVE,SUSPENDED")") != std::string::npos);
    auto parsed = parse_marker(text);
    REQUIRE(parsed.is_ok());
    CHECK(parsed->statuses == "ACTIVE,SUSPENDED");
    // Same filter: incremental as usual.
    CHECK(plan_sync(text, false, active, at("2024-05-01T12:00:00Z")).mode ==
          SyncMode::kIncremental);
    // Another filter, or none: a full sync, and it says why.
    auto plan = plan_sync(text, false, config(), at("2024-05-01T12:00:00Z"));
    CHECK(plan.mode == SyncMode::kFull);
    CHECK(plan.reason == "statuses changed from ACTIVE,SUSPENDED to every status");
    // A marker without the key (every status) under a new filter.
    plan =
        plan_sync(serialize_marker(complete_marker()), false, active, at("2024-05-01T12:00:00Z"));
    CHECK(plan.mode == SyncMode::kFull);
    CHECK(plan.reason == "statuses changed from every status to ACTIVE,SUSPENDED");
    // An interrupted sync of the old filter is not resumed.
    Marker running = complete_marker();
    running.complete = false;
    running.resume = "/api/v1/devices?after=x&limit=200";
    plan = plan_sync(serialize_marker(running), false, active, at("2024-05-01T12:00:00Z"));
    CHECK(plan.mode == SyncMode::kFull);
    CHECK_FALSE(plan.resume);
    CHECK(plan.watermark_ms == running.watermark_ms);  // carried over
}
