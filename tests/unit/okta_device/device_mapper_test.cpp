// Okta device → OCSF record, per platform and per optional-field variant, with exact expected
// JSON; skipping rules; escaping; and the page reader's streaming and failure behaviour.
#include "page_run.h"

#include <asset_sdk/time_util.h>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using nlohmann::json;
using okta_device::PageReader;
using okta_device::PageStats;
using oktatest::kCollected;
using oktatest::PageRun;
using oktatest::read_page;

namespace {

json map_one(const std::string& device) {
    PageRun run = read_page("[" + device + "]");
    REQUIRE_MESSAGE(run.status.is_ok(), run.status.message());
    REQUIRE(run.records.size() == 1);
    CHECK(run.raw[0].find("null") == std::string::npos);  // never emit null
    return run.records[0];
}

// The classification part shared by every record.
json envelope(json device, json enrichments = nullptr) {
    json r = {{"activity_id", 2},
              {"activity_name", "Collect"},
              {"category_name", "Discovery"},
              {"category_uid", 5},
              {"class_name", "Device Inventory Info"},
              {"class_uid", 5001},
              {"type_name", "Device Inventory Info: Collect"},
              {"type_uid", 500102},
              {"severity", "Informational"},
              {"severity_id", 1},
              {"time", 1717200000},
              {"metadata",
               {{"product", {{"name", "Okta"}, {"vendor_name", "Okta"}}}, {"version", "1.6.0"}}},
              {"device", std::move(device)}};
    if (!enrichments.is_null()) r["enrichments"] = std::move(enrichments);
    return r;
}

json simple(const char* name, const char* value) {
    return {{"name", name}, {"value", value}, {"data", json::object()}};
}

// Okta's own example (spec DeviceResponse) with an embedded user summary.
const char* kWindows = R"({
  "id": "guo8jx5vVoxfvJeLb0w4", "status": "ACTIVE",
  "created": "2020-11-03T21:47:01.000Z", "lastUpdated": "2020-11-03T23:46:27.000Z",
  "profile": {
    "displayName": "DESKTOP-EHAD3IE", "platform": "WINDOWS", "manufacturer": "International Corp",
    "model": "VMware7,1", "osVersion": "10.0.18362",
    "serialNumber": "56 4d 4f 95 74 c5 d3 e7-fc 3a 57 9c c2 f8 5d ce",
    "udid": "954F4D56-C574-E7D3-FC3A-579CC2F85DCE",
    "sid": "S-1-5-21-3992267483-1860856704-2413701314-500",
    "registered": true, "secureHardwarePresent": false, "diskEncryptionType": "NONE",
    "tpmPublicKeyHash": "a1b2c3", "managed": true
  },
  "resourceId": "guo8jx5vVoxfvJeLb0w4",
  "resourceDisplayName": {"value": "DESKTOP-EHAD3IE", "sensitive": false},
  "resourceType": "UDDevice", "resourceAlternateId": null,
  "_links": {"self": {"href": "https://x/api/v1/devices/guo8jx5vVoxfvJeLb0w4", "hints": {"allow": ["GET"]}}},
  "_embedded": {"users": [{
    "managementStatus": "MANAGED", "created": "2021-10-01T16:52:41.000Z", "screenLockType": "BIOMETRIC",
    "user": {"id": "00u17vh0q8ov8IU881d7", "realmId": "00u17vh0q8ov8IU8T0g5",
             "profile": {"firstName": "Ann", "lastName": "Lee", "login": "ann@acme.com", "email": "ann.lee@acme.com"},
             "_links": {"self": {"href": "https://x/api/v1/users/00u17vh0q8ov8IU881d7"}}}}]}
})";

}  // namespace

TEST_CASE("WINDOWS: every field Okta returns, exactly") {
    const json expected = envelope(
        {{"uid", "guo8jx5vVoxfvJeLb0w4"},
         {"name", "DESKTOP-EHAD3IE"},
         {"hostname", "DESKTOP-EHAD3IE"},
         {"type", "Desktop"},
         {"type_id", 2},
         {"os",
          {{"name", "Windows 10.0.18362"},
           {"type", "windows"},
           {"type_id", 100},
           {"version", "10.0.18362"}}},
         {"vendor_name", "International Corp"},
         {"model", "VMware7,1"},
         {"uid_alt", "56 4d 4f 95 74 c5 d3 e7-fc 3a 57 9c c2 f8 5d ce"},
         // On Windows profile.udid is the SMBIOS system UUID: hw_info.uuid, not device.udid.
         {"hw_info",
          {{"serial_number", "56 4d 4f 95 74 c5 d3 e7-fc 3a 57 9c c2 f8 5d ce"},
           {"uuid", "954F4D56-C574-E7D3-FC3A-579CC2F85DCE"}}},
         {"created_time", 1604440021},
         {"first_seen_time", 1604440021},
         {"last_seen_time", 1604447187},
         {"modified_time", 1604447187},
         {"is_managed", true},
         {"owner",
          {{"uid", "00u17vh0q8ov8IU881d7"},
           {"name", "ann@acme.com"},
           {"email_addr", "ann.lee@acme.com"},
           {"full_name", "Ann Lee"}}}},
        json::array(
            {simple("device_status", "ACTIVE"),
             simple("registered", "true"),
             simple("secure_hardware_present", "false"),
             {{"name", "disk_encryption"},
              {"value", "NONE"},
              {"data", {{"Storage_encryption", {{"partitions", {{"all_volumes", "Disabled"}}}}}}}},
             simple("tpm_public_key_hash", "a1b2c3"),
             simple("windows_sid", "S-1-5-21-3992267483-1860856704-2413701314-500"),
             simple("hardware_uuid", "954F4D56-C574-E7D3-FC3A-579CC2F85DCE"),
             {{"name", "owner"},
              {"value", "Ann Lee <ann.lee@acme.com>"},
              {"data", {{"Users", {"ann@acme.com"}}}}},
             {{"name", "users"}, {"value", "1"}, {"data", {{"Users", {"ann@acme.com"}}}}},
             {{"name", "management_status"},
              {"value", "MANAGED"},
              {"data", {{"Users", {"ann@acme.com"}}}}},
             {{"name", "screen_lock_type"},
              {"value", "BIOMETRIC"},
              {"data", {{"Users", {"ann@acme.com"}}}}}}));
    CHECK(map_one(kWindows) == expected);
}

TEST_CASE("MACOS") {
    const json r = map_one(R"({"id":"guoMAC","status":"ACTIVE","created":"2023-06-21T23:24:02.000Z",
      "lastUpdated":"2023-06-22T08:00:00.500Z","profile":{"displayName":"Ann's MacBook Pro",
      "platform":"MACOS","manufacturer":"Apple Inc.","model":"MacBookPro18,3","osVersion":"14.4.1",
      "serialNumber":"C02XYZ","udid":"A1B2-C3","registered":true,"secureHardwarePresent":true,
      "diskEncryptionType":"ALL_INTERNAL_VOLUMES"}})");
    const json& d = r["device"];
    CHECK(d["type"] == "Desktop");
    CHECK(d["type_id"] == 2);
    CHECK(
        d["os"] ==
        json{{"name", "macOS 14.4.1"}, {"type", "macos"}, {"type_id", 300}, {"version", "14.4.1"}});
    CHECK(d["vendor_name"] == "Apple Inc.");
    CHECK(d["udid"] == "A1B2-C3");
    CHECK(d["modified_time"].get<double>() == doctest::Approx(1687420800.5));
    CHECK_FALSE(d.contains("is_managed"));  // neither profile.managed nor users
    CHECK_FALSE(d.contains("owner"));
    CHECK(
        r["enrichments"][3] ==
        json{{"name", "disk_encryption"},
             {"value", "ALL_INTERNAL_VOLUMES"},
             {"data",
              {{"Storage_encryption", {{"partitions", {{"all_internal_volumes", "Enabled"}}}}}}}});
}

TEST_CASE("IOS: iPhone and iPad, IMEI/MEID, jailbreak, FULL encryption") {
    const json phone = map_one(R"({"id":"guoIOS","status":"ACTIVE","profile":{
      "displayName":"Bob's iPhone","platform":"IOS","manufacturer":"Apple","model":"iPhone15,2",
      "osVersion":"17.4","imei":"356938035643809","meid":"35693803564380","udid":"00008030-001A",
      "registered":true,"secureHardwarePresent":true,"integrityJailbreak":false,
      "diskEncryptionType":"FULL","managed":false}})");
    const json& d = phone["device"];
    CHECK(d["type"] == "Mobile");
    CHECK(d["type_id"] == 5);
    CHECK(d["os"] ==
          json{{"name", "iOS 17.4"}, {"type", "ios"}, {"type_id", 301}, {"version", "17.4"}});
    CHECK(d["imei_list"] == json::array({"356938035643809"}));
    CHECK(d["meid"] == "35693803564380");
    CHECK(d["udid"] == "00008030-001A");
    CHECK(d["is_managed"] == false);
    CHECK_FALSE(d.contains("created_time"));  // absent in the input
    const json& e = phone["enrichments"];
    CHECK(e[3]["data"] ==
          json{{"Storage_encryption", {{"partitions", {{"full_disk", "Enabled"}}}}}});
    CHECK(e[4] == simple("jailbroken", "false"));

    const json pad = map_one(R"({"id":"guoPAD","profile":{"displayName":"iPad","platform":"IOS",
      "model":"iPad13,1","registered":false}})");
    CHECK(pad["device"]["os"] == json{{"name", "iPadOS"}, {"type", "ipados"}, {"type_id", 302}});
    CHECK(pad["device"]["type_id"] == 5);
}

TEST_CASE("ANDROID: patch level apart from the version in os.name; USER encryption; rooted") {
    const json r =
        map_one(R"({"id":"guoAND","status":"SUSPENDED","created":"2023-06-21T23:24:02.000Z",
      "lastUpdated":"2023-06-21T23:24:02.000Z","profile":{"displayName":"Pixel","platform":"ANDROID",
      "manufacturer":"Google","model":"Pixel 6","osVersion":"13:2023-05-05","registered":true,
      "secureHardwarePresent":true,"diskEncryptionType":"USER","integrityJailbreak":true},
      "_embedded":{"users":[]}})");
    CHECK(r["device"]["os"] == json{{"name", "Android 13"},
                                    {"type", "android"},
                                    {"type_id", 201},
                                    {"version", "13:2023-05-05"}});
    CHECK(r["device"]["type"] == "Mobile");
    CHECK(r["enrichments"][0] == simple("device_status", "SUSPENDED"));
    CHECK(r["enrichments"][3]["data"] ==
          json{{"Storage_encryption", {{"partitions", {{"user_data", "Enabled"}}}}}});
    CHECK(r["enrichments"][4] == simple("jailbroken", "true"));
    CHECK(r["enrichments"][5] == simple("security_patch_level", "2023-05-05"));
    CHECK(r["enrichments"].size() == 6);  // no owner nor users enrichment for an empty list
}

TEST_CASE("SYSTEM_VOLUME encryption says what is and is not encrypted") {
    const json r = map_one(R"({"id":"g","profile":{"displayName":"d","platform":"WINDOWS",
      "diskEncryptionType":"SYSTEM_VOLUME"}})");
    CHECK(r["enrichments"][0]["data"] ==
          json{{"Storage_encryption",
                {{"partitions",
                  {{"system_volume", "Enabled"}, {"other_internal_volumes", "Disabled"}}}}}});
}

TEST_CASE("unknown enum values still yield a record, passed through honestly") {
    const json r = map_one(R"({"id":"g1","status":"CREATED","profile":{"displayName":"cb",
      "platform":"CHROMEOS","registered":true,"diskEncryptionType":"BITLOCKER"},
      "_embedded":{"users":[{"managementStatus":"SEMI_MANAGED","screenLockType":"PATTERN",
      "user":{"id":"00u1","profile":{"login":"x@y"}}}]}})");
    const json& d = r["device"];
    CHECK(d["type"] == "Unknown");
    CHECK(d["type_id"] == 0);
    CHECK(d["os"] == json{{"name", "ChromeOS"}, {"type", "other"}, {"type_id", 99}});
    CHECK_FALSE(d.contains("is_managed"));  // SEMI_MANAGED means nothing we know
    const json& e = r["enrichments"];
    CHECK(e[0] == simple("device_status", "CREATED"));
    // An encryption type we do not know: raw value, no guessed Storage_encryption.
    CHECK(e[2] == simple("disk_encryption", "BITLOCKER"));
    CHECK(e[5] == json{{"name", "management_status"},
                       {"value", "SEMI_MANAGED"},
                       {"data", {{"Users", {"x@y"}}}}});
    CHECK(e[6] ==
          json{{"name", "screen_lock_type"}, {"value", "PATTERN"}, {"data", {{"Users", {"x@y"}}}}});

    const json odd = map_one(R"({"id":"g2","profile":{"displayName":"x","platform":"PLAN9"}})");
    CHECK(odd["device"]["os"] == json{{"name", "PLAN9"}, {"type", "other"}, {"type_id", 99}});
    const json lin = map_one(R"({"id":"g3","profile":{"displayName":"x","platform":"LINUX"}})");
    CHECK(lin["device"]["os"] == json{{"name", "Linux"}, {"type", "linux"}, {"type_id", 200}});
}

TEST_CASE("minimal device: only the required fields; absent and null optional fields omitted") {
    const json minimal = envelope(
        {{"uid", "g"}, {"name", "n"}, {"hostname", "n"}, {"type", "Unknown"}, {"type_id", 0}});
    CHECK(map_one(R"({"id":"g","profile":{"displayName":"n"}})") == minimal);
    // Every optional field null: same record.
    CHECK(map_one(R"({"id":"g","status":null,"created":null,"lastUpdated":null,"profile":{
      "displayName":"n","platform":null,"manufacturer":null,"model":null,"osVersion":null,
      "serialNumber":null,"imei":null,"meid":null,"udid":null,"sid":null,"tpmPublicKeyHash":null,
      "registered":null,"secureHardwarePresent":null,"integrityJailbreak":null,"managed":null,
      "diskEncryptionType":null},"_embedded":null,"resourceAlternateId":null})") == minimal);
    // Empty strings carry nothing either.
    CHECK(map_one(R"({"id":"g","status":"","profile":{"displayName":"n","model":"","sid":""}})") ==
          minimal);
    // _embedded.users null, or users without identity.
    CHECK(map_one(R"({"id":"g","profile":{"displayName":"n"},"_embedded":{"users":null}})") ==
          minimal);
    CHECK(
        map_one(
            R"({"id":"g","profile":{"displayName":"n"},"_embedded":{"users":[{},{"user":null}]}})") ==
        minimal);
}

TEST_CASE("wrong JSON types are dropped and counted, the device is kept") {
    PageRun run = read_page(R"([{"id":"g","created":12345,"lastUpdated":"yesterday","profile":{
      "displayName":"n","platform":["WINDOWS"],"registered":"yes","serialNumber":{"a":1},
      "managed":1,"osVersion":10},"_embedded":{"users":"ann"}}])");
    REQUIRE(run.status.is_ok());
    REQUIRE(run.records.size() == 1);
    CHECK(
        run.records[0] ==
        envelope(
            {{"uid", "g"}, {"name", "n"}, {"hostname", "n"}, {"type", "Unknown"}, {"type_id", 0}}));
    CHECK(run.stats.tolerated == 8);
    CHECK(run.stats.devices == 1);
    CHECK_FALSE(run.stats.max_last_updated_ms);  // unparsable lastUpdated does not count
}

TEST_CASE("is_managed falls back to the users' managementStatus; undated links: smallest id owns") {
    const json r = map_one(R"({"id":"g","profile":{"displayName":"n","platform":"MACOS"},
      "_embedded":{"users":[
        {"managementStatus":"NOT_MANAGED","screenLockType":"PASSCODE","user":{"id":"u1","profile":{"login":"a@x","firstName":"Al"}}},
        {"managementStatus":"MANAGED","screenLockType":"PASSCODE","user":{"id":"u2","profile":{"login":"b@x","email":"b@x"}}},
        {"managementStatus":"NOT_MANAGED","screenLockType":"NONE","user":{"id":"u3","profile":{"email":"c@x"}}}]}})");
    CHECK(r["device"]["is_managed"] == true);
    CHECK(r["device"]["owner"] == json{{"uid", "u1"}, {"name", "a@x"}, {"full_name", "Al"}});
    const json& e = r["enrichments"];
    REQUIRE(e.size() == 6);
    CHECK(e[0] == json{{"name", "owner"}, {"value", "Al"}, {"data", {{"Users", {"a@x"}}}}});
    CHECK(e[1] ==
          json{{"name", "users"}, {"value", "3"}, {"data", {{"Users", {"a@x", "b@x", "c@x"}}}}});
    CHECK(e[2] == json{{"name", "management_status"},
                       {"value", "NOT_MANAGED"},
                       {"data", {{"Users", {"a@x", "c@x"}}}}});
    CHECK(e[3] == json{{"name", "management_status"},
                       {"value", "MANAGED"},
                       {"data", {{"Users", {"b@x"}}}}});
    CHECK(e[4] == json{{"name", "screen_lock_type"},
                       {"value", "PASSCODE"},
                       {"data", {{"Users", {"a@x", "b@x"}}}}});
    CHECK(e[5] ==
          json{{"name", "screen_lock_type"}, {"value", "NONE"}, {"data", {{"Users", {"c@x"}}}}});

    // profile.managed wins over the users.
    const json r2 = map_one(R"({"id":"g","profile":{"displayName":"n","managed":false},
      "_embedded":{"users":[{"managementStatus":"MANAGED","user":{"id":"u"}}]}})");
    CHECK(r2["device"]["is_managed"] == false);
    CHECK(r2["device"]["owner"] == json{{"uid", "u"}});
}

TEST_CASE("expand=user: full user objects are read the same way") {
    const json r = map_one(R"({"id":"g","profile":{"displayName":"n"},"_embedded":{"users":[{
      "managementStatus":"MANAGED","created":"2021-10-01T16:52:41.000Z","screenLockType":"BIOMETRIC",
      "user":{"id":"00u1","status":"ACTIVE","created":"2020-08-12T06:46:50.000Z","type":{"id":"oty"},
        "profile":{"firstName":"fname","lastName":"lname","mobilePhone":null,"secondEmail":null,
                   "login":"email@email.com","email":"email@email.com"},
        "credentials":{"password":{},"recovery_question":{"question":"?"},"provider":{"type":"OKTA","name":"OKTA"}},
        "_links":{"self":{"href":"https://x"},"deactivate":{"href":"https://y"}}}}]}})");
    CHECK(r["device"]["owner"] == json{{"uid", "00u1"},
                                       {"name", "email@email.com"},
                                       {"email_addr", "email@email.com"},
                                       {"full_name", "fname lname"}});
}

TEST_CASE("skipping rules: no id, no displayName, not an object — the page goes on") {
    PageRun run = read_page(R"([
      {"id":"ok1","profile":{"displayName":"one"}},
      {"profile":{"displayName":"no id"}},
      {"id":null,"profile":{"displayName":"null id"}},
      {"id":42,"profile":{"displayName":"number id"}},
      {"id":"g5","profile":{"platform":"IOS"}},
      {"id":"g6","profile":{"displayName":""}},
      {"id":"g7","profile":"broken"},
      {"id":"g8"},
      "a string",
      17,
      {"id":"ok2","profile":{"displayName":"two"}}])");
    REQUIRE_MESSAGE(run.status.is_ok(), run.status.message());
    REQUIRE(run.records.size() == 2);
    CHECK(run.records[0]["device"]["uid"] == "ok1");
    CHECK(run.records[1]["device"]["uid"] == "ok2");
    CHECK(run.stats.skipped == 9);
    CHECK(run.skips == std::vector<std::string>{
                           "1::missing id", "2::missing id", "3::id is not a string",
                           "4:g5:missing profile.displayName", "5:g6:missing profile.displayName",
                           "6:g7:profile is not an object", "7:g8:missing profile.displayName",
                           "8::not a JSON object", "9::not a JSON object"});
}

TEST_CASE("odd display names are escaped into valid JSON") {
    const std::string name_json = R"("Bob \"the\" \\ admin\t\u0001 caf\u00e9 \ud83d\udcbb <x>")";
    const json r = map_one(R"({"id":"g","profile":{"displayName":)" + name_json + "}}");
    const std::string expected = "Bob \"the\" \\ admin\t\x01 caf\xc3\xa9 \xf0\x9f\x92\xbb <x>";
    CHECK(r["device"]["name"] == expected);
    CHECK(r["device"]["hostname"] == expected);
    // Raw invalid UTF-8 from the server becomes U+FFFD rather than breaking the record (the
    // page is repaired: page_repair_test.cpp).
    std::string body = "[{\"id\":\"g\",\"profile\":{\"displayName\":\"bad\xff\xfe\"}}]";
    PageRun run = read_page(body);
    REQUIRE_MESSAGE(run.status.is_ok(), run.status.message());
    REQUIRE(run.records.size() == 1);
    CHECK(run.records[0]["device"]["name"] == "bad\xef\xbf\xbd\xef\xbf\xbd");
    CHECK(run.stats.repairs.invalid_utf8 == 2);
}

TEST_CASE("time fields: seconds, milliseconds as the fraction; watermark from lastUpdated") {
    PageRun run = read_page(R"([
      {"id":"a","created":"2024-01-01T00:00:00.250Z","lastUpdated":"2024-02-01T00:00:00.000Z","profile":{"displayName":"a"}},
      {"id":"b","lastUpdated":"2024-03-01T10:00:00.000+01:00","profile":{"displayName":"b"}},
      {"id":"c","lastUpdated":"2024-01-15T00:00:00.000Z","profile":{"displayName":"c"}}])");
    REQUIRE(run.status.is_ok());
    CHECK(run.records[0]["device"]["created_time"].get<double>() == doctest::Approx(1704067200.25));
    CHECK(run.records[0]["device"]["modified_time"] == 1706745600);
    CHECK(run.records[0]["time"] == 1717200000);
    REQUIRE(run.stats.max_last_updated_ms);
    CHECK(*run.stats.max_last_updated_ms == 1709283600000);  // b, offset applied
}

TEST_CASE("page reader: an empty page, a page that is not an array, trailing garbage") {
    PageRun empty = read_page("[]");
    CHECK(empty.status.is_ok());
    CHECK(empty.stats.elements == 0);
    CHECK_FALSE(read_page(R"({"errorCode":"E0000009"})").status.is_ok());
    CHECK_FALSE(read_page("").status.is_ok());
    PageRun trailing = read_page(R"([{"id":"a","profile":{"displayName":"a"}}] [])");
    CHECK_FALSE(trailing.status.is_ok());
    CHECK(trailing.status.code() == asset_sdk::StatusCode::kProtocol);
}

TEST_CASE("page reader: a page broken mid-way fails; the retry adds no duplicates") {
    const std::string good =
        R"([{"id":"a","profile":{"displayName":"a"}},{"id":"b","profile":{"displayName":"b"}},)"
        R"({"id":"c","profile":{"displayName":"c"}},{"id":"d","profile":{"displayName":"d"}}])";
    const std::string broken =
        R"([{"id":"a","profile":{"displayName":"a"}},{"id":"b","profile":{"displayName":"b"}},)"
        R"({"id":"c","profile":{"displayName" "c"}},{"id":"d","profile":{"displayName":"d"}}])";
    PageReader reader;
    PageRun first = read_page(reader, broken);
    CHECK_FALSE(first.status.is_ok());
    CHECK(first.status.message().find("malformed devices page") != std::string::npos);
    CHECK(first.records.size() == 2);  // streamed before the break was found
    PageRun second = read_page(reader, good, /*retry=*/true);
    REQUIRE(second.status.is_ok());
    REQUIRE(second.records.size() == 2);
    CHECK(second.records[0]["device"]["uid"] == "c");
    CHECK(second.records[1]["device"]["uid"] == "d");
    CHECK(second.stats.already_emitted == 2);
    // A new page (retry = false) starts a fresh set.
    PageRun third = read_page(reader, good);
    CHECK(third.records.size() == 4);
}

TEST_CASE("page reader: the host saying stop ends the page at once") {
    PageReader reader;
    std::string body =
        R"([{"id":"a","profile":{"displayName":"a"}},{"id":"b","profile":{"displayName":"b"}}])";
    int emitted = 0;
    PageStats stats;
    const auto st = reader.read(
        body, kCollected, false, [&](std::string_view) { return ++emitted < 1; },
        [](int, std::string_view, std::string_view) {}, stats);
    CHECK(st.code() == asset_sdk::StatusCode::kCancelled);
    CHECK(emitted == 1);
}

TEST_CASE("a large page streams with one reused record buffer") {
    std::string body = "[";
    for (int i = 0; i < 2000; ++i) {
        if (i) body += ",";
        body +=
            R"({"id":"guo)" + std::to_string(i) +
            R"(","status":"ACTIVE","created":"2023-01-01T00:00:00.000Z","lastUpdated":"2023-01-02T00:00:00.000Z","profile":{"displayName":"dev-)" +
            std::to_string(i) + R"(","platform":"WINDOWS","registered":true,"serialNumber":"SN)" +
            std::to_string(i) +
            R"("},"_embedded":{"users":[{"managementStatus":"MANAGED","user":{"id":"u","profile":{"login":"l@x"}}}]}})";
    }
    body += "]";
    PageReader reader;
    std::size_t count = 0;
    std::size_t bytes = 0;
    PageStats stats;
    const auto st = reader.read(
        body, kCollected, false,
        [&](std::string_view r) {
            ++count;
            bytes += r.size();
            return true;
        },
        [](int, std::string_view, std::string_view) {}, stats);
    REQUIRE(st.is_ok());
    CHECK(count == 2000);
    CHECK(stats.devices == 2000);
    CHECK(bytes > 2000 * 500);
}
