// What Sekoia keeps, through the real binaries: okta-sim → asset-host → sekoia-sim, then each
// record as Sekoia's models keep it (sekoia-sim's kept view, tests/sim/sekoia/README.md). For
// every platform okta-sim produces (the four Okta documents, LINUX, CHROMEOS, a lower-case
// "windows" and the unknown VISIONOS), every record validates and keeps the OS version, the
// recency and the owner.
#include "e2e_fixture.h"

#include <asset_sdk/time_util.h>

#include <cmath>
#include <tuple>

using namespace e2e;

namespace {

bool has_text(const json& v) {
    return v.is_string() && !v.get<std::string>().empty();
}

std::int64_t epoch_ms(const std::string& iso) {
    const auto t = asset_sdk::parse_iso8601(iso);
    REQUIRE(t);
    return asset_sdk::to_epoch_millis(*t);
}

json enrichment(const json& kept, const std::string& name) {
    for (const auto& e : kept.value("enrichments", json::array())) {
        if (e.value("name", "") == name) return e;
    }
    return nullptr;
}

// The login of the user linked first (then the smallest id): the owner the rules pick.
std::optional<std::string> expected_owner_login(const json& device) {
    std::optional<std::tuple<std::int64_t, std::string, std::string>> best;
    const json embedded = device.value("_embedded", json::object());
    for (const auto& link : embedded.value("users", json::array())) {
        const json user = link.value("user", json::object());
        const std::string login = user.value("profile", json::object()).value("login", "");
        const std::string id = user.value("id", "");
        if (login.empty() && id.empty()) continue;
        const std::int64_t created =
            has_text(link.value("created", json())) ? epoch_ms(link["created"]) : INT64_MAX;
        auto key = std::make_tuple(created, id, login);
        if (!best || key < *best) best = key;
    }
    if (!best) return std::nullopt;
    return std::get<2>(*best);
}

// The OS version Okta reports, as the record's os.name must end with it.
std::optional<std::string> name_version(const json& profile) {
    if (!has_text(profile.value("osVersion", json()))) return std::nullopt;
    std::string v = profile["osVersion"];
    if (profile.value("platform", "") == "ANDROID") v = v.substr(0, v.find(':'));
    return v;
}

void check_kept(const json& kept, const json& device) {
    const json& profile = device["profile"];
    const json& d = kept["device"];
    if (const auto version = name_version(profile)) {
        const std::string name = d["os"]["name"];
        REQUIRE(name.size() > version->size());
        CHECK(name.substr(name.size() - version->size()) == *version);
    }
    const std::string os_version = profile.value("osVersion", json()).is_string()
                                       ? profile["osVersion"].get<std::string>()
                                       : "";
    if (profile.value("platform", "") == "ANDROID" && os_version.find(':') != std::string::npos) {
        CHECK(enrichment(kept, "security_patch_level")["value"] ==
              os_version.substr(os_version.find(':') + 1));
    }
    REQUIRE(has_text(device.value("lastUpdated", json())));
    CHECK(std::llround(d["last_seen_time"].get<double>() * 1000) ==
          epoch_ms(device["lastUpdated"]));
    const auto owner = expected_owner_login(device);
    const json kept_owner = enrichment(kept, "owner");
    CHECK(kept_owner.is_null() == !owner.has_value());
    if (owner) {
        CHECK(kept_owner["data"]["Users"] == json::array({*owner}));
        CHECK(has_text(kept_owner["value"]));
    }
}

}  // namespace

TEST_CASE(
    "every simulated platform: records validate at Sekoia and keep OS version, recency, owner") {
    OktaSim okta(600);
    SekoiaSim sekoia;
    Host host;
    host.write_manifest(connector_for(okta, sekoia));
    const auto r = host.run({"run", "--once"});
    REQUIRE_MESSAGE(r.exited_with(0), r.err);

    const json stats = sekoia.stats();
    CHECK(stats["rejected_posts"] == 0);  // every record validated against Sekoia's models
    CHECK(stats["items_received"] == 600);
    // Only the OCSF fields whose facts travel elsewhere are dropped; nothing else is lost.
    for (const auto& [key, count] : stats["dropped_keys"].items()) {
        CAPTURE(key);
        CHECK((key == "device.os.version" || key == "device.owner" || key == "device.hw_info" ||
               key == "device.modified_time"));
    }
    CHECK(stats["dropped_keys"]["device.os.version"] > 0);
    CHECK(stats["dropped_keys"]["device.owner"] > 0);

    std::map<std::string, json> by_id;
    for (const auto& d : okta.devices()) by_id[d["id"].get<std::string>()] = d;
    std::map<std::string, int> per_platform, with_owner, with_version;
    for (const json& kept : sekoia.items(/*kept=*/true)) {
        const json& device = by_id.at(kept["device"]["uid"].get<std::string>());
        const std::string platform = device["profile"].value("platform", "(none)");
        CAPTURE(platform);
        CAPTURE(device.dump());
        ++per_platform[platform];
        check_kept(kept, device);
        with_owner[platform] += enrichment(kept, "owner").is_null() ? 0 : 1;
        with_version[platform] += name_version(device["profile"]).has_value() ? 1 : 0;
    }
    for (const char* p :
         {"WINDOWS", "windows", "MACOS", "IOS", "ANDROID", "LINUX", "CHROMEOS", "VISIONOS"}) {
        CAPTURE(p);
        CHECK(per_platform[p] > 0);
        CHECK(with_owner[p] > 0);  // the checks above ran with an owner on every platform
        CHECK(with_version[p] > 0);
    }
}
