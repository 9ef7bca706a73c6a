// sekoia-sim itself: it is the yardstick of the delivery tests, so its checks (auth, headers,
// body and OCSF item validation) and its fault switches are tested directly over HTTP.
#include "delivery_test_util.h"

#include "sekoia_sim.h"

#include <doctest/doctest.h>
#include <httplib.h>

#include <asset_sdk/time_util.h>

using nlohmann::json;

namespace {

constexpr const char* kUuid = "04716e25-c97f-4a22-925e-8b636ad9c8a4";
const std::string kPath = std::string("/api/v2/asset-management/asset-connector/") + kUuid;

struct Reply {
    int status = 0;
    json body;
    std::string retry_after;
};

class Client {
public:
    explicit Client(const testsupport::SekoiaSim& sim) : http_("127.0.0.1", sim.port()) {
        http_.set_read_timeout(10, 0);
    }
    Reply post(const std::string& body, const std::string& path = kPath,
               const std::string& key = "sim-key", std::string agent = "",
               const std::string& content_type = "application/json") {
        if (agent.empty()) agent = "sekoiaio-asset-connector-" + path.substr(path.rfind('/') + 1);
        httplib::Headers headers{{"User-Agent", agent}};
        if (!key.empty()) headers.emplace("Authorization", "Bearer " + key);
        auto r = http_.Post(path.c_str(), headers, body, content_type.c_str());
        REQUIRE(r);
        Reply reply;
        reply.status = r->status;
        reply.body = json::parse(r->body, nullptr, false);
        reply.retry_after = r->get_header_value("Retry-After");
        return reply;
    }
    Reply push(const json& items) { return post(json{{"version", 1}, {"items", items}}.dump()); }

private:
    httplib::Client http_;
};

json item(std::uint64_t n) {
    return json::parse(deliverytest::device_record(n));
}

}  // namespace

TEST_CASE("sekoia-sim accepts a valid push and records it") {
    testsupport::SekoiaSim sim;
    Client c(sim);
    const Reply r = c.push(json::array({item(1), item(2)}));
    CHECK(r.status == 200);
    CHECK(r.body["accepted"] == 2);
    CHECK(c.push(json::array({item(2)})).status == 200);
    const json st = sim.stats();
    CHECK(st["posts"] == 2);
    CHECK(st["accepted_posts"] == 2);
    CHECK(st["items_received"] == 3);
    CHECK(st["unique_uids"] == 2);
    CHECK(st["duplicates"] == 1);
    CHECK(st["per_connector"][kUuid]["items_received"] == 3);
    CHECK(json::parse(sim.process().get("/_sim/uids").body)["uids"] ==
          json::array({deliverytest::device_uid(1), deliverytest::device_uid(2)}));
    const json page = json::parse(sim.process().get("/_sim/items?offset=1&limit=1").body);
    CHECK(page["total"] == 3);
    CHECK(page["items"].size() == 1);
    CHECK(page["items"][0]["device"]["uid"] == deliverytest::device_uid(2));
    CHECK(sim.process().post("/_sim/reset").status == 200);
    CHECK(sim.stats()["items_received"] == 0);
}

TEST_CASE("sekoia-sim checks credentials, path, content type and user agent") {
    testsupport::SekoiaSim sim({"--api-key", "k-123"});
    Client c(sim);
    const std::string body = json{{"version", 1}, {"items", json::array({item(1)})}}.dump();
    Reply r = c.post(body, kPath, "wrong-key-456");
    CHECK(r.status == 401);
    CHECK(r.body["code"] == "UNAUTHORIZED");
    CHECK(r.body.dump().find("wrong-key-456") == std::string::npos);
    CHECK(c.post(body, kPath, "").status == 401);
    r = c.post(body, "/api/v2/asset-management/asset-connector/not-a-uuid", "k-123");
    CHECK(r.status == 404);
    r = c.post(body, kPath, "k-123", "python-requests/2.31");
    CHECK(r.status == 400);
    CHECK(r.body["code"] == "BAD_USER_AGENT");
    r = c.post(body, kPath, "k-123", "", "text/plain");
    CHECK(r.status == 415);
    CHECK(c.post(body, kPath, "k-123").status == 200);
    CHECK(sim.stats()["rejected_posts"] == 5);
    CHECK(sim.stats()["status_counts"]["401"] == 2);
}

TEST_CASE("sekoia-sim: a connector with a key of its own, and the connections it accepted") {
    const std::string other = "0b8c7a2e-5d4f-4e3a-9b1c-2d3e4f5a6b7c";
    testsupport::SekoiaSim sim({"--api-key", "k-123", "--connector-key", other + "=k-other"});
    const std::string body = json{{"version", 1}, {"items", json::array({item(1)})}}.dump();
    const std::string other_path = "/api/v2/asset-management/asset-connector/" + other;
    auto post = [&](httplib::Client& http, const std::string& path, const std::string& key) {
        const httplib::Headers headers{
            {"User-Agent", "sekoiaio-asset-connector-" + path.substr(path.rfind('/') + 1)},
            {"Authorization", "Bearer " + key}};
        auto r = http.Post(path.c_str(), headers, body, "application/json");
        REQUIRE(r);
        return r->status;
    };
    {
        httplib::Client http("127.0.0.1", sim.port());
        http.set_keep_alive(true);  // one connection for every request below
        CHECK(post(http, other_path, "k-other") == 200);
        CHECK(post(http, other_path, "k-123") == 401);  // not this connector's key
        CHECK(post(http, kPath, "k-other") == 401);     // nor another connector's
        CHECK(post(http, kPath, "k-123") == 200);
    }
    const json stats = sim.stats();
    CHECK(stats["status_counts"]["401"] == 2);
    CHECK(stats["connections"] == 2);  // the client's, and this stats request's own
    Client again(sim);                 // a connection per request
    CHECK(again.push(json::array({item(2)})).status == 401);  // Client sends "sim-key"
    CHECK(sim.stats()["connections"] == 4);
    sim.reset();
    CHECK(sim.stats()["connections"] == 1);  // counted again from the reset
}

TEST_CASE("sekoia-sim answers the token check and the key's rights as Sekoia does") {
    testsupport::SekoiaSim sim({"--api-key", "k-123"});
    httplib::Client http("127.0.0.1", sim.port());
    auto validate = [&](const std::string& key) {
        auto r = http.Get("/v1/apiauth/auth/validate", {{"Authorization", "Bearer " + key}});
        REQUIRE(r);
        return std::make_pair(r->status, json::parse(r->body, nullptr, false));
    };
    auto [status, body] = validate("k-123");
    CHECK(status == 200);
    CHECK(body["identity"].is_string());
    CHECK(body["type"] == "access");
    std::tie(status, body) = validate("wrong-key-456");
    CHECK(status == 401);
    CHECK(body == json{{"message", "The token is invalid"}, {"code", "T300"}});
    CHECK(sim.stats()["auth_validate_requests"] == 2);

    Client c(sim);
    const std::string empty = json{{"version", 1}, {"items", json::array()}}.dump();
    CHECK(c.post(empty, kPath, "k-123").status == 200);  // an empty push is accepted
    sim.key_rights({{"can_push", false}});
    const Reply r = c.post(empty, kPath, "k-123");
    CHECK(r.status == 403);
    CHECK(r.body["code"] == "FORBIDDEN");
    CHECK(c.post(empty, kPath, "wrong-key-456").status == 401);  // authentication comes first
    sim.key_rights({{"validate_endpoint", false}});
    CHECK(validate("k-123").first == 404);
    CHECK(c.post(empty, kPath, "k-123").status == 200);  // rights reset to the defaults
    CHECK(sim.process().post("/_sim/auth", R"({"bogus": 1})").status == 400);
    CHECK(sim.stats()["items_received"] == 0);
}

TEST_CASE("sekoia-sim validates the envelope and every item's required OCSF fields") {
    testsupport::SekoiaSim sim({"--max-items", "5"});
    Client c(sim);
    struct Case {
        std::string name;
        std::function<void(json&)> mutate;  // applied to items[1]
        std::string expect;                 // in the message
    };
    const std::vector<Case> cases = {
        {"missing class_uid", [](json& i) { i.erase("class_uid"); },
         "items[1].class_uid: field required"},
        {"user class", [](json& i) { i["class_uid"] = 5003; },
         "items[1].class_uid: 5003 is not supported"},
        {"bool is not int", [](json& i) { i["activity_id"] = true; },
         "items[1].activity_id: expected integer, got boolean"},
        {"time as text", [](json& i) { i["time"] = "2023-01-01"; },
         "items[1].time: expected number"},
        {"product name", [](json& i) { i["metadata"]["product"].erase("name"); },
         "items[1].metadata.product.name: field required"},
        {"device uid", [](json& i) { i["device"].erase("uid"); },
         "items[1].device.uid: field required"},
        {"empty uid", [](json& i) { i["device"]["uid"] = ""; },
         "items[1].device.uid: must not be empty"},
        {"type id as text", [](json& i) { i["device"]["type_id"] = "2"; },
         "items[1].device.type_id: expected integer, got string"},
        {"device type", [](json& i) { i["device"]["type"] = "Laptop"; },
         "items[1].device.type: 'Laptop'"},
        {"os type capitalised", [](json& i) { i["device"]["os"]["type"] = "Windows"; },
         "items[1].device.os.type: 'Windows' is not one of"},
        {"hostname null", [](json& i) { i["device"]["hostname"] = nullptr; },
         "items[1].device.hostname: field required"},
        {"encryption state",
         [](json& i) {
             i["enrichments"] = json::array(
                 {{{"name", "device_info"},
                   {"data", {{"Storage_encryption", {{"partitions", {{"full", "On"}}}}}}}}});
         },
         "items[1].enrichments[0].data.Storage_encryption.partitions.full"},
    };
    for (const auto& k : cases) {
        CAPTURE(k.name);
        json items = json::array({item(1), item(2)});
        k.mutate(items[1]);
        const Reply r = c.push(items);
        CHECK(r.status == 400);
        CHECK(r.body["code"] == "VALIDATION_ERROR");
        CHECK(r.body["message"].get<std::string>().find(k.expect) != std::string::npos);
    }
    CHECK(c.post(R"({"version":2,"items":[]})").body["code"] == "INVALID_BODY");
    CHECK(c.post(R"({"version":1,"items":{}})").status == 400);
    CHECK(c.post("not json").body["code"] == "INVALID_JSON");
    CHECK(c.push(json::array({item(1), item(2), item(3), item(4), item(5), item(6)})).status ==
          413);
    // Lenient like pydantic: ints for floats, unknown fields, nulls for optional fields.
    json lenient = item(9);
    lenient["time"] = 1672531200;
    lenient["unknown_field"] = {{"x", 1}};
    lenient["device"]["model"] = nullptr;
    CHECK(c.push(json::array({lenient})).status == 200);
    CHECK(sim.stats()["items_received"] == 1);  // a refused request records nothing
}

TEST_CASE("sekoia-sim keeps what Sekoia's models declare and counts what they drop") {
    testsupport::SekoiaSim sim;
    Client c(sim);
    json full = item(1);
    full["device"]["os"] = {
        {"name", "Windows 10.0.19045"}, {"type", "windows"}, {"type_id", 100}, {"version", "x"}};
    full["device"]["owner"] = {{"uid", "00u1"}, {"name", "ann@acme.com"}};
    full["device"]["hw_info"] = {{"uuid", "954F4D56-C574-E7D3-FC3A-579CC2F85DCE"}};
    full["device"]["modified_time"] = 1700000000;
    full["device"]["last_seen_time"] = 1700000000;
    full["device"]["model"] = nullptr;  // null: neither kept nor "dropped"
    full["enrichments"] =
        json::array({{{"name", "owner"},
                      {"value", "Ann Lee <ann@acme.com>"},
                      {"data", {{"Users", {"ann@acme.com"}}, {"Owner_email", "ann@acme.com"}}}}});
    full["unknown_top"] = 1;
    REQUIRE(c.push(json::array({full, item(2)})).status == 200);

    // The item as Sekoia keeps it: the undeclared keys are gone, the declared ones intact.
    const json kept = sim.items(/*kept=*/true).at(0);
    CHECK(kept["device"]["os"] ==
          json{{"name", "Windows 10.0.19045"}, {"type", "windows"}, {"type_id", 100}});
    CHECK(kept["device"]["last_seen_time"] == 1700000000);
    for (const char* dropped : {"owner", "hw_info", "modified_time", "model"}) {
        CAPTURE(dropped);
        CHECK_FALSE(kept["device"].contains(dropped));
    }
    CHECK_FALSE(kept.contains("unknown_top"));
    CHECK(kept["enrichments"] == json::array({{{"name", "owner"},
                                               {"value", "Ann Lee <ann@acme.com>"},
                                               {"data", {{"Users", {"ann@acme.com"}}}}}}));
    CHECK(kept["metadata"] == full["metadata"]);
    // Received as sent.
    const json raw = sim.items().at(0);
    CHECK(raw == full);

    CHECK(sim.stats()["dropped_keys"] == json{{"device.hw_info", 1},
                                              {"device.modified_time", 1},
                                              {"device.os.version", 1},
                                              {"device.owner", 1},
                                              {"enrichments[].data.Owner_email", 1},
                                              {"unknown_top", 1}});
}

TEST_CASE("sekoia-sim fault switches") {
    testsupport::SekoiaSim sim;
    Client c(sim);
    const json items = json::array({item(1)});

    SUBCASE("every k-th request") {
        REQUIRE(sim.process()
                    .post("/_sim/faults", R"({"faults":[{"kind":"http_503","every":3}]})")
                    .status == 200);
        std::vector<int> statuses;
        for (int i = 0; i < 7; ++i) statuses.push_back(c.push(items).status);
        CHECK(statuses == std::vector<int>{200, 200, 503, 200, 200, 503, 200});
    }
    SUBCASE("a window of requests, and the first matching fault wins") {
        REQUIRE(sim.process()
                    .post("/_sim/faults", R"({"faults":[
            {"kind":"http_401","on_request":2,"count":2,"message":"token expired"},
            {"kind":"http_500","on_request":1,"count":0}]})")
                    .status == 200);
        std::vector<int> statuses;
        for (int i = 0; i < 4; ++i) statuses.push_back(c.push(items).status);
        CHECK(statuses == std::vector<int>{500, 401, 401, 500});
        const Reply r = c.push(items);
        CHECK(r.body["code"] == "INTERNAL_ERROR");
    }
    SUBCASE("429 with Retry-After in seconds or as an HTTP-date") {
        REQUIRE(sim.process()
                    .post("/_sim/faults", R"({"faults":[
            {"kind":"rate_limit_429","retry_after":7},
            {"kind":"rate_limit_429","on_request":2,"retry_after":30,"retry_after_http_date":true}]})")
                    .status == 200);
        Reply r = c.push(items);
        CHECK(r.status == 429);
        CHECK(r.retry_after == "7");
        r = c.push(items);
        CHECK(r.status == 429);
        CHECK(r.retry_after.size() == 29);  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
        CHECK(asset_sdk::parse_http_date(r.retry_after).has_value());
        CHECK(c.push(items).status == 200);
    }
    SUBCASE("invalid fault plans are refused") {
        CHECK(sim.process().post("/_sim/faults", R"({"faults":[{"kind":"explode"}]})").status ==
              400);
        CHECK(sim.process()
                  .post("/_sim/faults", R"({"faults":[{"kind":"hang","count":-1}]})")
                  .status == 400);
        CHECK(sim.process().post("/_sim/faults", R"({"nope":1})").status == 400);
    }
}
