// The Sekoia destination's Test connector checks (destination_checks) against the REAL
// sekoia-sim over loopback, and against loopback stand-ins for what can sit in between (a
// gateway answering 502, a captive portal, a proxy): only answers with Sekoia's shape count;
// an unknown connector UUID and a key without the push permission are named with their fix;
// no asset is ever sent and the key never shows up in a message.
#include "delivery_test_util.h"
#include "fake_server.h"
#include "sekoia_test_sim.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <optional>

using asset_host::CheckResult;
using asset_host::DestinationSpec;
using deliverytest::check_no_key;
using deliverytest::find_check;
using deliverytest::kConnectorUuid;
using deliverytest::kSekoiaKey;
using deliverytest::make_cert;
using deliverytest::run_checks;
using testsupport::FakeServer;
using Sim = deliverytest::SekoiaTestSim;

namespace {

DestinationSpec sekoia_spec(const Sim& sim) {
    DestinationSpec spec;
    spec.type = DestinationSpec::Type::kSekoia;
    spec.sekoia = sim.spec();
    return spec;
}

// A Sekoia destination at `url` (plain http allowed), with the test key and connector.
DestinationSpec spec_at(const std::string& url) {
    DestinationSpec spec;
    spec.type = DestinationSpec::Type::kSekoia;
    spec.sekoia.base_url = url;
    spec.sekoia.api_key = kSekoiaKey;
    spec.sekoia.connector_uuid = kConnectorUuid;
    spec.sekoia.allow_insecure_http = true;
    return spec;
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// The check called `name`, which must be there.
const CheckResult& named(const std::vector<CheckResult>& checks, const std::string& name) {
    const CheckResult* c = find_check(checks, name);
    REQUIRE_MESSAGE(c != nullptr, name);
    return *c;
}

// Every message free of the key.
void check_messages(const std::vector<CheckResult>& checks) {
    for (const auto& c : checks) {
        check_no_key(c.detail);
        check_no_key(c.remedy);
    }
}

// Clears no_proxy / NO_PROXY for one test (the runner's may list 127.0.0.1), restoring them.
class NoProxyUnset {
public:
    NoProxyUnset() {
        for (const char* name : {"no_proxy", "NO_PROXY"}) {
            if (const char* v = std::getenv(name)) saved_.emplace_back(name, v);
            ::unsetenv(name);
        }
    }
    ~NoProxyUnset() {
        for (const auto& [name, value] : saved_) ::setenv(name.c_str(), value.c_str(), 1);
    }

private:
    std::vector<std::pair<std::string, std::string>> saved_;
};

}  // namespace

TEST_CASE("destination checks: TLS reachability, UUID, key and connector, without sending assets") {
    testsupport::TempDir dir;
    const auto [crt, key] = make_cert(dir);
    Sim sim({"--tls-cert", crt, "--tls-key", key});
    DestinationSpec spec = sekoia_spec(sim);
    spec.sekoia.allow_insecure_http = false;

    SUBCASE("all good with the CA bundle") {
        spec.sekoia.ca_file = crt;
        bool ok = false;
        const auto checks = run_checks(spec, &ok);
        CHECK(ok);
        REQUIRE(checks.size() == 4);
        for (const auto& c : checks) {
            CAPTURE(c.name);
            CAPTURE(c.detail);
            CHECK(c.status == AH_CHECK_OK);
            CHECK(c.source == "destination");
        }
        check_messages(checks);
        CHECK(has(named(checks, "destination.reachability").detail, "over TLS"));
        CHECK(has(named(checks, "destination.api_key").detail, "token check accepted"));
        CHECK(has(named(checks, "destination.connector").detail,
                  "accepted an empty push to asset connector " + std::string(kConnectorUuid)));
        // One token check and one push without any asset.
        CHECK(sim.stats()["auth_validate_requests"] == 1);
        CHECK(sim.stats()["posts"] == 1);
        CHECK(sim.stats()["items_received"] == 0);
    }
    SUBCASE("untrusted certificate") {
        bool ok = true;
        const auto checks = run_checks(spec, &ok);
        CHECK_FALSE(ok);
        const CheckResult& reach = named(checks, "destination.reachability");
        CHECK(reach.status == AH_CHECK_FAIL);
        CHECK(has(reach.detail, "TLS certificate not trusted"));
        CHECK(has(reach.remedy, "destination.ca_file"));
        CHECK_FALSE(find_check(checks, "destination.connector"));
    }
    SUBCASE("malformed UUID and missing key") {
        spec.sekoia.ca_file = crt;
        spec.sekoia.connector_uuid = "not-a-uuid";
        spec.sekoia.api_key.clear();
        bool ok = true;
        const auto checks = run_checks(spec, &ok);
        CHECK_FALSE(ok);
        CHECK(named(checks, "destination.connector_uuid").status == AH_CHECK_FAIL);
        CHECK(named(checks, "destination.api_key").status == AH_CHECK_FAIL);
        CHECK(named(checks, "destination.reachability").status == AH_CHECK_OK);
        CHECK_FALSE(find_check(checks, "destination.connector"));  // nothing to probe with
        CHECK(sim.stats()["posts"] == 0);
    }
}

TEST_CASE("destination checks: plain http is refused unless allowed, then only a warning") {
    Sim sim;
    DestinationSpec spec = sekoia_spec(sim);
    spec.sekoia.allow_insecure_http = false;
    bool ok = true;
    auto checks = run_checks(spec, &ok);
    CHECK_FALSE(ok);
    CHECK(named(checks, "destination.reachability").status == AH_CHECK_FAIL);
    CHECK(sim.stats()["posts"] == 0);

    spec.sekoia.allow_insecure_http = true;
    checks = run_checks(spec, &ok);
    CHECK(ok);
    CHECK(named(checks, "destination.reachability").status == AH_CHECK_WARN);
    CHECK(sim.stats()["items_received"] == 0);  // only the empty push
}

TEST_CASE("destination checks: nothing listening") {
    std::string dead_url;
    {
        Sim gone;
        dead_url = gone.url();
    }
    const DestinationSpec spec = spec_at(dead_url);
    bool ok = true;
    const auto checks = run_checks(spec, &ok);
    CHECK_FALSE(ok);
    const CheckResult& reach = named(checks, "destination.reachability");
    CHECK(reach.status == AH_CHECK_FAIL);
    CHECK(has(reach.remedy, "nothing listens"));
}

TEST_CASE("destination checks: Sekoia rejects the key") {
    Sim sim;
    DestinationSpec spec = sekoia_spec(sim);
    spec.sekoia.api_key = "sk-not-the-right-one";
    bool ok = true;
    const auto checks = run_checks(spec, &ok);
    CHECK_FALSE(ok);
    const CheckResult& key = named(checks, "destination.api_key");
    CHECK(key.status == AH_CHECK_FAIL);
    CHECK(has(key.detail, "Sekoia rejected the API key"));
    CHECK(has(key.detail, "HTTP 401 (code T300): The token is invalid"));
    CHECK(has(key.remedy, "Settings > Workspace > API keys"));
    CHECK_FALSE(find_check(checks, "destination.connector"));  // known bad: no push
    CHECK(sim.stats()["posts"] == 0);
    for (const auto& c : checks) CHECK_FALSE(has(c.detail + c.remedy, "sk-not-the-right-one"));
}

TEST_CASE("destination checks: an unknown connector UUID is named with the fix") {
    Sim sim({"--connector", "11111111-2222-3333-4444-555555555555"});
    bool ok = true;
    const auto checks = run_checks(sekoia_spec(sim), &ok);
    CHECK_FALSE(ok);
    CHECK(named(checks, "destination.api_key").status == AH_CHECK_OK);
    const CheckResult& c = named(checks, "destination.connector");
    CHECK(c.status == AH_CHECK_FAIL);
    CHECK(has(c.detail, "Sekoia has no asset connector " + std::string(kConnectorUuid)));
    CHECK(has(c.detail, "HTTP 404"));
    CHECK(has(c.remedy, "set destination.connector_uuid to the UUID of the asset connector"));
    CHECK(sim.stats()["items_received"] == 0);
    check_messages(checks);
}

TEST_CASE("destination checks: a key without the permission to push assets is named") {
    Sim sim;
    sim.key_rights({{"can_push", false}});
    bool ok = true;
    const auto checks = run_checks(sekoia_spec(sim), &ok);
    CHECK_FALSE(ok);
    CHECK(named(checks, "destination.api_key").status == AH_CHECK_OK);  // a valid key...
    const CheckResult& c = named(checks, "destination.connector");      // ...that may not push
    CHECK(c.status == AH_CHECK_FAIL);
    CHECK(has(c.detail, "the API key may not push assets to asset connector"));
    CHECK(has(c.detail, "HTTP 403"));
    CHECK(has(c.remedy, "ASSETMANAGEMENT_CREATE_ASSET"));
    check_messages(checks);
}

TEST_CASE("destination checks: an API root without the token check relies on the empty push") {
    Sim sim;
    sim.key_rights({{"validate_endpoint", false}});
    bool ok = false;
    auto checks = run_checks(sekoia_spec(sim), &ok);
    CHECK(ok);
    CHECK(named(checks, "destination.api_key").status == AH_CHECK_WARN);
    CHECK(has(named(checks, "destination.api_key").detail, "no token check"));
    CHECK(named(checks, "destination.connector").status == AH_CHECK_OK);

    DestinationSpec bad_key = sekoia_spec(sim);  // then the push names a bad key
    bad_key.sekoia.api_key = "sk-not-the-right-one";
    checks = run_checks(bad_key, &ok);
    CHECK_FALSE(ok);
    CHECK(named(checks, "destination.connector").status == AH_CHECK_FAIL);
    CHECK(has(named(checks, "destination.connector").detail, "rejected the API key"));
}

TEST_CASE("destination checks: a gateway's 502 is named as such, never taken for Sekoia") {
    FakeServer gateway(testsupport::bad_gateway);
    const DestinationSpec spec = spec_at(gateway.url());
    bool ok = true;
    const auto checks = run_checks(spec, &ok);
    CHECK_FALSE(ok);
    const CheckResult& key = named(checks, "destination.api_key");
    CHECK(key.status == AH_CHECK_FAIL);
    CHECK(has(key.detail, "did not come from Sekoia's API: HTTP 502 (Server: fake-gateway/1.0"));
    CHECK(has(key.detail, "not Sekoia"));
    CHECK(has(key.remedy, "not checked"));
    CHECK_FALSE(find_check(checks, "destination.connector"));
    CHECK(gateway.requests() == 1);
    check_messages(checks);
}

TEST_CASE("destination checks: a captive portal's 200 page is not Sekoia's answer") {
    FakeServer portal([](const httplib::Request&, httplib::Response& res) {
        res.status = 200;
        res.set_content("<html><body>Please log in to the guest network</body></html>",
                        "text/html");
    });
    const DestinationSpec spec = spec_at(portal.url());
    bool ok = true;
    const auto checks = run_checks(spec, &ok);
    CHECK_FALSE(ok);
    const CheckResult& key = named(checks, "destination.api_key");
    CHECK(key.status == AH_CHECK_FAIL);
    CHECK(has(key.detail, "HTTP 200 (Content-Type: text/html"));
    CHECK(has(key.detail, "without Sekoia's JSON answer"));
}

TEST_CASE("destination checks: the proxy in use is named, and its answer is not Sekoia's") {
    NoProxyUnset no_bypass;
    Sim sim;
    FakeServer proxy(testsupport::bad_gateway);
    DestinationSpec spec = sekoia_spec(sim);
    spec.sekoia.proxy = proxy.url();
    bool ok = true;
    const auto checks = run_checks(spec, &ok);
    CHECK_FALSE(ok);
    const CheckResult& reach = named(checks, "destination.reachability");
    CHECK(has(reach.detail, "through the proxy " + proxy.url() + " (from the proxy setting)"));
    const CheckResult& key = named(checks, "destination.api_key");
    CHECK(key.status == AH_CHECK_FAIL);
    CHECK(has(key.detail, "HTTP 502 (Server: fake-gateway/1.0"));
    CHECK(has(key.remedy, "the proxy " + proxy.url() + " answered instead of Sekoia"));
    CHECK(proxy.requests() >= 1);
    CHECK(sim.stats()["auth_validate_requests"] == 0);  // Sekoia never saw the request
}

TEST_CASE("destination checks: a proxy that cannot be reached is named in the remedy") {
    NoProxyUnset no_bypass;
    Sim sim;
    std::string dead_proxy;  // a port nothing listens on any more
    {
        Sim gone;
        dead_proxy = gone.url();
    }
    DestinationSpec spec = sekoia_spec(sim);
    spec.sekoia.proxy = dead_proxy;
    bool ok = true;
    const auto checks = run_checks(spec, &ok);
    CHECK_FALSE(ok);
    const CheckResult& reach = named(checks, "destination.reachability");
    CHECK(reach.status == AH_CHECK_FAIL);
    CHECK(has(reach.detail, "through the proxy " + dead_proxy));
    CHECK(has(reach.remedy, "requests go through the proxy " + dead_proxy));
    CHECK_FALSE(find_check(checks, "destination.connector"));
}
