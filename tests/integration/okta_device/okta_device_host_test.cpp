// The Okta Device plugin through the REAL asset-host binary (it loads build/plugins/
// okta_device.so) against okta-sim on loopback: full syncs, faults, incremental cycles, rate
// limits (Test connector: test_connector_test.cpp). The API token is checked to appear nowhere
// in any output of any run.
#include "okta_host_fixture.h"

#include <full_sync_checkpoint.h>

#include <asset_sdk/time_util.h>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <csignal>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <tuple>

using namespace oktahost;  // Sim, Host, kToken, records_of

namespace {

std::multiset<std::string> uids_of(const std::vector<json>& records) {
    std::multiset<std::string> out;
    for (const auto& r : records) out.insert(r["device"]["uid"].get<std::string>());
    return out;
}

bool has_text(const json& v) {
    return v.is_string() && !v.get<std::string>().empty();
}

// Devices a record must exist for (an id and a display name), as a multiset to compare with
// the records' (duplicates would show).
std::multiset<std::string> valid_ids(const json& devices) {
    const auto ids = testsupport::OktaSim::valid_ids(devices);
    return {ids.begin(), ids.end()};
}

json seconds(const std::string& iso) {
    const auto t = asset_sdk::parse_iso8601(iso);
    REQUIRE(t);
    const std::int64_t ms = asset_sdk::to_epoch_millis(*t);
    if (ms % 1000 == 0) return ms / 1000;
    return static_cast<double>(ms) / 1000.0;
}

// An independent statement of the mapping rules (plugins/okta_device/README.md), applied to
// the simulator's raw device: the OCSF `device` object the record must carry, exactly.
json expected_device(const json& d) {
    const json& p = d["profile"];
    auto text = [&](const char* k) -> std::optional<std::string> {
        if (p.contains(k) && has_text(p[k])) return p[k].get<std::string>();
        return std::nullopt;
    };
    json e;
    e["uid"] = d["id"];
    e["name"] = p["displayName"];
    e["hostname"] = p["displayName"];
    // Okta's enums are matched case-insensitively (README "Mapping"); the raw value is kept
    // only for a platform the rules do not know.
    const auto raw_platform = text("platform");
    std::optional<std::string> platform;
    if (raw_platform) {
        std::string up = *raw_platform;
        for (char& ch : up) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        platform = up;
    }
    static const std::map<std::string, std::pair<int, const char*>> kType = {
        {"WINDOWS", {2, "Desktop"}},
        {"MACOS", {2, "Desktop"}},
        {"IOS", {5, "Mobile"}},
        {"ANDROID", {5, "Mobile"}}};
    const auto t = platform ? kType.find(*platform) : kType.end();
    e["type_id"] = t == kType.end() ? 0 : t->second.first;
    e["type"] = t == kType.end() ? "Unknown" : t->second.second;
    if (platform) {
        json os;
        const auto model = text("model");
        if (*platform == "WINDOWS")
            os = {{"name", "Windows"}, {"type", "windows"}, {"type_id", 100}};
        else if (*platform == "MACOS")
            os = {{"name", "macOS"}, {"type", "macos"}, {"type_id", 300}};
        else if (*platform == "IOS" && model && model->size() >= 4 &&
                 (model->substr(0, 4) == "iPad" || model->substr(0, 4) == "IPAD" ||
                  model->substr(0, 4) == "ipad"))
            os = {{"name", "iPadOS"}, {"type", "ipados"}, {"type_id", 302}};
        else if (*platform == "IOS")
            os = {{"name", "iOS"}, {"type", "ios"}, {"type_id", 301}};
        else if (*platform == "ANDROID")
            os = {{"name", "Android"}, {"type", "android"}, {"type_id", 201}};
        else if (*platform == "LINUX")
            os = {{"name", "Linux"}, {"type", "linux"}, {"type_id", 200}};
        else if (*platform == "CHROMEOS")
            os = {{"name", "ChromeOS"}, {"type", "other"}, {"type_id", 99}};
        else
            os = {{"name", *platform}, {"type", "other"}, {"type_id", 99}};
        if (auto v = text("osVersion")) {
            // The version joins the name; Android's ":patch level" does not.
            os["version"] = *v;
            const std::string version = *platform == "ANDROID" ? v->substr(0, v->find(':')) : *v;
            if (!version.empty()) os["name"] = os["name"].get<std::string>() + " " + version;
        }
        e["os"] = os;
    } else if (auto v = text("osVersion")) {
        e["os"] = {{"name", "Unknown " + *v}, {"type", "unknown"}, {"type_id", 0}, {"version", *v}};
    }
    if (auto v = text("manufacturer")) e["vendor_name"] = *v;
    if (auto v = text("model")) e["model"] = *v;
    if (auto v = text("serialNumber")) {
        e["uid_alt"] = *v;
        e["hw_info"] = {{"serial_number", *v}};
    }
    if (auto v = text("udid")) {
        // Apple's UDID; elsewhere a hardware UUID (Windows: SMBIOS).
        if (platform && (*platform == "MACOS" || *platform == "IOS")) {
            e["udid"] = *v;
        } else {
            e["hw_info"]["uuid"] = *v;
        }
    }
    if (auto v = text("meid")) e["meid"] = *v;
    if (auto v = text("imei")) e["imei_list"] = json::array({*v});
    if (has_text(d.value("created", json()))) {
        e["created_time"] = seconds(d["created"]);
        e["first_seen_time"] = seconds(d["created"]);
    }
    if (has_text(d.value("lastUpdated", json()))) {
        e["last_seen_time"] = seconds(d["lastUpdated"]);
        e["modified_time"] = seconds(d["lastUpdated"]);
    }
    const json users = d.contains("_embedded") && d["_embedded"].is_object()
                           ? d["_embedded"].value("users", json::array())
                           : json::array();
    if (p.contains("managed") && p["managed"].is_boolean()) {
        e["is_managed"] = p["managed"];
    } else {
        std::optional<bool> managed;
        for (const auto& u : users) {
            const auto s = u.value("managementStatus", json());
            if (s == "MANAGED") {
                managed = true;
                break;
            }
            if (s == "NOT_MANAGED") managed = false;
        }
        if (managed) e["is_managed"] = *managed;
    }
    // The owner: the earliest link, then the smallest user id, then the smallest login.
    const json* chosen = nullptr;
    auto key = [](const json& u) {
        const json user = u.value("user", json::object());
        const json up = user.value("profile", json::object());
        auto str = [](const json& v) { return has_text(v) ? v.get<std::string>() : "\x7f"; };
        const json created = u.value("created", json());
        return std::make_tuple(has_text(created) ? seconds(created).get<double>() : 1e300,
                               str(user.value("id", json())), str(up.value("login", json())));
    };
    for (const auto& u : users) {
        const json user = u.value("user", json::object());
        const json up = user.value("profile", json::object());
        if (!has_text(user.value("id", json())) && !has_text(up.value("login", json()))) continue;
        if (!chosen || key(u) < key(*chosen)) chosen = &u;
    }
    if (chosen) {
        const json user = chosen->value("user", json::object());
        const json up = user.value("profile", json::object());
        json owner;
        if (has_text(user.value("id", json()))) owner["uid"] = user["id"];
        if (has_text(up.value("login", json())))
            owner["name"] = up["login"];
        else if (has_text(up.value("email", json())))
            owner["name"] = up["email"];
        if (has_text(up.value("email", json()))) owner["email_addr"] = up["email"];
        std::string first =
            has_text(up.value("firstName", json())) ? up["firstName"].get<std::string>() : "";
        std::string last =
            has_text(up.value("lastName", json())) ? up["lastName"].get<std::string>() : "";
        if (!first.empty() || !last.empty()) {
            owner["full_name"] = first + (!first.empty() && !last.empty() ? " " : "") + last;
        }
        e["owner"] = owner;
    }
    return e;
}

std::optional<json> enrichment(const json& record, const std::string& name) {
    for (const auto& e : record.value("enrichments", json::array())) {
        if (e["name"] == name) return e;
    }
    return std::nullopt;
}

}  // namespace

TEST_CASE("full sync of 5,000 devices: one record per device, every field as the rules say") {
    Sim sim(5000);
    Host host;
    const auto manifest = host.write_manifest(sim.url());
    const auto started = std::chrono::steady_clock::now();
    const ProcessResult r = host.fetch(manifest);
    const auto took = std::chrono::steady_clock::now() - started;
    REQUIRE_MESSAGE(r.exited_with(0), r.err);
    MESSAGE("full sync of 5000 devices through asset-host: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");

    const auto records = records_of(r);
    const json devices = sim.devices();
    const auto uids = uids_of(records);
    CHECK(records.size() == 5000);
    CHECK(std::set<std::string>(uids.begin(), uids.end()).size() == uids.size());  // no duplicates
    CHECK(uids == valid_ids(devices));
    CHECK(r.err.find("full sync complete: 5000 devices in 25 pages") != std::string::npos);

    std::map<std::string, const json*> by_id;
    for (const auto& d : devices) by_id[d["id"].get<std::string>()] = &d;
    std::map<std::string, int> per_platform;
    for (const auto& rec : records) {
        const json& d = *by_id.at(rec["device"]["uid"].get<std::string>());
        const std::string platform = d["profile"].value("platform", json("(none)")).is_string()
                                         ? d["profile"].value("platform", std::string("(none)"))
                                         : "(not a string)";
        CAPTURE(platform);
        CAPTURE(d.dump());
        ++per_platform[platform];
        CHECK(rec["device"] == expected_device(d));
        CHECK(rec["class_uid"] == 5001);
        CHECK(rec["type_uid"] == 500102);
        CHECK(rec["metadata"]["version"] == "1.6.0");
        const json& p = d["profile"];
        if (has_text(d.value("status", json()))) {
            CHECK(enrichment(rec, "device_status")->at("value") == d["status"]);
        }
        if (p.contains("registered") && p["registered"].is_boolean()) {
            CHECK(enrichment(rec, "registered")->at("value") ==
                  (p["registered"].get<bool>() ? "true" : "false"));
        }
        if (has_text(p.value("diskEncryptionType", json()))) {
            CHECK(enrichment(rec, "disk_encryption")->at("value") == p["diskEncryptionType"]);
        }
        if (has_text(p.value("sid", json())))
            CHECK(enrichment(rec, "windows_sid")->at("value") == p["sid"]);
        if (p.contains("integrityJailbreak") && p["integrityJailbreak"].is_boolean()) {
            CHECK(enrichment(rec, "jailbroken").has_value());
        }
        // What Sekoia drops from the OCSF fields comes again in enrichments it keeps.
        const json& dev = rec["device"];
        CHECK(enrichment(rec, "owner").has_value() == dev.contains("owner"));
        if (dev.contains("owner")) {
            CHECK(enrichment(rec, "owner")->at("data")["Users"] ==
                  json::array({dev["owner"].value("name", dev["owner"].value("uid", ""))}));
        }
        CHECK(enrichment(rec, "hardware_uuid").has_value() ==
              (dev.contains("hw_info") && dev["hw_info"].contains("uuid")));
        const std::string os_version = p.value("osVersion", json()).is_string()
                                           ? p["osVersion"].get<std::string>()
                                           : std::string();
        if (dev["type_id"] == 5 && dev["os"]["type"] == "android" &&
            os_version.find(':') != std::string::npos) {
            CHECK(enrichment(rec, "security_patch_level")->at("value") ==
                  os_version.substr(os_version.find(':') + 1));
        } else {
            CHECK_FALSE(enrichment(rec, "security_patch_level").has_value());
        }
        CHECK(rec.dump().find("null") == std::string::npos);
    }
    // The simulated org covers every platform Okta documents.
    for (const char* p : {"WINDOWS", "MACOS", "IOS", "ANDROID"}) {
        CAPTURE(p);
        CHECK(per_platform[p] > 100);
    }
}

TEST_CASE("fetch NDJSON: epoch seconds by default, said on stderr; OCSF milliseconds on request") {
    Sim sim(30);
    Host host;
    const ProcessResult seconds_run = host.fetch(host.write_manifest(sim.url()));
    REQUIRE_MESSAGE(seconds_run.exited_with(0), seconds_run.err);
    CHECK(seconds_run.err.find("records carry times in epoch seconds (time_unit: seconds)") !=
          std::string::npos);
    const ProcessResult ms_run =
        host.fetch(host.write_manifest(sim.url(), "  time_unit: milliseconds\n"));
    REQUIRE_MESSAGE(ms_run.exited_with(0), ms_run.err);
    CHECK(ms_run.err.find("epoch seconds") == std::string::npos);

    std::map<std::string, json> in_seconds;
    for (const auto& r : records_of(seconds_run)) in_seconds[r["device"]["uid"]] = r;
    const auto ms_records = records_of(ms_run);
    REQUIRE(ms_records.size() == in_seconds.size());
    for (const auto& r : ms_records) {
        const json& s = in_seconds.at(r["device"]["uid"].get<std::string>());
        CHECK(r["time"].is_number_integer());
        for (const char* key :
             {"created_time", "first_seen_time", "last_seen_time", "modified_time"}) {
            CAPTURE(key);
            if (!s["device"].contains(key)) continue;
            // timestamp_t: integer epoch milliseconds, the same instant as the seconds value.
            REQUIRE(r["device"][key].is_number_integer());
            CHECK(r["device"][key].get<std::int64_t>() ==
                  std::llround(s["device"][key].get<double>() * 1000));
        }
    }
}

TEST_CASE("transient faults are retried and the cycle completes with every device once") {
    Sim sim(1500);
    sim.faults(
        json::array({{{"kind", "http_503"}, {"on_request", 2}, {"count", 2}},
                     {{"kind", "truncated_body"}, {"on_request", 5}},
                     {{"kind", "drop_connection"}, {"on_request", 7}},
                     {{"kind", "slow"}, {"on_request", 9}, {"delay_ms", 1500}},
                     {{"kind", "malformed_json"}, {"on_request", 11}},
                     {{"kind", "rate_limit_429"}, {"on_request", 13}, {"reset_after_ms", 1000}}}));
    Host host;
    const ProcessResult r = host.fetch(host.write_manifest(sim.url(), "  timeout: 1s\n"));
    REQUIRE_MESSAGE(r.exited_with(0), r.err);
    const auto uids = uids_of(records_of(r));
    CHECK(uids.size() == 1500);
    CHECK(uids == valid_ids(sim.devices()));
    const json fired = sim.stats()["faults_fired"];
    for (const char* f : {"http_503", "truncated_body", "drop_connection", "slow", "malformed_json",
                          "rate_limit_429"}) {
        CAPTURE(f);
        CHECK(fired.value(f, 0) >= 1);
    }
    CHECK(r.err.find("reading the page again") != std::string::npos);
}

TEST_CASE("malformed JSON that persists: exit 1 with a clear error") {
    Sim sim(1000);
    sim.faults(json::array({{{"kind", "malformed_json"}, {"on_request", 3}, {"count", 1000}}}));
    Host host;
    const ProcessResult r = host.fetch(host.write_manifest(sim.url(), "  max_retry_time: 2s\n"));
    CHECK(r.exited_with(1));
    CHECK(r.err.find("page 3: Okta returned a malformed devices page") != std::string::npos);
    CHECK(r.err.find("the next cycle reads this page again") != std::string::npos);
}

TEST_CASE("a next link off origin: exit 1, and the decoy never saw the token") {
    for (const char* variant : {"port", "host_evil", "scheme"}) {
        CAPTURE(variant);
        Sim sim(600);
        sim.faults(
            json::array({{{"kind", "off_origin_next"}, {"on_request", 2}, {"variant", variant}}}));
        Host host;
        const ProcessResult r = host.fetch(host.write_manifest(sim.url()));
        CHECK(r.exited_with(1));
        CHECK(r.err.find("refusing to send the API token there") != std::string::npos);
        const json stats = sim.stats();
        CHECK(stats["decoy_requests_with_authorization"] == 0);
        CHECK(stats["decoy_requests"] == 0);
        CHECK(stats["off_origin_followed_with_authorization"] == 0);
    }
}

TEST_CASE("a repeated next link: exit 1 with a loop error") {
    Sim sim(600);
    sim.faults(json::array({{{"kind", "repeated_next"}, {"on_request", 2}, {"variant", "first"}}}));
    Host host;
    const ProcessResult r = host.fetch(host.write_manifest(sim.url()));
    CHECK(r.exited_with(1));
    CHECK(r.err.find("pagination loop") != std::string::npos);
}

TEST_CASE("an incremental cycle returns only the devices changed since the checkpoint") {
    Sim sim(2000);
    Host host;
    const auto manifest = host.write_manifest(sim.url());
    okta_device::testing::write_full_sync_checkpoint(host, sim);

    const json mutated =
        sim.mutate({{"update", {{"count", 17}}}, {"set", {{"osVersion", "99.1"}}}, {"add", 3}});
    std::multiset<std::string> changed;
    for (const auto& id : mutated["updated"]) changed.insert(id.get<std::string>());
    for (const auto& id : mutated["added"]) changed.insert(id.get<std::string>());
    REQUIRE(changed.size() == 20);

    const ProcessResult r = host.fetch(manifest);
    REQUIRE_MESSAGE(r.exited_with(0), r.err);
    CHECK(r.err.find("starting incremental sync") != std::string::npos);
    const auto records = records_of(r);
    CHECK(uids_of(records) == changed);
    for (const auto& rec : records) {
        if (mutated["updated"].dump().find(rec["device"]["uid"].get<std::string>()) ==
            std::string::npos)
            continue;
        CHECK(rec["device"]["os"]["version"] == "99.1");
    }
    // --full ignores the checkpoint: every device again.
    const ProcessResult full = host.fetch(manifest, true);
    REQUIRE(full.exited_with(0));
    CHECK(records_of(full).size() == 2003);
}

TEST_CASE("rate-limit budget exhausted mid-sync: the sync waits, keeps the reserve, completes") {
    // 8 requests per 1.5 s window; the connector keeps half for others: 4 per window.
    Sim sim(2000, {"--rate-limit", "8", "--rate-window-ms", "1500"});
    Host host;
    const auto started = std::chrono::steady_clock::now();
    const ProcessResult r = host.fetch(host.write_manifest(sim.url()));
    const auto took = std::chrono::steady_clock::now() - started;
    REQUIRE_MESSAGE(r.exited_with(0), r.err);
    CHECK(records_of(r).size() == 2000);
    const json stats = sim.stats();
    CHECK(stats["rate_limit"]["rejected_429"] == 0);  // paced, never pushed into a 429
    CHECK(stats["device_requests"] == 10);
    // 10 pages at 4 per window need at least two waits for a window to turn over.
    CHECK(took >= std::chrono::milliseconds(2000));
    CHECK(r.err.find("waited 0s") == std::string::npos);
}

TEST_CASE("SIGTERM during a rate-limit wait: the host stops at once") {
    // 2 requests per 20 s window and half kept in reserve: after page 1 the plugin must wait
    // for the window to turn over. Records go to a file: a stdout pipe nobody reads would
    // block the host instead.
    Sim sim(600, {"--rate-limit", "2", "--rate-window-ms", "20000"});
    Host host;
    const auto manifest = host.write_manifest(sim.url());
    const auto p =
        host.start({"--log-level", "debug", "fetch", manifest, "--output", "out.ndjson"});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (sim.stats()["device_requests"] == 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(800));  // page 1 done, now waiting
    REQUIRE(p->running());
    const auto signalled = std::chrono::steady_clock::now();
    p->signal(SIGTERM);
    const ProcessResult r = p->wait(std::chrono::seconds(15));
    host.check_no_secrets(r);
    const auto stop_took = std::chrono::steady_clock::now() - signalled;
    CHECK(r.exited_with(1));
    CHECK(stop_took < std::chrono::seconds(2));
    CHECK(r.err.find("pausing") != std::string::npos);  // it was in the pacing wait
    CHECK(r.err.find("200 records, 1 checkpoint") != std::string::npos);
    CHECK(r.err.find(kToken) == std::string::npos);
    CHECK(sim.stats()["device_requests"] == 1);
}

TEST_CASE("config errors are exit 2 and never echo the token") {
    Host host;
    const ProcessResult r = host.fetch(host.write_manifest("http://127.0.0.1:1/api/v1", ""));
    CHECK(r.exited_with(2));
    CHECK(r.err.find("base_url") != std::string::npos);
}

TEST_CASE("validate refuses, exit 2, what the plugin would refuse on every run") {
    struct Case {
        std::string base_url, extra, key, words;
    };
    const std::vector<Case> cases = {
        {"http://user:s3cret@127.0.0.1:1", "", "config.base_url", "must not contain credentials"},
        {"http://okta-admin@127.0.0.1:1", "", "config.base_url", "must not contain credentials"},
        {"http://127.0.0.1:1/api/v1", "", "config.base_url", "must be the org URL without a path"},
        {"http://127.0.0.1:1", "  timeout: 0s\n", "config.timeout", "must be between"},
        {"http://127.0.0.1:1", "  timeout: 2h\n", "config.timeout", "must be between"},
        {"http://127.0.0.1:1", "  max_retry_time: 2d\n", "config.max_retry_time",
         "must be between"},
        {"http://127.0.0.1:1", "  full_sync_every: 400d\n", "config.full_sync_every",
         "must be between"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.base_url);
        CAPTURE(c.extra);
        Host host;
        host.write_manifest(c.base_url, c.extra);
        const ProcessResult r = host.run({"validate", "okta-devices"});
        CHECK(r.exited_with(2));
        CHECK(r.out.empty());
        CHECK_MESSAGE(r.err.find(c.key + ": " + c.words) != std::string::npos, r.err);
        CHECK(r.err.find("s3cret") == std::string::npos);  // the credentials are not echoed
    }
    Host host;
    host.write_manifest("http://127.0.0.1:1", "  timeout: 1h\n");
    const ProcessResult ok = host.run({"validate", "okta-devices"});
    CHECK_MESSAGE(ok.exited_with(0), ok.err);
}
