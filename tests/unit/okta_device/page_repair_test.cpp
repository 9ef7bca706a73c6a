// One device's bytes never stop the page: undecodable text in a complete page is repaired and
// the page read; unmappable devices are skipped naming the field; wrong JSON types in every
// optional field keep the rest of the record. A page that is cut short or structurally broken
// still fails (the caller re-reads it).
#include "page_run.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using nlohmann::json;
using okta_device::PageReader;
using oktatest::PageRun;
using oktatest::read_page;

namespace {

const std::string kFffd = "\xEF\xBF\xBD";

std::string dev(const std::string& id, const std::string& name_json) {
    return R"({"id":")" + id + R"(","profile":{"displayName":)" + name_json + "}}";
}

// Three devices; the middle one's displayName is `name_json` (raw JSON text of a string).
std::string page_with_middle(const std::string& name_json) {
    return "[" + dev("a", R"("first")") + "," + dev("b", name_json) + "," + dev("c", R"("third")") +
           "]";
}

std::vector<std::string> uids(const PageRun& run) {
    std::vector<std::string> out;
    for (const auto& r : run.records) out.push_back(r["device"]["uid"].get<std::string>());
    return out;
}

}  // namespace

TEST_CASE("a lone surrogate escape in one device: repaired, every device read once") {
    // What Java's Jackson writes when it cuts "Zoë 💻" inside the emoji.
    PageRun run = read_page(page_with_middle(R"("Zo\u00eb \ud83d")"));
    REQUIRE_MESSAGE(run.status.is_ok(), run.status.message());
    CHECK(uids(run) == std::vector<std::string>{"a", "b", "c"});  // "a" not sent twice
    CHECK(run.records[1]["device"]["name"] == "Zo\xc3\xab " + kFffd);
    CHECK(run.stats.devices == 3);
    CHECK(run.stats.elements == 3);
    CHECK(run.stats.skipped == 0);
    CHECK(run.stats.already_emitted == 0);
    CHECK(run.stats.repairs.lone_surrogates == 1);
    CHECK(run.stats.repairs.total() == 1);
}

TEST_CASE("raw invalid UTF-8, raw control characters, invalid escapes: repaired and counted") {
    PageRun utf8 = read_page(page_with_middle("\"Caf\xe9 \xc3\x28\""));
    REQUIRE_MESSAGE(utf8.status.is_ok(), utf8.status.message());
    CHECK(uids(utf8) == std::vector<std::string>{"a", "b", "c"});
    CHECK(utf8.records[1]["device"]["name"] == "Caf" + kFffd + " " + kFffd + "(");
    CHECK(utf8.stats.repairs.invalid_utf8 == 2);

    PageRun control = read_page(page_with_middle("\"tab\there\x1b[31m\nnl\""));
    REQUIRE_MESSAGE(control.status.is_ok(), control.status.message());
    CHECK(uids(control) == std::vector<std::string>{"a", "b", "c"});
    CHECK(control.records[1]["device"]["name"] == "tab\there\x1b[31m\nnl");  // escaped on output
    CHECK(control.raw[1].find('\x1b') == std::string::npos);
    CHECK(control.stats.repairs.control_chars == 3);

    PageRun escape = read_page(page_with_middle(R"("bad \x escape")"));
    REQUIRE_MESSAGE(escape.status.is_ok(), escape.status.message());
    CHECK(escape.records[1]["device"]["name"] == "bad " + kFffd + " escape");
    CHECK(escape.stats.repairs.invalid_escapes == 1);
}

TEST_CASE("a repaired page still skips unmappable devices, reporting each once") {
    const std::string body = "[" + dev("a", R"("ok")") +
                             R"(,{"profile":{"displayName":"no id"}},)" + dev("c", R"("x\udc00")") +
                             R"(,{"id":"d","profile":{"displayName":7}}])";
    PageRun run = read_page(body);
    REQUIRE_MESSAGE(run.status.is_ok(), run.status.message());
    CHECK(uids(run) == std::vector<std::string>{"a", "c"});
    CHECK(run.skips ==
          std::vector<std::string>{"1::missing id", "3:d:profile.displayName is not a string"});
    CHECK(run.stats.skipped == 2);
}

TEST_CASE("an undecodable id is repaired too: the device is sent under the repaired id") {
    PageRun run = read_page(R"([{"id":"guo\ud800","profile":{"displayName":"n"}}])");
    REQUIRE_MESSAGE(run.status.is_ok(), run.status.message());
    REQUIRE(run.records.size() == 1);
    CHECK(run.records[0]["device"]["uid"] == "guo" + kFffd);
}

TEST_CASE("a page cut short or structurally broken is not repaired: it fails for a re-read") {
    // Cut after the undecodable string: the structure is incomplete.
    PageRun cut = read_page("[" + dev("a", R"("x\ud800")") + "," + R"({"id":"b","profile":{)");
    CHECK(cut.status.code() == asset_sdk::StatusCode::kProtocol);
    CHECK(cut.stats.repairs.total() == 0);
    CHECK(cut.records.empty());

    // Complete, repairable, but also broken inside a device (a missing colon): the repair is
    // tried, the structural error remains, the page fails.
    PageRun broken = read_page("[" + dev("a", "\"\xff\"") + R"(,{"id" "b"}])");
    CHECK(broken.status.code() == asset_sdk::StatusCode::kProtocol);
    CHECK(broken.status.message().find("malformed devices page") != std::string::npos);
    CHECK(broken.stats.repairs.invalid_utf8 == 1);
    CHECK(uids(broken) == std::vector<std::string>{"a"});

    // Bytes outside any string are structural: nothing to repair.
    PageRun outside = read_page("[" + dev("a", R"("x")") + ",\x01]");
    CHECK(outside.status.code() == asset_sdk::StatusCode::kProtocol);
    CHECK(outside.stats.repairs.total() == 0);
}

TEST_CASE("a retried page after a repair adds no duplicates") {
    PageReader reader;
    // Broken after two devices (a missing colon): they are sent, then the page fails.
    const std::string broken =
        "[" + dev("a", R"("one")") + "," + dev("b", R"("two")") + R"(,{"id" "c"}])";
    PageRun first = read_page(reader, broken);
    CHECK_FALSE(first.status.is_ok());
    CHECK(uids(first) == std::vector<std::string>{"a", "b"});
    PageRun second = read_page(reader,
                               "[" + dev("a", R"("one")") + "," + dev("b", R"("tw\ud800")") + "," +
                                   dev("c", "\"3\"") + "]",
                               /*retry=*/true);
    REQUIRE_MESSAGE(second.status.is_ok(), second.status.message());
    CHECK(uids(second) == std::vector<std::string>{"c"});
    CHECK(second.stats.already_emitted == 2);
    CHECK(second.stats.devices == 1);
}

// Every optional field, given a wrong JSON type, yields the same record as the field being
// absent: nothing else of the device is lost, and nothing throws or aborts.
TEST_CASE("wrong JSON types in every optional field: the other fields survive") {
    const json full = json::parse(R"({
      "id":"guo1","status":"ACTIVE","created":"2023-01-01T00:00:00.000Z",
      "lastUpdated":"2023-02-01T00:00:00.000Z",
      "profile":{"displayName":"DESKTOP-1","platform":"WINDOWS","manufacturer":"Dell Inc.",
        "model":"Latitude 7440","osVersion":"10.0.22631","serialNumber":"SN1","imei":"356938035643809",
        "meid":"A0000000000001","udid":"0DB3F0C2-6B1A-4C49-9B60-7A7D2E1F0A11","sid":"S-1-5-21-1",
        "tpmPublicKeyHash":"ab12","diskEncryptionType":"ALL_INTERNAL_VOLUMES","registered":true,
        "secureHardwarePresent":true,"integrityJailbreak":false,"managed":true},
      "_embedded":{"users":[{"created":"2023-01-05T00:00:00.000Z","managementStatus":"MANAGED",
        "screenLockType":"BIOMETRIC","user":{"id":"00u1","profile":{"login":"ann@x.org",
        "email":"ann@x.org","firstName":"Ann","lastName":"Lee"}}},
        {"created":"2023-01-06T00:00:00.000Z","managementStatus":"NOT_MANAGED",
        "screenLockType":"NONE","user":{"id":"00u2","profile":{"login":"bob@x.org"}}}]}})");
    const std::vector<std::string> optional_fields = {"/status",
                                                      "/created",
                                                      "/lastUpdated",
                                                      "/_embedded",
                                                      "/_embedded/users",
                                                      "/profile/platform",
                                                      "/profile/manufacturer",
                                                      "/profile/model",
                                                      "/profile/osVersion",
                                                      "/profile/serialNumber",
                                                      "/profile/imei",
                                                      "/profile/meid",
                                                      "/profile/udid",
                                                      "/profile/sid",
                                                      "/profile/tpmPublicKeyHash",
                                                      "/profile/diskEncryptionType",
                                                      "/profile/registered",
                                                      "/profile/secureHardwarePresent",
                                                      "/profile/integrityJailbreak",
                                                      "/profile/managed",
                                                      "/_embedded/users/0",
                                                      "/_embedded/users/0/created",
                                                      "/_embedded/users/0/managementStatus",
                                                      "/_embedded/users/0/screenLockType",
                                                      "/_embedded/users/0/user",
                                                      "/_embedded/users/0/user/id",
                                                      "/_embedded/users/0/user/profile",
                                                      "/_embedded/users/0/user/profile/login",
                                                      "/_embedded/users/0/user/profile/email",
                                                      "/_embedded/users/0/user/profile/firstName",
                                                      "/_embedded/users/0/user/profile/lastName"};
    const std::vector<json> wrong_values = {
        42, -1.5e300, json::object({{"a", 1}}), json::array({"x"}), nullptr, true, "not-a-date"};
    for (const std::string& field : optional_fields) {
        const json::json_pointer ptr(field);
        json absent = full;
        json& parent = absent[ptr.parent_pointer()];
        if (parent.is_array()) {
            parent.erase(std::stoul(ptr.back()));
        } else {
            parent.erase(ptr.back());
        }
        const PageRun without = read_page("[" + absent.dump() + "]");
        REQUIRE_MESSAGE(without.records.size() == 1, field);
        for (const json& wrong : wrong_values) {
            json device = full;
            device[ptr] = wrong;
            CAPTURE(field);
            CAPTURE(wrong.dump());
            const PageRun run = read_page("[" + device.dump() + "]");
            REQUIRE_MESSAGE(run.status.is_ok(), run.status.message());
            REQUIRE(run.records.size() == 1);
            CHECK(run.stats.skipped == 0);
            // The right type is not a wrong type (a bad date string is its own rule).
            if (wrong.type() == full[ptr].type()) continue;
            CHECK(run.records[0] == without.records[0]);
            if (!wrong.is_null()) CHECK(run.stats.tolerated >= 1);
        }
    }
}

TEST_CASE("timestamps a clock cannot hold are dropped, not overflowed (fuzz finding)") {
    PageRun run = read_page(R"([{"id":"g","created":"1009-10-02T18:03:07.000Z",
      "lastUpdated":"9999-12-31T23:59:59.999Z","profile":{"displayName":"n"}}])");
    REQUIRE_MESSAGE(run.status.is_ok(), run.status.message());
    REQUIRE(run.records.size() == 1);
    CHECK_FALSE(run.records[0]["device"].contains("created_time"));
    CHECK_FALSE(run.records[0]["device"].contains("last_seen_time"));
    CHECK(run.stats.tolerated == 2);
    CHECK_FALSE(run.stats.max_last_updated_ms);
}
