// One device's bytes never stop the org, through the REAL asset-host binary against okta-sim's
// poison_device fault: a page with undecodable text is repaired and read once (no re-read, no
// use of the retry budget), a page with wrong types keeps every mappable device, and only the
// devices that cannot be mapped are skipped and named. A second cycle meets the same poison
// (as it would in a real org) and completes the same way.
#include "okta_host_fixture.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

using namespace oktahost;  // Sim, Host, kToken, records_of

namespace {

constexpr int kDevices = 1000;  // 5 pages of 200
const std::string kFffd = "\xEF\xBF\xBD";
// A large retry budget: were a page re-read, the run would take minutes and the request count
// below would show it.
const std::string kConfig = "  max_retry_time: 10m\n";

// A poison on page `page` (device request number = page number when nothing is re-read: a
// re-read would get the clean page, which the checks below would see).
json poison(int page, const char* variant, int device) {
    return {
        {"kind", "poison_device"}, {"on_request", page}, {"variant", variant}, {"device", device}};
}

// The ids in the order okta-sim serves them (byte order), and the device at `position` of
// page `page` (1-based, pages of 200).
struct Served {
    std::vector<std::string> ids;
    json by_id;
    explicit Served(const json& devices) {
        for (const auto& d : devices) {
            ids.push_back(d["id"].get<std::string>());
            by_id[ids.back()] = d;
        }
        std::sort(ids.begin(), ids.end());
    }
    const std::string& at(int page, int position) const {
        return ids.at(static_cast<std::size_t>((page - 1) * 200 + position));
    }
    std::string name(const std::string& id) const {
        return by_id[id]["profile"]["displayName"].get<std::string>();
    }
};

std::map<std::string, json> records_by_uid(const ProcessResult& r) {
    std::map<std::string, json> out;
    for (const json& rec : records_of(r)) {
        const auto [it, inserted] = out.emplace(rec["device"]["uid"].get<std::string>(), rec);
        CHECK_MESSAGE(inserted, "record sent twice: " << it->first);
    }
    return out;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("undecodable text in three pages: repaired, each page read once, every device sent") {
    Sim sim(kDevices);
    const Served served(sim.devices());
    Host host;
    const std::string manifest = host.write_manifest(sim.url(), kConfig);
    for (int cycle = 1; cycle <= 2; ++cycle) {
        CAPTURE(cycle);
        sim.reset();
        sim.faults(json::array({poison(2, "lone_surrogate", 5), poison(3, "invalid_utf8", 0),
                                poison(4, "control_char", 199)}));
        const ProcessResult r = host.fetch(manifest, /*full=*/true);
        REQUIRE_MESSAGE(r.exited_with(0), r.err);
        const auto records = records_by_uid(r);
        CHECK(records.size() == kDevices);
        CHECK(sim.stats()["device_requests"] == 5);  // each page once: nothing re-read
        CHECK_FALSE(contains(r.err, "reading the page again"));

        const std::string surrogate = served.at(2, 5);
        CHECK(records.at(surrogate)["device"]["name"] == served.name(surrogate) + " " + kFffd);
        const std::string utf8 = served.at(3, 0);
        CHECK(records.at(utf8)["device"]["name"] == served.name(utf8) + " " + kFffd + "( " + kFffd);
        const std::string control = served.at(4, 199);
        CHECK(records.at(control)["device"]["name"] == served.name(control) + "\x01\x1b[31m\tred");

        CHECK(contains(r.err,
                       "page 2 had text that is not valid Unicode (1 lone UTF-16 "
                       "surrogate escape, the first at byte "));
        CHECK(contains(r.err,
                       "page 3 had text that is not valid Unicode (2 invalid UTF-8 "
                       "sequences"));
        CHECK(contains(r.err,
                       "page 4 had text that is not valid Unicode (3 unescaped control "
                       "characters"));
        CHECK(contains(r.err, "3 pages repaired"));
        // The log says where, never what: no device's text is quoted.
        for (const std::string& id : {surrogate, utf8, control}) {
            CHECK_FALSE(contains(r.err, served.name(id)));
        }
        CHECK_FALSE(contains(r.err, "\x1b"));
    }
}

TEST_CASE("wrong types: mappable devices kept, unmappable ones skipped and named, never the page") {
    Sim sim(kDevices);
    const Served served(sim.devices());
    sim.faults(json::array({poison(1, "wrong_types", 3), poison(2, "name_not_string", 0),
                            poison(3, "id_not_string", 7)}));
    Host host;
    const ProcessResult r = host.fetch(host.write_manifest(sim.url(), kConfig));
    REQUIRE_MESSAGE(r.exited_with(0), r.err);
    const auto records = records_by_uid(r);
    CHECK(sim.stats()["device_requests"] == 5);

    const std::string wrong = served.at(1, 3);
    const std::string no_name = served.at(2, 0);
    const std::string no_id = served.at(3, 7);
    std::set<std::string> expected(served.ids.begin(), served.ids.end());
    expected.erase(no_name);
    expected.erase(no_id);
    std::set<std::string> got;
    for (const auto& [uid, rec] : records) got.insert(uid);
    CHECK(got == expected);

    // Every optional field had a wrong type: the record keeps the id and name, no more.
    const json& device = records.at(wrong)["device"];
    CHECK(device["name"] == served.name(wrong));
    CHECK(device["type"] == "Unknown");
    CHECK_FALSE(device.contains("os"));
    CHECK_FALSE(device.contains("created_time"));
    CHECK_FALSE(device.contains("uid_alt"));

    CHECK(contains(r.err, "skipped device #1 of page 2 (id " + no_name +
                              "): profile.displayName is not a string"));
    CHECK(contains(r.err, "skipped device #8 of page 3: id is not a string"));
    CHECK(contains(r.err, ", 2 skipped,"));  // the plugin's sync summary
}
