// okta-sim faults: each kind's wire behaviour (README.md "Faults"), the on_request/count
// numbering, and the decoy listeners that prove where a token went.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>

#include <chrono>

#include "okta_sim_client.h"

using namespace oktasimtest;
using testsupport::OktaSim;

namespace {

// The bytes a raw HTTP/1.1 exchange returns until the server closes: shows what a library
// client would hide (a short body, or nothing at all).
std::string raw_exchange(int port, const std::string& target) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    timeval tv{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    const std::string request = "GET " + target +
                                " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                                "\r\nAuthorization: SSWS sim-token\r\nConnection: close\r\n\r\n";
    REQUIRE(send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
    std::string out;
    char buf[8192];
    for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;)
        out.append(buf, static_cast<size_t>(n));
    close(fd);
    return out;
}

std::string origin_of(const std::string& url) {
    const size_t slash = url.find('/', url.find("://") + 3);
    return url.substr(0, slash);
}

}  // namespace

TEST_CASE("server errors fire on the requested device request, count times, then stop") {
    OktaSim sim({"--devices", "30"});
    sim.faults({{{"kind", "http_503"}, {"on_request", 2}, {"count", 2}, {"retry_after", 3}},
                {{"kind", "http_500"}, {"on_request", 5}},
                {{"kind", "http_502"}, {"on_request", 6}}});
    std::vector<int> statuses;
    for (int k = 0; k < 7; ++k) {
        // Other endpoints do not advance the fault numbering.
        CHECK(get(sim.port(), "/api/v1/device-assurances").status == 200);
        const Reply r = get(sim.port(), "/api/v1/devices?limit=5");
        statuses.push_back(r.status);
        if (r.status >= 500) {
            CHECK(r.json_body().at("errorCode") == "E0000009");
            CHECK_FALSE(r.header("X-Rate-Limit-Reset").empty());
        }
        if (r.status == 503) CHECK(r.header("Retry-After") == "3");
    }
    CHECK((statuses == std::vector<int>{200, 503, 503, 200, 500, 502, 200}));
    const json stats = sim.stats();
    CHECK(stats.at("faults_fired").at("http_503") == 2);
    CHECK(stats.at("status_counts").at("503") == 2);
}

TEST_CASE("page: a fault numbers the requests for one page, whatever came in between") {
    OktaSim sim({"--devices", "30"});
    sim.faults({{{"kind", "http_503"}, {"page", 2}, {"on_request", 2}},
                {{"kind", "malformed_json"}, {"page", 3}}});
    const Reply first = get(sim.port(), "/api/v1/devices?limit=10");
    REQUIRE(first.status == 200);
    const std::string page2 = first.link("next").value();
    const std::string page2_target = page2.substr(page2.find("/api/"));
    CHECK(get(sim.port(), page2_target).status == 200);                // page 2, its request 1
    CHECK(get(sim.port(), "/api/v1/devices?limit=10").status == 200);  // page 1 again
    const Reply again = get(sim.port(), page2_target);                 // page 2, its request 2
    CHECK(again.status == 503);
    const Reply second = get(sim.port(), page2_target);  // page 2, its request 3
    REQUIRE(second.status == 200);
    const std::string page3 = second.link("next").value();
    const Reply third = get(sim.port(), page3.substr(page3.find("/api/")));
    CHECK(third.status == 200);
    CHECK_FALSE(json::accept(third.body));  // page 3, its first request
    CHECK(get(sim.port(), page3.substr(page3.find("/api/"))).status == 200);
    const json plan = sim.process().get_json("/_sim/faults");
    CHECK(plan.at("faults").at(0).at("page") == 2);
    CHECK(plan.at("faults").at(0).at("fired") == 1);
    CHECK(plan.at("faults").at(1).at("fired") == 1);
}

TEST_CASE("429 faults: rate limit (window reset) and concurrency (Limit 0)") {
    OktaSim sim({"--devices", "30", "--rate-limit", "50"});
    sim.faults({{{"kind", "rate_limit_429"}},
                {{"kind", "concurrency_429"}, {"on_request", 2}},
                {{"kind", "rate_limit_429"}, {"on_request", 3}, {"reset_after_ms", 5000}}});
    const Reply rl = get(sim.port(), "/api/v1/devices");
    CHECK(rl.status == 429);
    CHECK(rl.json_body().at("errorCode") == "E0000047");
    CHECK(rl.header("X-Rate-Limit-Limit") == "50");
    CHECK(rl.header("X-Rate-Limit-Remaining") == "0");
    const Reply cc = get(sim.port(), "/api/v1/devices");
    CHECK(cc.status == 429);
    CHECK(cc.header("X-Rate-Limit-Limit") == "0");
    CHECK(cc.header("X-Rate-Limit-Remaining") == "0");
    const Reply later = get(sim.port(), "/api/v1/devices");
    const int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
    const int64_t reset = std::stoll(later.header("X-Rate-Limit-Reset"));
    CHECK(reset >= now_s + 4);
    CHECK(reset <= now_s + 6);
    CHECK(get(sim.port(), "/api/v1/devices").status == 200);
}

TEST_CASE("truncated_body declares more than it sends; drop_connection sends nothing") {
    OktaSim sim({"--devices", "30"});
    sim.faults({{{"kind", "truncated_body"}},
                {{"kind", "drop_connection"}, {"on_request", 2}},
                {{"kind", "truncated_body"}, {"on_request", 3}},
                {{"kind", "drop_connection"}, {"on_request", 4}}});
    const std::string truncated = raw_exchange(sim.port(), "/api/v1/devices?limit=10");
    REQUIRE(truncated.rfind("HTTP/1.1 200", 0) == 0);
    const size_t header_end = truncated.find("\r\n\r\n");
    REQUIRE(header_end != std::string::npos);
    const size_t cl = truncated.find("Content-Length: ");
    REQUIRE(cl < header_end);
    const size_t declared = std::stoul(truncated.substr(cl + 16));
    const size_t received = truncated.size() - header_end - 4;
    CHECK(received > 0);
    CHECK(received < declared);

    CHECK(raw_exchange(sim.port(), "/api/v1/devices?limit=10").empty());

    // What a library client sees: a transport error, no response.
    const Reply short_body = get(sim.port(), "/api/v1/devices?limit=10");
    CHECK_FALSE(short_body.transport_ok);
    const Reply dropped = get(sim.port(), "/api/v1/devices?limit=10");
    CHECK_FALSE(dropped.transport_ok);
    CHECK(get(sim.port(), "/api/v1/devices?limit=10").status == 200);

    const json stats = sim.stats();
    CHECK(stats.at("status_counts").at("0") == 2);  // drops are logged with status 0
    bool logged = false;
    for (const auto& e : stats.at("requests_log")) {
        if (e.value("fault", "") == "drop_connection") logged = e.at("status") == 0;
    }
    CHECK(logged);
}

TEST_CASE("malformed_json, unauthorized, bad_request and slow") {
    OktaSim sim({"--devices", "30"});
    sim.faults({{{"kind", "malformed_json"}},
                {{"kind", "unauthorized"}, {"on_request", 2}},
                {{"kind", "bad_request"}, {"on_request", 3}},
                {{"kind", "slow"}, {"on_request", 4}, {"delay_ms", 400}}});
    const Reply broken = get(sim.port(), "/api/v1/devices?limit=10");
    CHECK(broken.status == 200);
    CHECK(broken.header("Content-Type") == "application/json");
    CHECK_FALSE(json::accept(broken.body));
    CHECK(broken.link("next").has_value());

    const Reply unauthorized = get(sim.port(), "/api/v1/devices");
    CHECK(unauthorized.status == 401);
    CHECK(unauthorized.json_body().at("errorCode") == "E0000011");
    const Reply bad = get(sim.port(), "/api/v1/devices");
    CHECK(bad.status == 400);
    CHECK(bad.json_body().at("errorCode") == "E0000001");

    const auto t0 = std::chrono::steady_clock::now();
    const Reply slow = get(sim.port(), "/api/v1/devices?limit=3");
    const auto elapsed = std::chrono::steady_clock::now() - t0;
    CHECK(slow.status == 200);
    CHECK(slow.json_body().size() == 3);
    CHECK(elapsed >= std::chrono::milliseconds(400));

    // The fault-free next request is normal again, and real auth was never broken.
    CHECK(get(sim.port(), "/api/v1/devices").status == 200);
    CHECK(sim.stats().at("auth_failures") == 0);
}

TEST_CASE("off_origin_next variants point elsewhere; the decoy records who followed") {
    OktaSim sim({"--devices", "30"});
    const json cfg = sim.process().get_json("/_sim/config");
    const int decoy = cfg.at("decoy_port");
    const std::string port = std::to_string(sim.port());
    sim.faults({{{"kind", "off_origin_next"}},
                {{"kind", "off_origin_next"}, {"on_request", 2}, {"variant", "host"}},
                {{"kind", "off_origin_next"}, {"on_request", 3}, {"variant", "scheme"}},
                {{"kind", "off_origin_next"}, {"on_request", 4}, {"variant", "host_evil"}}});
    const std::string to_port = get(sim.port(), "/api/v1/devices?limit=5").link("next").value();
    CHECK(origin_of(to_port) == "http://127.0.0.1:" + std::to_string(decoy));
    const std::string to_host = get(sim.port(), "/api/v1/devices?limit=5").link("next").value();
    CHECK(origin_of(to_host) == "http://localhost:" + port);
    const std::string to_scheme = get(sim.port(), "/api/v1/devices?limit=5").link("next").value();
    CHECK(origin_of(to_scheme) == "https://127.0.0.1:" + port);
    const std::string to_evil = get(sim.port(), "/api/v1/devices?limit=5").link("next").value();
    CHECK(origin_of(to_evil) == "http://127.0.0.2:" + std::to_string(decoy));

    // Even on the last page the faulted answer carries a next link.
    sim.faults({{{"kind", "off_origin_next"}}});
    CHECK(get(sim.port(), "/api/v1/devices?limit=200").link("next").has_value());

    CHECK(sim.stats().at("decoy_requests") == 0);
    // A client that follows without the token, then one that leaks it.
    CHECK(get_url(to_port, "").status == 200);
    CHECK(get_url(to_port).body == "[]");
    if (cfg.at("decoy_evil_bound") == true) CHECK(get_url(to_evil).status == 200);
    CHECK(get_url(to_host).status == 200);  // same server, other host name: cursor betrays it
    const json stats = sim.stats();
    const int evil = cfg.at("decoy_evil_bound") == true ? 1 : 0;
    CHECK(stats.at("decoy_requests") == 2 + evil);
    CHECK(stats.at("decoy_requests_with_authorization") == 1 + evil);
    CHECK(stats.at("off_origin_followed") == 1);
    CHECK(stats.at("off_origin_followed_with_authorization") == 1);
    CHECK(stats.dump().find("sim-token") == std::string::npos);
}

TEST_CASE("repeated_next hands out an already served URL") {
    OktaSim sim({"--devices", "30"});
    sim.faults({{{"kind", "repeated_next"}, {"on_request", 2}},
                {{"kind", "repeated_next"}, {"on_request", 3}, {"variant", "first"}}});
    const Reply first = get(sim.port(), "/api/v1/devices?limit=5&expand=user");
    const std::string page2 = first.link("next").value();
    const Reply second = get_url(page2);
    CHECK(second.link("next") == page2);  // self loop
    const Reply again = get_url(page2);
    CHECK(again.link("next") == sim.url() + "/api/v1/devices?limit=5&expand=user");
    CHECK(again.json_body() == second.json_body());
}

TEST_CASE("drop_connection on a reused keep-alive connection: count 2 defeats curl's retry") {
    OktaSim sim({"--devices", "30"});
    const std::string url = sim.url() + "/api/v1/devices?limit=5";
    CURL* curl = curl_easy_init();
    REQUIRE(curl != nullptr);
    curl_slist* headers = curl_slist_append(nullptr, "Authorization: SSWS sim-token");
    std::string sink;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(
        curl, CURLOPT_WRITEFUNCTION, +[](char* d, size_t s, size_t n, void* u) {
            static_cast<std::string*>(u)->append(d, s * n);
            return s * n;
        });
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);

    // count 1: the drop hits a reused connection, curl retries on a fresh one and succeeds.
    sim.faults({{{"kind", "drop_connection"}, {"on_request", 2}}});
    CHECK(curl_easy_perform(curl) == CURLE_OK);
    CHECK(curl_easy_perform(curl) == CURLE_OK);
    // count 2: the retry is dropped as well, the failure reaches the caller.
    sim.faults({{{"kind", "drop_connection"}, {"on_request", 2}, {"count", 2}}});
    CHECK(curl_easy_perform(curl) == CURLE_OK);
    CHECK(curl_easy_perform(curl) == CURLE_GOT_NOTHING);
    CHECK(curl_easy_perform(curl) == CURLE_OK);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    CHECK(sim.stats().at("faults_fired").at("drop_connection") == 3);
}

TEST_CASE("poison_device: one device carries the poison, the rest of the page is untouched") {
    OktaSim sim({"--devices", "30"});
    const std::string clean = get(sim.port(), "/api/v1/devices?limit=10").body;
    const json clean_page = json::parse(clean);
    const std::string name2 = clean_page[2]["profile"]["displayName"].get<std::string>();
    // Each variant on its own request; device 2 of the page (the last one for 99).
    const std::vector<std::pair<std::string, std::string>> bytes = {
        {"lone_surrogate", " \\ud83d\""},
        {"invalid_utf8", " \xc3\x28 \xff\""},
        {"control_char", "\x01\x1b[31m\tred\""}};
    json plan = json::array();
    for (std::size_t k = 0; k < bytes.size(); ++k) {
        plan.push_back({{"kind", "poison_device"},
                        {"on_request", k + 1},
                        {"variant", bytes[k].first},
                        {"device", 2}});
    }
    for (const char* v : {"wrong_types", "name_not_string", "id_not_string"}) {
        plan.push_back({{"kind", "poison_device"},
                        {"on_request", plan.size() + 1},
                        {"variant", v},
                        {"device", 99}});
    }
    sim.faults(plan);
    for (const auto& [variant, tail] : bytes) {
        CAPTURE(variant);
        const Reply r = get(sim.port(), "/api/v1/devices?limit=10");
        CHECK(r.status == 200);
        CHECK(r.body.find(json(name2).dump().substr(0, json(name2).dump().size() - 1) + tail) !=
              std::string::npos);
        CHECK_FALSE(json::accept(r.body));  // strict parsers refuse it (lone surrogate included)
    }
    const json wrong = get(sim.port(), "/api/v1/devices?limit=10").json_body();
    CHECK(wrong[9]["status"] == 7);
    CHECK(wrong[9]["profile"]["platform"].is_array());
    CHECK(wrong[9]["profile"]["displayName"].is_string());
    CHECK(wrong[8] == clean_page[8]);
    const json no_name = get(sim.port(), "/api/v1/devices?limit=10").json_body();
    CHECK(no_name[9]["profile"]["displayName"].is_object());
    const json no_id = get(sim.port(), "/api/v1/devices?limit=10").json_body();
    CHECK(no_id[9]["id"] == 12345);
    CHECK(get(sim.port(), "/api/v1/devices?limit=10").body == clean);  // the plan is used up

    CHECK(sim.process()
              .post("/_sim/faults", R"({"faults":[{"kind":"poison_device","variant":"nope"}]})")
              .status == 400);
}
