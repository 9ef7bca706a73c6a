// okta-sim contract: auth, paging, expand, search, rate limits, clock skew, mutate, TLS,
// process protocol. What the Okta plugin's integration tests and the demo rely on.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <set>
#include <thread>

#include "okta_sim_client.h"
#include "temp_dir.h"
#include "tls_test_certs.h"

using namespace oktasimtest;
using testsupport::OktaSim;

namespace {

std::vector<std::string> ids_of(const std::vector<json>& devices) {
    std::vector<std::string> ids;
    for (const auto& d : devices) ids.push_back(d.at("id").get<std::string>());
    return ids;
}

void check_okta_error(const Reply& r, int status, const std::string& code) {
    REQUIRE(r.transport_ok);
    CHECK(r.status == status);
    CHECK(r.header("Content-Type") == "application/json");
    const json body = r.json_body();
    CHECK(body.at("errorCode") == code);
    CHECK(body.at("errorLink") == code);
    CHECK(body.at("errorSummary").is_string());
    CHECK(body.at("errorId").is_string());
    CHECK(body.at("errorCauses").is_array());
}

int64_t epoch_seconds() {
    using namespace std::chrono;
    return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

// Parses an IMF-fixdate Date header into epoch seconds.
int64_t parse_http_date(const std::string& value) {
    std::tm tm{};
    REQUIRE(strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm) != nullptr);
    return timegm(&tm);
}

}  // namespace

TEST_CASE("okta-sim prints LISTENING, serves, and exits 0 on SIGTERM") {
    OktaSim sim({"--devices", "10"});
    CHECK(sim.port() > 0);
    CHECK(get(sim.port(), "/api/v1/devices", "").status == 401);
    const auto result = sim.stop();
    CHECK(result.exited_with(0));
}

TEST_CASE("well-known org metadata reports the pipeline without auth") {
    OktaSim sim({"--devices", "10"});
    Reply r = get(sim.port(), "/.well-known/okta-organization", "");
    REQUIRE(r.status == 200);
    json body = r.json_body();
    CHECK(body.at("id").get<std::string>().rfind("00o", 0) == 0);
    CHECK(body.at("pipeline") == "idx");
    CHECK(body.at("_links").at("organization").at("href") == sim.url());
    CHECK(r.header("X-Rate-Limit-Limit").empty());  // only /api/v1/* carry rate headers

    sim.config({{"engine", "v1"}});
    body = get(sim.port(), "/.well-known/okta-organization", "").json_body();
    CHECK(body.at("pipeline") == "v1");
    check_okta_error(get(sim.port(), "/api/v1/devices"), 401, "E0000015");
}

TEST_CASE("authentication and authorization failures use Okta's error shape") {
    OktaSim sim({"--devices", "10", "--token", "tok-123"});
    check_okta_error(get(sim.port(), "/api/v1/devices", ""), 401, "E0000011");
    check_okta_error(get(sim.port(), "/api/v1/devices", "wrong"), 401, "E0000011");
    {
        // Bearer instead of SSWS is not accepted either.
        httplib::Client c("127.0.0.1", sim.port());
        auto res = c.Get("/api/v1/devices", {{"Authorization", "Bearer tok-123"}});
        REQUIRE(res);
        CHECK(res->status == 401);
    }
    Reply ok = get(sim.port(), "/api/v1/devices", "tok-123");
    CHECK(ok.status == 200);
    CHECK_FALSE(ok.header("X-Okta-Request-Id").empty());
    CHECK_FALSE(ok.header("Date").empty());

    sim.config({{"forbidden", true}});
    check_okta_error(get(sim.port(), "/api/v1/devices", "tok-123"), 403, "E0000006");
    CHECK(get(sim.port(), "/api/v1/device-assurances", "tok-123").status == 200);
    sim.config({{"forbidden", false}, {"assurances_forbidden", true}});
    check_okta_error(get(sim.port(), "/api/v1/device-assurances", "tok-123"), 403, "E0000006");
    CHECK(get(sim.port(), "/api/v1/devices", "tok-123").status == 200);

    sim.config({{"token", "rotated"}});
    check_okta_error(get(sim.port(), "/api/v1/devices", "tok-123"), 401, "E0000011");
    CHECK(get(sim.port(), "/api/v1/devices", "rotated").status == 200);

    const json stats = sim.stats();
    CHECK(stats.at("auth_failures") == 4);
    // The log says whether auth was valid, and never carries a token.
    const std::string dumped = stats.dump();
    CHECK(dumped.find("tok-123") == std::string::npos);
    CHECK(dumped.find("rotated") == std::string::npos);
}

TEST_CASE("paging via Link next covers every device exactly once, in id order") {
    OktaSim sim({"--devices", "1234", "--seed", "7"});
    const Walk walk = walk_all(sim.port(), "/api/v1/devices?limit=200");
    CHECK(walk.pages == 7);
    const auto ids = ids_of(walk.devices);
    CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == 1234);
    CHECK(std::is_sorted(ids.begin(), ids.end()));
    const json all = sim.devices();
    REQUIRE(all.size() == 1234);
    std::vector<std::string> expected;
    for (const auto& d : all) expected.push_back(d.at("id"));
    CHECK(ids == expected);

    // Headers: self and next are two separate Link lines; the cursor is not the raw last id.
    const Reply first = get(sim.port(), "/api/v1/devices?limit=200");
    CHECK(first.all("Link").size() == 2);
    CHECK(first.link("self") == sim.url() + "/api/v1/devices?limit=200");
    const std::string next = first.link("next").value();
    CHECK(next.rfind(sim.url() + "/api/v1/devices?after=", 0) == 0);
    CHECK(next.find("limit=200") != std::string::npos);
    CHECK(next.find(ids[199]) == std::string::npos);
    // Last page: only self.
    const Reply last = get_url(walk.urls.back());
    CHECK(last.all("Link").size() == 1);
    CHECK_FALSE(last.link("next").has_value());
    CHECK(last.json_body().size() == 34);
}

TEST_CASE("limit handling: default, page cap, invalid values, bad cursor") {
    OktaSim sim({"--devices", "450", "--page-cap", "150"});
    CHECK(get(sim.port(), "/api/v1/devices").json_body().size() == 150);  // default capped
    CHECK(get(sim.port(), "/api/v1/devices?limit=7").json_body().size() == 7);
    const Reply capped = get(sim.port(), "/api/v1/devices?limit=1000");
    CHECK(capped.json_body().size() == 150);
    CHECK(capped.link("next")->find("limit=150") != std::string::npos);
    for (const char* bad : {"0", "-1", "abc", "2.5", ""}) {
        check_okta_error(get(sim.port(), std::string("/api/v1/devices?limit=") + bad), 400,
                         "E0000001");
    }
    check_okta_error(get(sim.port(), "/api/v1/devices?after=not*base64"), 400, "E0000001");
    // Host header decides the origin of the links (the client's own spelling is echoed).
    const Reply via_localhost = get(sim.port(), "/api/v1/devices?limit=5", "sim-token",
                                    "localhost:" + std::to_string(sim.port()));
    CHECK(via_localhost.link("next")->rfind("http://localhost:" + std::to_string(sim.port()), 0) ==
          0);
    // Empty result.
    const Reply none = get(sim.port(), "/api/v1/devices?search=id%20eq%20%22guoNOPE%22");
    CHECK(none.status == 200);
    CHECK(none.body == "[]");
    CHECK_FALSE(none.link("next").has_value());
}

TEST_CASE("expand: none, user and userSummary shapes; invalid value is 400") {
    OktaSim sim({"--devices", "60"});
    for (const auto& d : get(sim.port(), "/api/v1/devices").json_body()) {
        CHECK_FALSE(d.contains("_embedded"));
        CHECK(d.at("resourceType") == "UDDevice");
        CHECK(d.at("resourceId") == d.at("id"));
        CHECK(d.at("resourceAlternateId").is_null());
        CHECK(d.at("_links").contains("self"));
    }
    size_t with_users = 0;
    for (const auto& d : get(sim.port(), "/api/v1/devices?expand=user").json_body()) {
        for (const auto& link : d.at("_embedded").at("users")) {
            ++with_users;
            CHECK(link.contains("created"));
            CHECK(link.contains("managementStatus"));
            CHECK(link.contains("screenLockType"));
            const json& user = link.at("user");
            CHECK(user.contains("credentials"));
            CHECK(user.contains("status"));
            CHECK(user.at("profile").contains("login"));
        }
    }
    CHECK(with_users > 0);
    for (const auto& d : get(sim.port(), "/api/v1/devices?expand=userSummary").json_body()) {
        for (const auto& link : d.at("_embedded").at("users")) {
            const json& user = link.at("user");
            std::set<std::string> keys;
            for (const auto& [k, v] : user.items()) keys.insert(k);
            CHECK((keys == std::set<std::string>{"id", "realmId", "profile", "_links"}));
            for (const auto& [k, v] : user.at("profile").items()) {
                CHECK((k == "firstName" || k == "lastName" || k == "login" || k == "email"));
            }
        }
    }
    check_okta_error(get(sim.port(), "/api/v1/devices?expand=users"), 400, "E0000001");

    // next links keep expand (unless the drop switch is on).
    CHECK(get(sim.port(), "/api/v1/devices?limit=10&expand=userSummary")
              .link("next")
              ->find("expand=userSummary") != std::string::npos);
    sim.config({{"drop_expand_in_next", true}});
    const std::string next =
        *get(sim.port(), "/api/v1/devices?limit=10&expand=userSummary").link("next");
    CHECK(next.find("expand") == std::string::npos);
    CHECK(next.find("limit") == std::string::npos);
    const Reply page2 = get_url(next);
    CHECK(page2.json_body().size() == 50);  // default limit, no _embedded
    CHECK_FALSE(page2.json_body()[0].contains("_embedded"));
}

TEST_CASE("search: lastUpdated/status/id/platform filters with correct URL decoding") {
    OktaSim sim({"--devices", "800", "--seed", "3"});
    const json all = sim.devices();
    std::vector<std::string> stamps;
    for (const auto& d : all) stamps.push_back(d.at("lastUpdated"));
    std::sort(stamps.begin(), stamps.end());
    const std::string threshold = stamps[stamps.size() / 2];

    std::set<std::string> expected;
    for (const auto& d : all) {
        if (d.at("lastUpdated").get<std::string>() > threshold) expected.insert(d.at("id"));
    }
    // %20/%22 encoding, walked with limit 50 so the search must survive in next links.
    const Walk walk = walk_all(
        sim.port(), "/api/v1/devices?limit=50&search=lastUpdated%20gt%20%22" + threshold + "%22");
    const auto got = ids_of(walk.devices);
    CHECK(std::set<std::string>(got.begin(), got.end()) == expected);
    CHECK(got.size() == expected.size());
    CHECK(walk.pages > 1);

    // '+' as space, lower-case operators, and/or, parentheses.
    std::set<std::string> active_windows;
    for (const auto& d : all) {
        if (d.at("status") == "ACTIVE" && d.at("profile").at("platform") == "WINDOWS") {
            active_windows.insert(d.at("id"));
        }
    }
    const auto combined =
        ids_of(walk_all(sim.port(),
                        "/api/v1/devices?search=status+EQ+%22ACTIVE%22+and+(profile.platform+eq+"
                        "%22WINDOWS%22)")
                   .devices);
    CHECK(std::set<std::string>(combined.begin(), combined.end()) == active_windows);

    const std::string some_id = all[17].at("id");
    const json by_id =
        get(sim.port(), "/api/v1/devices?search=id%20eq%20%22" + some_id + "%22").json_body();
    REQUIRE(by_id.size() == 1);
    CHECK(by_id[0].at("id") == some_id);

    const auto either = get(sim.port(),
                            "/api/v1/"
                            "devices?limit=200&search=status%20eq%20%22SUSPENDED%22%20or%20status%"
                            "20eq%20%22CREATED%22")
                            .json_body();
    for (const auto& d : either)
        CHECK((d.at("status") == "SUSPENDED" || d.at("status") == "CREATED"));
    CHECK(either.size() > 0);

    for (const char* bad :
         {"lastUpdated%20gt%20%22yesterday%22", "created%20gt%20%222024-01-01T00:00:00.000Z%22",
          "status%20eq%20ACTIVE", "status%20equals%20%22ACTIVE%22", "(status%20eq%20%22ACTIVE%22",
          "profile.platform%20co%20%22WIN%22", "Status%20eq%20%22ACTIVE%22"}) {
        check_okta_error(get(sim.port(), std::string("/api/v1/devices?search=") + bad), 400,
                         "E0000031");
    }
}

TEST_CASE("rate limit: 429 E0000047 when the window is spent, then recovery") {
    OktaSim sim({"--devices", "20", "--rate-limit", "3", "--rate-window-ms", "2500"});
    std::vector<int64_t> remaining;
    for (int i = 0; i < 3; ++i) {
        const Reply r = get(sim.port(), "/api/v1/devices?limit=5");
        REQUIRE(r.status == 200);
        CHECK(r.header("X-Rate-Limit-Limit") == "3");
        remaining.push_back(std::stoll(r.header("X-Rate-Limit-Remaining")));
    }
    CHECK((remaining == std::vector<int64_t>{2, 1, 0}));
    const Reply limited = get(sim.port(), "/api/v1/devices?limit=5");
    check_okta_error(limited, 429, "E0000047");
    CHECK(limited.header("X-Rate-Limit-Remaining") == "0");
    const int64_t reset = std::stoll(limited.header("X-Rate-Limit-Reset"));
    CHECK(reset >= epoch_seconds());
    CHECK(reset <= epoch_seconds() + 4);

    // Wait until the advertised reset: the next window serves again.
    while (epoch_seconds() < reset) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const Reply again = get(sim.port(), "/api/v1/devices?limit=5");
    CHECK(again.status == 200);

    const json stats = sim.stats();
    CHECK(stats.at("status_counts").at("429") == 1);
    CHECK(stats.at("rate_limit").at("rejected_429") == 1);
    CHECK(stats.at("device_requests") == 5);
    CHECK(stats.at("device_pages_served") == 4);
}

TEST_CASE("clock skew shifts Date and X-Rate-Limit-Reset") {
    OktaSim sim({"--devices", "5", "--clock-skew-ms", "-7200000"});
    const Reply r = get(sim.port(), "/api/v1/devices");
    const int64_t server_now = parse_http_date(r.header("Date"));
    CHECK(std::llabs(server_now - (epoch_seconds() - 7200)) <= 2);
    const int64_t reset = std::stoll(r.header("X-Rate-Limit-Reset"));
    CHECK(reset > server_now);
    CHECK(reset <= server_now + 61);
}

TEST_CASE("mutate: updated and added devices get later lastUpdated, deleted ones vanish") {
    OktaSim sim({"--devices", "300", "--seed", "11"});
    json before = sim.devices();
    std::string watermark;
    for (const auto& d : before)
        watermark = std::max(watermark, d.at("lastUpdated").get<std::string>());

    const json result = sim.mutate({{"update", {{"count", 4}}},
                                    {"set", {{"status", "SUSPENDED"}, {"osVersion", "99.0"}}},
                                    {"add", 3},
                                    {"delete", {{"count", 2}}}});
    CHECK(result.at("updated").size() == 4);
    CHECK(result.at("added").size() == 3);
    CHECK(result.at("deleted").size() == 2);
    std::set<std::string> changed;
    for (const auto& key : {"updated", "added"}) {
        for (const auto& id : result.at(key)) changed.insert(id);
    }
    // One more, chosen by id, among the devices the first call left alone.
    std::string pinned;
    for (const auto& d : sim.devices()) {
        if (!changed.count(d.at("id"))) pinned = d.at("id");
    }
    const json result2 = sim.mutate({{"update", {{"ids", {pinned}}}}});
    CHECK(result2.at("updated") == json::array({pinned}));
    changed.insert(pinned);
    const auto found = ids_of(
        walk_all(sim.port(), "/api/v1/devices?search=lastUpdated%20gt%20%22" + watermark + "%22")
            .devices);
    CHECK(std::set<std::string>(found.begin(), found.end()) == changed);

    const json after = sim.devices();
    CHECK(after.size() == 301);
    std::set<std::string> stamps;
    for (const auto& d : after) {
        const std::string id = d.at("id");
        for (const auto& gone : result.at("deleted")) CHECK(id != gone.get<std::string>());
        if (changed.count(id)) {
            CHECK(stamps.insert(d.at("lastUpdated").get<std::string>())
                      .second);  // strictly increasing
        }
        for (const auto& up : result.at("updated")) {
            if (up == d.at("id")) {
                CHECK(d.at("status") == "SUSPENDED");
                CHECK(d.at("profile").at("osVersion") == "99.0");
                CHECK(d.at("_links").contains("unsuspend"));
            }
        }
    }
    CHECK(sim.process()
              .post("/_sim/mutate", R"({"update":{"count":1},"set":{"nonsense":1}})")
              .status == 400);
}

TEST_CASE("same seed gives the same data; another seed does not") {
    OktaSim a({"--devices", "100", "--seed", "42"});
    OktaSim b({"--devices", "100", "--seed", "42"});
    const std::string da = a.process().get("/_sim/devices").body;
    const std::string db = b.process().get("/_sim/devices").body;
    // Object hrefs embed each sim's port; everything else must be byte-identical.
    auto strip_ports = [](std::string s, int port) {
        const std::string p = ":" + std::to_string(port);
        for (size_t pos; (pos = s.find(p)) != std::string::npos;) s.erase(pos, p.size());
        return s;
    };
    CHECK(strip_ports(da, a.port()) == strip_ports(db, b.port()));
    b.config({{"seed", 43}});
    CHECK(strip_ports(da, a.port()) !=
          strip_ports(b.process().get("/_sim/devices").body, b.port()));
    CHECK(b.devices().size() == 100);
}

TEST_CASE("TLS mode serves the Okta API and the control API over HTTPS") {
    testsupport::TempDir dir;
    const auto files = testsupport::write_self_signed_cert(dir.path(), "okta-sim");
    const std::string cert = files.cert.string();
    const std::string key = files.key.string();
    OktaSim sim({"--devices", "250", "--tls-cert", cert, "--tls-key", key});

    httplib::SSLClient client("127.0.0.1", sim.port());
    client.set_ca_cert_path(cert.c_str());
    client.enable_server_certificate_verification(true);
    auto res = client.Get("/api/v1/devices?limit=200", {{"Authorization", "SSWS sim-token"}});
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(json::parse(res->body).size() == 200);
    const std::string next = res->get_header_value("Link", 1);
    CHECK(next.rfind("<https://127.0.0.1:" + std::to_string(sim.port()), 0) == 0);
    auto cfg = client.Get("/_sim/config");
    REQUIRE(cfg);
    CHECK(json::parse(cfg->body).at("tls") == true);

    // Plain HTTP to the TLS port gets no HTTP answer.
    httplib::Client plain("127.0.0.1", sim.port());
    plain.set_read_timeout(3, 0);
    auto bad = plain.Get("/_sim/config");
    CHECK((!bad || bad->status == 400));
}

TEST_CASE("control API rejects bad input and reset clears faults and stats") {
    OktaSim sim({"--devices", "10"});
    CHECK(sim.process().post("/_sim/config", R"({"devices":"many"})").status == 400);
    CHECK(sim.process().post("/_sim/config", R"({"unknown_key":1})").status == 400);
    CHECK(sim.process().post("/_sim/config", "not json").status == 400);
    CHECK(sim.process().post("/_sim/faults", R"({"faults":[{"kind":"meteor"}]})").status == 400);
    CHECK(sim.process().get("/_sim/nothing").status == 404);

    sim.config({{"devices", 25}, {"invalid_devices", 2}});
    CHECK(sim.devices().size() == 27);

    sim.faults(json::array({json{{"kind", "http_500"}, {"count", 5}}}));
    CHECK(get(sim.port(), "/api/v1/devices").status == 500);
    sim.reset();
    const json stats = sim.stats();
    CHECK(stats.at("requests") == 0);
    CHECK(stats.at("requests_log").empty());
    CHECK(get(sim.port(), "/api/v1/devices").status == 200);
}
