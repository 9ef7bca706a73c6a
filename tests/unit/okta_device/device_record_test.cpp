// What Sekoia keeps of a device record, per platform: the OS version inside os.name, recency in
// last_seen_time, the owner (chosen whatever the order of Okta's user links) in an enrichment,
// hardware identifiers where OCSF puts them; and the time unit switch.
#include "page_reader.h"

#include <asset_sdk/time_util.h>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

using nlohmann::json;
using okta_device::PageReader;
using okta_device::PageStats;
using okta_device::TimeUnit;

namespace {

const asset_sdk::SystemTime kCollected = *asset_sdk::parse_iso8601("2024-06-01T00:00:00.250Z");

json map_one(const std::string& device, TimeUnit unit = TimeUnit::kSeconds) {
    PageReader reader(unit);
    std::string body = "[" + device + "]";
    std::vector<json> records;
    PageStats stats;
    const auto st = reader.read(
        body, kCollected, false,
        [&](std::string_view r) {
            records.push_back(json::parse(r));
            return true;
        },
        [](int, std::string_view, std::string_view) {}, stats);
    REQUIRE_MESSAGE(st.is_ok(), st.message());
    REQUIRE(records.size() == 1);
    return records[0];
}

std::string device(const std::string& platform, const std::string& model,
                   const std::string& os_version, const std::string& extra_profile = "") {
    json profile = {{"displayName", "d"}};
    if (!platform.empty()) profile["platform"] = platform;
    if (!model.empty()) profile["model"] = model;
    if (!os_version.empty()) profile["osVersion"] = os_version;
    std::string text = profile.dump();
    if (!extra_profile.empty()) text.insert(text.size() - 1, "," + extra_profile);
    return R"({"id":"guo1","status":"ACTIVE","profile":)" + text + "}";
}

// The enrichment called `name`, or null.
json enrichment(const json& record, const std::string& name) {
    for (const auto& e : record.value("enrichments", json::array())) {
        if (e["name"] == name) return e;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("os.name carries the version for every platform; os.version keeps Okta's value") {
    struct Case {
        std::string platform, model, os_version;
        std::string name, type;
        int type_id;
    };
    const std::vector<Case> cases = {
        {"WINDOWS", "", "10.0.22631.3447", "Windows 10.0.22631.3447", "windows", 100},
        {"windows", "", "10.0.19045", "Windows 10.0.19045", "windows", 100},  // case of Okta's enum
        {"MACOS", "Mac14,2", "14.4.1", "macOS 14.4.1", "macos", 300},
        {"IOS", "iPhone15,2", "17.4.1", "iOS 17.4.1", "ios", 301},
        {"IOS", "iPad13,4", "17.4.1", "iPadOS 17.4.1", "ipados", 302},
        {"ANDROID", "Pixel 8", "14:2024-05-01", "Android 14", "android", 201},
        {"ANDROID", "Pixel 6", "12", "Android 12", "android", 201},
        {"LINUX", "", "6.1.0-18-amd64", "Linux 6.1.0-18-amd64", "linux", 200},
        {"CHROMEOS", "", "120.0.6099.235", "ChromeOS 120.0.6099.235", "other", 99},
        {"VISIONOS", "", "1.0", "VISIONOS 1.0", "other", 99},  // unknown: Okta's word
        {"", "", "1.0", "Unknown 1.0", "unknown", 0},          // a version, no platform
        {"MACOS", "", "", "macOS", "macos", 300},              // no version known
    };
    for (const Case& c : cases) {
        CAPTURE(c.platform);
        CAPTURE(c.os_version);
        const json os = map_one(device(c.platform, c.model, c.os_version))["device"]["os"];
        CHECK(os["name"] == c.name);
        CHECK(os["type"] == c.type);
        CHECK(os["type_id"] == c.type_id);
        if (c.os_version.empty()) {
            CHECK_FALSE(os.contains("version"));
        } else {
            CHECK(os["version"] == c.os_version);
        }
    }
    CHECK_FALSE(map_one(device("", "", ""))["device"].contains("os"));
}

TEST_CASE("Android's security patch level becomes an enrichment; other platforms have none") {
    const json android = map_one(device("ANDROID", "", "14:2024-05-01"));
    CHECK(enrichment(android, "security_patch_level") == json{{"name", "security_patch_level"},
                                                              {"value", "2024-05-01"},
                                                              {"data", json::object()}});
    CHECK(enrichment(map_one(device("ANDROID", "", "13")), "security_patch_level").is_null());
    // A colon means a patch level only on Android.
    CHECK(enrichment(map_one(device("LINUX", "", "a:b")), "security_patch_level").is_null());
    CHECK(map_one(device("LINUX", "", "a:b"))["device"]["os"]["name"] == "Linux a:b");
}

TEST_CASE("profile.udid: Apple's UDID on MACOS/IOS, a hardware UUID everywhere else") {
    const std::string udid = R"("udid":"954F4D56-C574-E7D3-FC3A-579CC2F85DCE")";
    for (const char* apple : {"MACOS", "IOS"}) {
        CAPTURE(apple);
        const json r = map_one(device(apple, "", "", udid));
        CHECK(r["device"]["udid"] == "954F4D56-C574-E7D3-FC3A-579CC2F85DCE");
        CHECK_FALSE(r["device"].contains("hw_info"));
        CHECK(enrichment(r, "hardware_uuid").is_null());
    }
    for (const char* other : {"WINDOWS", "ANDROID", "LINUX", "CHROMEOS", "VISIONOS", ""}) {
        CAPTURE(other);
        const json r = map_one(device(other, "", "", udid));
        CHECK_FALSE(r["device"].contains("udid"));
        CHECK(r["device"]["hw_info"] == json{{"uuid", "954F4D56-C574-E7D3-FC3A-579CC2F85DCE"}});
        // Sekoia's model has no hw_info: the enrichment is what it keeps.
        CHECK(enrichment(r, "hardware_uuid")["value"] == "954F4D56-C574-E7D3-FC3A-579CC2F85DCE");
    }
}

TEST_CASE("recency: lastUpdated is both last_seen_time (kept by Sekoia) and modified_time") {
    const json r = map_one(R"({"id":"g","lastUpdated":"2024-05-02T10:00:00.500Z",
      "profile":{"displayName":"d"}})");
    CHECK(r["device"]["last_seen_time"].get<double>() == doctest::Approx(1714644000.5));
    CHECK(r["device"]["modified_time"] == r["device"]["last_seen_time"]);
    const json none = map_one(R"({"id":"g","profile":{"displayName":"d"}})");
    CHECK_FALSE(none["device"].contains("last_seen_time"));
    CHECK_FALSE(none["device"].contains("modified_time"));
}

TEST_CASE("owner: the earliest linked user, then the smallest id, whatever Okta's array order") {
    // b was linked first; c and a share a later time (a has the smaller id); d is undated.
    std::vector<std::string> links = {
        R"({"created":"2023-03-01T00:00:00.000Z","user":{"id":"00uA","profile":{"login":"a@x"}}})",
        R"({"created":"2023-01-01T00:00:00.000Z","user":{"id":"00uB","profile":{"login":"b@x","email":"b.mail@x","firstName":"Bea","lastName":"Bo"}}})",
        R"({"created":"2023-03-01T00:00:00.000Z","user":{"id":"00uC","profile":{"login":"c@x"}}})",
        R"({"user":{"id":"00u0","profile":{"login":"d@x"}}})",
    };
    std::sort(links.begin(), links.end());
    int permutations = 0;
    do {
        std::string users;
        for (const auto& l : links) users += (users.empty() ? "" : ",") + l;
        const json r = map_one(R"({"id":"g","profile":{"displayName":"d"},"_embedded":{"users":[)" +
                               users + "]}}");
        CAPTURE(users);
        CHECK(r["device"]["owner"]["uid"] == "00uB");
        CHECK(enrichment(r, "owner") == json{{"name", "owner"},
                                             {"value", "Bea Bo <b.mail@x>"},
                                             {"data", {{"Users", {"b@x"}}}}});
        ++permutations;
    } while (std::next_permutation(links.begin(), links.end()));
    CHECK(permutations == 24);

    // Without b: a and c tie on time and a's id is smaller; the undated d comes last.
    std::vector<std::string> rest;
    for (const auto& l : links) {
        if (l.find("00uB") == std::string::npos) rest.insert(rest.begin(), l);
    }
    const json r = map_one(R"({"id":"g","profile":{"displayName":"d"},"_embedded":{"users":[)" +
                           rest[0] + "," + rest[1] + "," + rest[2] + "]}}");
    CHECK(r["device"]["owner"]["uid"] == "00uA");
}

TEST_CASE("owner: ties, undated links and identity-less links") {
    const auto owner_of = [](const std::string& users) {
        return map_one(R"({"id":"g","profile":{"displayName":"d"},"_embedded":{"users":[)" + users +
                       "]}}");
    };
    // Same link time: the smaller id.
    json r = owner_of(
        R"({"created":"2023-03-01T00:00:00.000Z","user":{"id":"00uC","profile":{"login":"c@x"}}},)"
        R"({"created":"2023-03-01T00:00:00.000Z","user":{"id":"00uA","profile":{"login":"a@x"}}})");
    CHECK(r["device"]["owner"]["uid"] == "00uA");
    // A dated link beats an undated one, even with a larger id.
    r = owner_of(R"({"user":{"id":"00u0","profile":{"login":"z@x"}}},)"
                 R"({"created":"2024-01-01T00:00:00.000Z","user":{"id":"00u9"}})");
    CHECK(r["device"]["owner"]["uid"] == "00u9");
    CHECK(enrichment(r, "owner")["value"] == "00u9");  // nothing else known: the id
    // A link with neither id nor login is never the owner (its e-mail still lists it as a user).
    r = owner_of(R"({"created":"2020-01-01T00:00:00.000Z","user":{"profile":{"email":"e@x"}}},)"
                 R"({"created":"2024-01-01T00:00:00.000Z","user":{"profile":{"login":"l@x",)"
                 R"("email":"l.mail@x"}}})");
    CHECK(r["device"]["owner"] == json{{"name", "l@x"}, {"email_addr", "l.mail@x"}});
    CHECK(enrichment(r, "owner") ==
          json{{"name", "owner"}, {"value", "l.mail@x"}, {"data", {{"Users", {"l@x"}}}}});
    CHECK(enrichment(r, "users")["data"]["Users"] == json::array({"e@x", "l@x"}));
    // A name without an e-mail.
    r = owner_of(R"({"user":{"id":"00u1","profile":{"login":"n@x","lastName":"Nu"}}})");
    CHECK(enrichment(r, "owner")["value"] == "Nu");
    // No users: no owner anywhere.
    r = owner_of("");
    CHECK_FALSE(r["device"].contains("owner"));
    CHECK(enrichment(r, "owner").is_null());
}

TEST_CASE("time_unit milliseconds: every time field in OCSF's epoch milliseconds") {
    const std::string d = R"({"id":"g","created":"2024-01-01T00:00:00.250Z",
      "lastUpdated":"2024-02-01T00:00:00.000Z","profile":{"displayName":"d"}})";
    const json ms = map_one(d, TimeUnit::kMilliseconds);
    CHECK(ms["time"] == 1717200000250);
    CHECK(ms["device"]["created_time"] == 1704067200250);
    CHECK(ms["device"]["first_seen_time"] == 1704067200250);
    CHECK(ms["device"]["last_seen_time"] == 1706745600000);
    CHECK(ms["device"]["modified_time"] == 1706745600000);
    for (const char* key : {"created_time", "last_seen_time"}) {
        CHECK(ms["device"][key].is_number_integer());  // timestamp_t is an integer
    }
    const json s = map_one(d);  // the default: seconds, milliseconds as the fraction
    CHECK(s["time"].get<double>() == doctest::Approx(1717200000.25));
    CHECK(s["device"]["created_time"].get<double>() == doctest::Approx(1704067200.25));
    CHECK(s["device"]["last_seen_time"] == 1706745600);
}
