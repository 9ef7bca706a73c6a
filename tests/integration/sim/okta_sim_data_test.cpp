// okta-sim data: the coverage promised in tests/sim/okta/README.md ("Data coverage rules") holds,
// both as a whole (every variant occurs) and rule by rule (recomputed from the index each
// device's displayName carries).
#include <doctest/doctest.h>

#include <map>
#include <regex>
#include <set>

#include "okta_sim_client.h"

using namespace oktasimtest;
using testsupport::OktaSim;

namespace {

const std::vector<std::pair<std::string, uint64_t>> kOptionalFieldPrimes = {
    {"manufacturer", 11},
    {"model", 13},
    {"osVersion", 17},
    {"serialNumber", 19},
    {"imei", 23},
    {"meid", 31},
    {"udid", 37},
    {"sid", 41},
    {"tpmPublicKeyHash", 43},
    {"registered", 47},
    {"secureHardwarePresent", 53},
    {"diskEncryptionType", 59},
    {"integrityJailbreak", 61},
    {"managed", 67}};

bool is_valid(const json& d) {
    return d.contains("id") && d["id"].is_string() && d.contains("profile") &&
           d["profile"].contains("displayName") && d["profile"]["displayName"].is_string();
}

// The generation index: odd names carry "#<i>", the others end in "-<i, 5 digits>".
uint64_t index_of(const std::string& name) {
    static const std::regex kHash(R"(#(\d+))");
    static const std::regex kPadded(R"(-(\d{5,})$)");
    std::smatch m;
    if (std::regex_search(name, m, kHash)) return std::stoull(m[1]);
    REQUIRE_MESSAGE(std::regex_search(name, m, kPadded), name);
    return std::stoull(m[1]);
}

}  // namespace

TEST_CASE("generated devices cover every variant, as README.md documents") {
    OktaSim sim({"--devices", "500", "--seed", "5", "--invalid-devices", "5"});
    const json all = sim.devices();
    REQUIRE(all.size() == 505);

    std::set<std::string> platforms, statuses, encryption, management, screen_lock, os_versions;
    std::map<std::string, std::set<std::string>> field_states;  // value | null | absent
    std::set<size_t> user_counts, imei_lengths;
    std::map<std::string, int> last_updated_seen;
    bool user_without_email = false, user_without_names = false;
    bool name_unicode = false, name_quote = false, name_backslash = false, name_control = false,
         name_255 = false;
    size_t valid = 0;

    for (const auto& d : all) {
        if (!is_valid(d)) continue;
        ++valid;
        const json& p = d.at("profile");
        const std::string name = p.at("displayName");
        const uint64_t i = index_of(name);
        const std::string status = d.at("status");
        const std::string platform = p.at("platform");
        platforms.insert(platform);
        statuses.insert(status);

        // Rule by rule (README "Data coverage rules").
        static const char* kStatus[] = {"ACTIVE",  "ACTIVE",    "ACTIVE",
                                        "CREATED", "SUSPENDED", "DEACTIVATED"};
        const std::string expected_status =
            i % 7 < 6 ? kStatus[i % 7] : ((i / 7) % 2 == 0 ? "UNSUSPENDED" : "QUARANTINED");
        CHECK_MESSAGE(status == expected_status, name);
        static const char* kStd[] = {"WINDOWS", "MACOS", "IOS", "ANDROID"};
        static const char* kOdd[] = {"CHROMEOS", "LINUX", "windows", "VISIONOS"};
        CHECK(platform == (i % 29 < 25 ? kStd[i % 29 % 4] : kOdd[i % 29 - 25]));
        for (const auto& [field, prime] : kOptionalFieldPrimes) {
            const std::string state = !p.contains(field)   ? "absent"
                                      : p[field].is_null() ? "null"
                                                           : "value";
            const std::string expected = i % prime == prime - 2   ? "absent"
                                         : i % prime == prime - 1 ? "null"
                                                                  : "value";
            CHECK_MESSAGE(state == expected, field << " of " << name);
            field_states[field].insert(state);
        }
        CHECK(d.at("resourceDisplayName").at("value") == name);
        CHECK(d.at("resourceDisplayName").at("sensitive") == (i % 8 == 5));

        const json& users = d.at("_embedded").at("users");
        const size_t expected_users = status == "DEACTIVATED" ? 0
                                      : i % 3 == 0            ? 0
                                      : i % 3 == 1            ? 1
                                                              : 2 + (i / 3) % 2;
        CHECK(users.size() == expected_users);
        user_counts.insert(users.size());
        for (size_t j = 0; j < users.size(); ++j) {
            const json& link = users[j];
            CHECK(link.at("managementStatus") == ((i + j) % 2 == 0 ? "MANAGED" : "NOT_MANAGED"));
            static const char* kLock[] = {"NONE", "PASSCODE", "BIOMETRIC"};
            CHECK(link.at("screenLockType") == kLock[(i / 3 + j) % 3]);
            management.insert(link.at("managementStatus"));
            screen_lock.insert(link.at("screenLockType"));
            const json& up = link.at("user").at("profile");
            if (!up.contains("email") || up["email"].is_null()) user_without_email = true;
            if (!up.contains("firstName")) user_without_names = true;
            CHECK(link.at("created").get<std::string>() >= d.at("created").get<std::string>());
        }

        if (p.contains("diskEncryptionType") && p["diskEncryptionType"].is_string()) {
            encryption.insert(p["diskEncryptionType"]);
        }
        if (p.contains("imei") && p["imei"].is_string()) {
            imei_lengths.insert(p["imei"].get<std::string>().size());
        }
        if (p.contains("osVersion") && p["osVersion"].is_string())
            os_versions.insert(p["osVersion"]);
        CHECK(d.at("created").get<std::string>() <= d.at("lastUpdated").get<std::string>());
        ++last_updated_seen[d.at("lastUpdated")];

        if (name.find("東京") != std::string::npos) name_unicode = true;
        if (name.find('"') != std::string::npos) name_quote = true;
        if (name.find('\\') != std::string::npos) name_backslash = true;
        if (name.find('\x01') != std::string::npos) name_control = true;
        if (name.size() == 255) name_255 = true;

        // Lifecycle links follow the status.
        const json& links = d.at("_links");
        CHECK(links.contains("self"));
        CHECK(links.contains("users"));
        if (status == "ACTIVE") CHECK((links.contains("suspend") && links.contains("deactivate")));
        if (status == "CREATED") CHECK(links.contains("activate"));
        if (status == "SUSPENDED") CHECK(links.contains("unsuspend"));
    }
    CHECK(valid == 500);

    CHECK((platforms == std::set<std::string>{"WINDOWS", "MACOS", "IOS", "ANDROID", "CHROMEOS",
                                              "LINUX", "windows", "VISIONOS"}));
    CHECK((statuses == std::set<std::string>{"ACTIVE", "CREATED", "SUSPENDED", "DEACTIVATED",
                                             "UNSUSPENDED", "QUARANTINED"}));
    for (const auto& [field, prime] : kOptionalFieldPrimes) {
        CHECK_MESSAGE((field_states[field] == std::set<std::string>{"value", "null", "absent"}),
                      field);
    }
    CHECK((encryption == std::set<std::string>{"ALL_INTERNAL_VOLUMES", "FULL", "NONE",
                                               "SYSTEM_VOLUME", "USER", "THIRD_PARTY_VOLUME"}));
    CHECK((imei_lengths == std::set<size_t>{14, 15, 16, 17}));
    CHECK(os_versions.count("13:2023-05-05") == 1);
    CHECK((user_counts == std::set<size_t>{0, 1, 2, 3}));
    CHECK((management == std::set<std::string>{"MANAGED", "NOT_MANAGED"}));
    CHECK((screen_lock == std::set<std::string>{"NONE", "PASSCODE", "BIOMETRIC"}));
    CHECK(user_without_email);
    CHECK(user_without_names);
    CHECK((name_unicode && name_quote && name_backslash && name_control && name_255));
    bool shared_millisecond = false;
    for (const auto& [stamp, n] : last_updated_seen) shared_millisecond |= n > 1;
    CHECK(shared_millisecond);

    // Invalid extras: one of each kind (README), spread among the valid ones.
    std::set<std::string> kinds;
    for (size_t k = 0; k < all.size(); ++k) {
        const json& d = all[k];
        if (is_valid(d)) continue;
        if (!d.contains("id"))
            kinds.insert("no id");
        else if (d["id"].is_null())
            kinds.insert("null id");
        else if (!d.contains("profile"))
            kinds.insert("no profile");
        else if (!d["profile"].contains("displayName"))
            kinds.insert("no displayName");
        else if (d["profile"]["displayName"].is_null())
            kinds.insert("null displayName");
    }
    CHECK((kinds == std::set<std::string>{"no id", "null id", "no profile", "no displayName",
                                          "null displayName"}));
}

TEST_CASE("the device list served by the API equals /_sim/devices, byte for byte per device") {
    OktaSim sim({"--devices", "300", "--invalid-devices", "3"});
    const json all = sim.devices();
    const Walk walk = walk_all(sim.port(), "/api/v1/devices?limit=64&expand=user");
    REQUIRE(walk.devices.size() == all.size());
    for (size_t k = 0; k < all.size(); ++k) CHECK(walk.devices[k] == all[k]);

    // JSON escaping survives a round trip through a real parser (control chars, quotes...).
    bool saw_control = false;
    for (const auto& d : all) {
        if (is_valid(d) &&
            d["profile"]["displayName"].get<std::string>().find('\n') != std::string::npos) {
            saw_control = true;
        }
    }
    CHECK(saw_control);
}

TEST_CASE("timestamps: within about two years, in the past, some shared to the millisecond") {
    OktaSim sim({"--devices", "200"});
    const json all = sim.devices();
    std::string oldest = "9999", newest;
    for (const auto& d : all) {
        oldest = std::min(oldest, d.at("created").get<std::string>());
        newest = std::max(newest, d.at("lastUpdated").get<std::string>());
    }
    // The simulator's own Date header is the reference for "now".
    const Reply r = get(sim.port(), "/api/v1/devices?limit=1");
    REQUIRE(r.status == 200);
    const std::regex iso(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$)");
    CHECK(std::regex_match(oldest, iso));
    CHECK(std::regex_match(newest, iso));
    const int year_now = std::stoi(r.header("Date").substr(12, 4));
    CHECK(std::stoi(oldest.substr(0, 4)) >= year_now - 3);
    CHECK(std::stoi(newest.substr(0, 4)) <= year_now);
}
