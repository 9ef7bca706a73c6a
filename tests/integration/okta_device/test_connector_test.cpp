// "Test connector" through the real asset-host binary: every outcome against okta-sim, TLS trust,
// and answers that are not Okta's (a proxy's 502, a captive portal's page), named as such; the
// proxy in use, from the config or the environment; the devices probe as the sync's first
// request (configured expand, page size and statuses).
#include "okta_host_fixture.h"

#include <asset_sdk/url.h>

#include <doctest/doctest.h>
#include <fake_server.h>
#include <httplib.h>
#include <temp_dir.h>
#include <tls_test_certs.h>

#include <string>

using namespace oktahost;  // Sim, Host, check_named, closed_port
using testsupport::bad_gateway;
using testsupport::FakeServer;
using testsupport::TempDir;

namespace {

std::string detail(const json& report, const std::string& check) {
    const json* c = check_named(report, check);
    REQUIRE_MESSAGE(c, check);
    return c->at("detail");
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A run of `asset-host test` without any proxy variable from the runner's environment.
struct NoProxyHost : Host {
    NoProxyHost() {
        for (const char* v : {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                              "no_proxy", "NO_PROXY"}) {
            unset_env(v);
        }
    }
};

}  // namespace

TEST_CASE("Test connector: every outcome") {
    SUBCASE("valid") {
        Sim sim(20);
        NoProxyHost host;
        const ProcessResult r = host.test(host.write_manifest(sim.url()));
        CHECK(r.exited_with(0));
        const json report = json::parse(r.out);
        // The plugin's five checks, then the destination's (stdout here: one check).
        REQUIRE(report["checks"].size() == 6);
        for (int i = 0; i < 5; ++i) CHECK(report["checks"][i]["source"] == "plugin");
        CHECK(report["checks"][5]["source"] == "destination");
        for (const char* name : {"reachability", "okta_org", "api_token", "devices_read"}) {
            CAPTURE(name);
            REQUIRE(check_named(report, name));
            CHECK(check_named(report, name)->at("status") == "ok");
        }
        CHECK(check_named(report, "base_url")->at("status") == "warn");  // plain http
        const std::string devices = check_named(report, "devices_read")->at("detail");
        CHECK(devices.find("requests left in this window") != std::string::npos);
        CHECK(devices.find("with the request a sync makes (GET "
                           "/api/v1/devices?limit=200&expand=userSummary): 20 devices on the "
                           "first page") != std::string::npos);
        // Nothing checks a permission the connector does not use.
        CHECK_FALSE(check_named(report, "device_assurance"));
        const nlohmann::json stats = sim.stats();  // a named copy: the loop outlives a temporary
        for (const auto& req : stats["requests_log"]) {
            CHECK(req["path_and_query"].get<std::string>().find("device-assurances") ==
                  std::string::npos);
        }
    }
    SUBCASE("invalid token") {
        Sim sim(20);
        NoProxyHost host;
        const auto manifest = host.write_manifest(sim.url());
        sim.config({{"token", "another-token"}});
        const ProcessResult r = host.test(manifest);
        CHECK(r.exited_with(1));
        const json report = json::parse(r.out);
        const json* c = check_named(report, "api_token");
        REQUIRE(c);
        CHECK(c->at("status") == "fail");
        CHECK(c->at("detail").get<std::string>().find("E0000011") != std::string::npos);
        CHECK(c->at("remedy").get<std::string>().find("30 days") != std::string::npos);
        CHECK_FALSE(check_named(report, "devices_read"));  // stopped
    }
    SUBCASE("forbidden") {
        Sim sim(20);
        sim.config({{"forbidden", true}});
        NoProxyHost host;
        const ProcessResult r = host.test(host.write_manifest(sim.url()));
        CHECK(r.exited_with(1));
        const json report = json::parse(r.out);
        const json* c = check_named(report, "devices_read");
        REQUIRE(c);
        CHECK(c->at("status") == "fail");
        CHECK(c->at("detail").get<std::string>().find("E0000006") != std::string::npos);
        CHECK(c->at("remedy").get<std::string>().find("okta.devices.read") != std::string::npos);
    }
    SUBCASE("Classic Engine org") {
        Sim sim(20, {"--engine", "v1"});
        NoProxyHost host;
        const ProcessResult r = host.test(host.write_manifest(sim.url()));
        CHECK(r.exited_with(1));
        const json report = json::parse(r.out);
        const json* c = check_named(report, "okta_org");
        REQUIRE(c);
        CHECK(c->at("status") == "fail");
        CHECK(c->at("detail").get<std::string>().find("Classic Engine") != std::string::npos);
        CHECK(c->at("detail").get<std::string>().find(
                  "Devices API exists only on Okta Identity Engine") != std::string::npos);
        CHECK_FALSE(check_named(report, "api_token"));
    }
    SUBCASE("unreachable: connection refused") {
        NoProxyHost host;
        const ProcessResult r =
            host.test(host.write_manifest("http://127.0.0.1:" + std::to_string(closed_port())));
        CHECK(r.exited_with(1));
        const json report = json::parse(r.out);
        const json* c = check_named(report, "reachability");
        REQUIRE(c);
        CHECK(c->at("status") == "fail");
        CHECK(c->at("detail").get<std::string>().find("connection refused") != std::string::npos);
        CHECK_FALSE(check_named(report, "okta_org"));
    }
}

TEST_CASE("Test connector over TLS: a self-signed server is not trusted; with ca_file it is") {
    TempDir certs;
    const auto self_signed = testsupport::write_self_signed_cert(certs.path(), "okta");
    Sim sim(10, {"--tls-cert", self_signed.cert.string(), "--tls-key", self_signed.key.string()});
    const std::string https = "https://127.0.0.1:" + std::to_string(sim.port());

    NoProxyHost host;
    ProcessResult r = host.test(host.write_manifest(https));
    CHECK(r.exited_with(1));
    json report = json::parse(r.out);
    const json* c = check_named(report, "reachability");
    REQUIRE(c);
    CHECK(c->at("status") == "fail");
    CHECK(c->at("detail").get<std::string>().find("not trusted") != std::string::npos);
    CHECK(c->at("remedy").get<std::string>().find("ca_file") != std::string::npos);

    NoProxyHost trusted;
    r = trusted.test(
        trusted.write_manifest(https, "  ca_file: " + self_signed.cert.string() + "\n"));
    CHECK(r.exited_with(0));
    report = json::parse(r.out);
    CHECK(check_named(report, "reachability")->at("status") == "ok");
    CHECK(check_named(report, "base_url")->at("status") == "ok");
    CHECK(check_named(report, "devices_read")->at("status") == "ok");

    // A certificate for another name, trusted: the host name does not match.
    TempDir other_certs;
    testsupport::CertSpec other;
    other.common_name = "other.example";
    other.dns_names = {"other.example"};
    other.ip_addresses = {};
    const auto wrong_name = testsupport::write_self_signed_cert(other_certs.path(), "other", other);
    Sim sim2(10, {"--tls-cert", wrong_name.cert.string(), "--tls-key", wrong_name.key.string()});
    NoProxyHost mismatch;
    r = mismatch.test(mismatch.write_manifest("https://127.0.0.1:" + std::to_string(sim2.port()),
                                              "  ca_file: " + wrong_name.cert.string() + "\n"));
    CHECK(r.exited_with(1));
    report = json::parse(r.out);
    c = check_named(report, "reachability");
    REQUIRE(c);
    CHECK(c->at("detail").get<std::string>().find("does not match") != std::string::npos);
}

TEST_CASE("a proxy answering 502 is named as such, never taken for Okta accepting the token") {
    FakeServer proxy(bad_gateway);
    NoProxyHost host;
    // The org behind the proxy is never reached: a closed loopback port.
    const std::string org = "http://127.0.0.1:" + std::to_string(closed_port());
    const ProcessResult r = host.test(host.write_manifest(org, "  proxy: " + proxy.url() + "\n"));
    CHECK(r.exited_with(1));
    const json report = json::parse(r.out);
    CHECK(proxy.requests() >= 2);  // the requests went through it

    CHECK(check_named(report, "reachability")->at("status") == "ok");
    CHECK(has(detail(report, "reachability"),
              "through the proxy " + proxy.url() + " (from the proxy setting)"));
    CHECK(check_named(report, "okta_org")->at("status") == "warn");
    CHECK(has(detail(report, "okta_org"), "is not an answer from Okta"));
    const json* token = check_named(report, "api_token");
    REQUIRE(token);
    CHECK(token->at("status") == "fail");
    const std::string d = token->at("detail");
    CHECK(has(d, "did not come from Okta: HTTP 502 (Server: fake-gateway/1.0"));
    CHECK(has(d, "a proxy or gateway answered, not Okta"));
    CHECK(has(d, "through the proxy " + proxy.url()));
    CHECK(has(token->at("remedy").get<std::string>(), "The API token was not checked"));
    CHECK_FALSE(has(r.out, "Okta accepted the API token"));
    CHECK_FALSE(check_named(report, "devices_read"));  // stopped
}

TEST_CASE("a proxy from the environment is named; no_proxy bypasses it") {
    FakeServer proxy(bad_gateway);
    Sim sim(10);
    SUBCASE("http_proxy") {
        NoProxyHost host;
        host.set_env("http_proxy", proxy.url());
        const ProcessResult r = host.test(host.write_manifest(sim.url()));
        CHECK(r.exited_with(1));
        const json report = json::parse(r.out);
        CHECK(has(detail(report, "reachability"), "(from http_proxy)"));
        CHECK(check_named(report, "api_token")->at("status") == "fail");
        CHECK(has(detail(report, "api_token"), "(from http_proxy)"));
        CHECK(sim.stats()["device_requests"] == 0);  // Okta itself never saw the probe
    }
    SUBCASE("no_proxy") {
        NoProxyHost host;
        host.set_env("http_proxy", proxy.url());
        host.set_env("no_proxy", "localhost,127.0.0.1");
        const ProcessResult r = host.test(host.write_manifest(sim.url()));
        CHECK(r.exited_with(0));
        const json report = json::parse(r.out);
        CHECK(has(detail(report, "reachability"), "directly (127.0.0.1 is in no_proxy)"));
        CHECK(check_named(report, "api_token")->at("status") == "ok");
        CHECK(proxy.requests() == 0);
    }
}

TEST_CASE("a 200 that is not a JSON array of devices (a captive portal) is not Okta") {
    FakeServer portal([](const httplib::Request& req, httplib::Response& res) {
        if (req.path == "/.well-known/okta-organization") {
            res.set_content(R"({"id":"00o1","pipeline":"idx"})", "application/json");
            return;
        }
        res.set_content("<html>Please sign in to the guest network</html>", "text/html");
    });
    NoProxyHost host;
    const ProcessResult r = host.test(host.write_manifest(portal.url()));
    CHECK(r.exited_with(1));
    const json report = json::parse(r.out);
    CHECK(check_named(report, "api_token")->at("status") == "fail");
    CHECK(has(detail(report, "api_token"),
              "HTTP 200 (Content-Type: text/html) without a JSON array of devices"));
    CHECK(has(check_named(report, "api_token")->at("remedy").get<std::string>(),
              "check base_url and the network path"));
}

TEST_CASE("the devices probe is the first request of a sync: configured expand, size, statuses") {
    Sim sim(30);
    NoProxyHost host;
    const ProcessResult r = host.test(host.write_manifest(
        sim.url(), "  expand: user\n  page_size: 7\n  statuses: [ACTIVE, SUSPENDED]\n"));
    CHECK(r.exited_with(0));
    const json report = json::parse(r.out);
    const auto targets = sim.device_request_targets();
    REQUIRE(targets.size() == 1);
    auto url = asset_sdk::parse_url("http://okta.test" + targets[0]);
    REQUIRE(url.is_ok());
    CHECK(url->query_value("limit") == "7");
    CHECK(url->query_value("expand") == "user");
    CHECK(url->query_value("search") == R"((status eq "ACTIVE" or status eq "SUSPENDED"))");
    CHECK(has(detail(report, "devices_read"), "expand=user"));
    CHECK(has(detail(report, "devices_read"), "7 devices on the first page"));

    // expand: none sends no expand at all, as a sync does.
    sim.reset();
    NoProxyHost plain;
    CHECK(plain.test(plain.write_manifest(sim.url(), "  expand: none\n")).exited_with(0));
    const auto plain_targets = sim.device_request_targets();
    REQUIRE(plain_targets.size() == 1);
    CHECK(plain_targets[0].find("expand") == std::string::npos);
}
