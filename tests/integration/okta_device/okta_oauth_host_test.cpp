// The Okta Device plugin signing in as an OAuth 2.0 service app, through the REAL asset-host
// binary against okta-sim: full and incremental syncs for RS256 and ES256 keys, with and without
// DPoP (a matrix), token refresh on expiry, on 401 and on revocation, the DPoP nonce dances at
// the token endpoint and at the API, and the Test connector's OAuth outcomes. The private key,
// client assertions, DPoP proofs and access tokens are checked to appear in no output of any run
// (at trace level too).
#include "okta_host_fixture.h"

#include <asset_sdk/oauth/signing_key.h>

#include <doctest/doctest.h>
#include <eventually.h>
#include <full_sync_checkpoint.h>
#include <host_sandbox.h>
#include <okta_sim.h>
#include <process.h>
#include <temp_dir.h>
#include <test_keys.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <functional>
#include <iterator>
#include <set>
#include <string>
#include <vector>

using nlohmann::json;
using oktahost::check_named;
using testsupport::ProcessResult;
using testsupport::test_key;
using testsupport::TestKey;
using testsupport::TestKeyKind;

namespace {

constexpr char kClientId[] = "0oa-asset-host-test";

// How the test's service app looks in Okta (the simulator) and in the manifest.
struct AppSpec {
    TestKeyKind kind = TestKeyKind::kRsa2048;
    bool jwk = false;            // the manifest's key file holds a JWK instead of PEM
    bool dpop_required = false;  // "Require DPoP" on the app
    std::vector<std::string> granted{"okta.devices.read"};
    int registered_key = 0;  // which test key Okta knows (another index: a wrong key)
};

struct Host : testsupport::HostSandbox {
    explicit Host(const AppSpec& app) : HostSandbox({"okta_device"}), key_(test_key(app.kind)) {
        key_text_ = app.jwk ? key_.private_jwk.dump(2) : key_.private_pem;
        key_file_ = write("secrets/okta-app.key", key_text_).string();
    }

    std::string write_manifest(const std::string& base_url, const std::string& oauth_extra = "",
                               const std::string& config_extra = "") {
        return manifest("okta-devices.yaml",
                        "name: okta-devices\nplugin: okta_device\nconfig:\n  base_url: " +
                            base_url + "\n  oauth:\n    client_id: " + kClientId +
                            "\n    private_key: ${file:" + key_file_ + "}\n" + oauth_extra +
                            "  allow_insecure_http: true\n  incremental_overlap: 0s\n" +
                            config_extra + "destination:\n  type: stdout\n")
            .string();
    }

    ProcessResult fetch(const std::string& manifest) {
        ProcessResult r = run({"fetch", manifest, "--output", "-"});
        check_no_credentials(r);
        return r;
    }
    ProcessResult test(const std::string& manifest) {
        ProcessResult r = run({"test", manifest, "--json"});
        check_no_credentials(r);
        return r;
    }

    // A fetch whose records go to a file (a process nobody reads stdout from would block on a
    // full pipe): `meanwhile` runs once `ready` holds; the records come back as the run's out.
    ProcessResult fetch_meanwhile(const std::string& manifest, const std::function<bool()>& ready,
                                  const std::function<void()>& meanwhile) {
        const std::string out = (root() / "records.ndjson").string();
        auto process = start({"fetch", manifest, "--output", out});
        REQUIRE(testsupport::eventually(ready, std::chrono::seconds(20),
                                        std::chrono::milliseconds(50)));
        meanwhile();
        ProcessResult r = process->wait(std::chrono::seconds(60));
        check_no_secrets(r);
        check_no_credentials(r);
        std::ifstream in(out);
        r.out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        return r;
    }

    // No piece of the private key, no JWT (assertions and proofs start with "eyJ"), no access
    // token of the simulator ("sim-at.") in what the host printed.
    void check_no_credentials(const ProcessResult& r) const {
        for (const std::string& text : {r.out, r.err}) {
            CHECK(text.find("eyJ") == std::string::npos);
            CHECK(text.find("sim-at.") == std::string::npos);
            for (std::size_t i = 40; i + 32 < key_text_.size(); i += 48) {
                CHECK(text.find(key_text_.substr(i, 32)) == std::string::npos);
            }
        }
    }

private:
    const TestKey& key_;
    std::string key_text_;
    std::string key_file_;
};

struct Sim : testsupport::OktaSim {
    Sim(int devices, const AppSpec& app, std::vector<std::string> extra = {})
        : OktaSim(args(devices, "unused-ssws-token", 5, std::move(extra))) {
        oauth_client({{"client_id", kClientId},
                      {"public_key", test_key(app.kind, app.registered_key).public_pem},
                      {"scopes", app.granted},
                      {"dpop_required", app.dpop_required}});
    }
    json oauth_stats() const { return stats().at("oauth"); }
    std::int64_t oauth_count(const char* group, const char* key) const {
        const json s = oauth_stats();
        return s.at(group).contains(key) ? s.at(group).at(key).get<std::int64_t>() : 0;
    }
};

std::multiset<std::string> uids_of(const ProcessResult& r) {
    std::multiset<std::string> out;
    for (const auto& line : testsupport::split_lines(r.out)) {
        if (!line.empty()) out.insert(json::parse(line)["device"]["uid"].get<std::string>());
    }
    return out;
}

std::multiset<std::string> valid_ids(const Sim& sim) {
    const auto ids = sim.valid_ids();
    return {ids.begin(), ids.end()};
}

std::string text_of(const json& report, const char* name, const char* field) {
    const json* c = check_named(report, name);
    REQUIRE_MESSAGE(c, "no check " << name << " in " << report.dump());
    return c->at(field).get<std::string>();
}

}  // namespace

TEST_CASE("OAuth matrix: RS256/ES256 keys (PEM/JWK), with and without DPoP: full + incremental") {
    struct Case {
        TestKeyKind kind;
        bool jwk;
        bool dpop;
    };
    for (const Case c :
         {Case{TestKeyKind::kRsa2048, false, false}, Case{TestKeyKind::kRsa2048, true, true},
          Case{TestKeyKind::kEcP256, true, false}, Case{TestKeyKind::kEcP256, false, true}}) {
        const AppSpec app{c.kind, c.jwk, c.dpop};
        CAPTURE(test_key(c.kind).alg);
        CAPTURE(c.jwk);
        CAPTURE(c.dpop);
        Sim sim(450, app);
        Host host(app);
        const auto manifest = host.write_manifest(sim.url(), "", "  page_size: 100\n");

        const ProcessResult full = host.fetch(manifest);
        REQUIRE_MESSAGE(full.exited_with(0), full.err);
        CHECK(uids_of(full) == valid_ids(sim));
        CHECK(full.err.find("signing in as the OAuth service app " + std::string(kClientId)) !=
              std::string::npos);
        CHECK(sim.oauth_count("assertion_algs", test_key(c.kind).alg) >= 1);
        CHECK(sim.oauth_stats().at("tokens_issued") == 1);  // one token for the whole sync
        CHECK(sim.oauth_stats().at("dpop_tokens_issued") == (c.dpop ? 1 : 0));
        // dpop: auto switched after Okta's "header is missing", then did the nonce dance.
        CHECK(sim.oauth_count("token_errors", "invalid_dpop_proof") == (c.dpop ? 1 : 0));
        CHECK(sim.oauth_count("token_errors", "use_dpop_nonce") == (c.dpop ? 1 : 0));
        const json stats = sim.stats();
        CHECK(
            stats.at("oauth").at(c.dpop ? "resource_dpop_requests" : "resource_bearer_requests") ==
            stats.at("device_requests"));
        CHECK(stats.at("auth_failures") == 0);

        // Incremental: only what changed since the checkpoint, with a new token (new process).
        okta_device::testing::write_full_sync_checkpoint(host, sim);
        const json mutated = sim.mutate({{"update", {{"count", 6}}}, {"add", 2}});
        std::multiset<std::string> changed;
        for (const auto& id : mutated["updated"]) changed.insert(id.get<std::string>());
        for (const auto& id : mutated["added"]) changed.insert(id.get<std::string>());
        const ProcessResult incremental = host.fetch(manifest);
        REQUIRE_MESSAGE(incremental.exited_with(0), incremental.err);
        CHECK(incremental.err.find("starting incremental sync") != std::string::npos);
        CHECK(uids_of(incremental) == changed);
        CHECK(sim.oauth_stats().at("tokens_issued") == 2);
    }
}

TEST_CASE("an access token about to expire is renewed during a sync, before Okta refuses it") {
    const AppSpec app{TestKeyKind::kEcP256, false, true};
    Sim sim(400, app, {"--latency-ms", "150"});
    sim.config({{"oauth_token_lifetime_s", 2}});  // renewed 1 s before expiry
    Host host(app);
    const ProcessResult r = host.fetch(host.write_manifest(sim.url(), "", "  page_size: 25\n"));
    REQUIRE_MESSAGE(r.exited_with(0), r.err);
    CHECK(uids_of(r) == valid_ids(sim));
    CHECK(sim.oauth_stats().at("tokens_issued").get<int>() >= 2);
    CHECK(sim.oauth_stats().at("resource_errors").empty());  // never sent an expired token
}

TEST_CASE("a 401 from the API: one new token and one retry; twice in a row fails the cycle") {
    const AppSpec app;
    Sim sim(300, app);
    Host host(app);
    const auto manifest = host.write_manifest(sim.url(), "", "  page_size: 100\n");
    sim.faults({{{"kind", "unauthorized"}, {"on_request", 2}}});
    ProcessResult r = host.fetch(manifest);
    REQUIRE_MESSAGE(r.exited_with(0), r.err);
    CHECK(uids_of(r) == valid_ids(sim));
    CHECK(sim.oauth_stats().at("tokens_issued") == 2);

    sim.reset();
    sim.faults({{{"kind", "unauthorized"}, {"on_request", 2}, {"count", 2}}});
    r = host.fetch(manifest);
    CHECK(r.exited_with(1));
    CHECK(r.err.find("Okta rejected the app's access token") != std::string::npos);
}

TEST_CASE("tokens revoked in Okta mid-sync: one new token, the sync completes") {
    for (const bool dpop : {false, true}) {
        CAPTURE(dpop);
        const AppSpec app{TestKeyKind::kEcP256, false, dpop};
        Sim sim(500, app, {"--latency-ms", "100"});
        Host host(app);
        const char* requests = dpop ? "resource_dpop_requests" : "resource_bearer_requests";
        const ProcessResult r = host.fetch_meanwhile(
            host.write_manifest(sim.url(), "", "  page_size: 50\n"),
            [&] { return sim.oauth_stats().at(requests).get<int>() >= 3; },
            [&] { sim.revoke_oauth_tokens(); });
        REQUIRE_MESSAGE(r.exited_with(0), r.err);
        CHECK(uids_of(r) == valid_ids(sim));
        CHECK(sim.oauth_count("resource_errors", "invalid_token") == 1);  // the revoked one
        CHECK(sim.oauth_stats().at("tokens_issued") == 2);
    }
}

TEST_CASE("a private key given by ${env:}: no credential in a trace-level log or the state") {
    const AppSpec app{TestKeyKind::kRsa2048, false, true};
    Sim sim(120, app);
    Host host(app);
    const TestKey& key = test_key(app.kind);
    host.set_secret_env("OKTA_APP_KEY", key.private_pem);
    const std::string manifest =
        host.manifest("okta-devices.yaml",
                      "name: okta-devices\nplugin: okta_device\nconfig:\n  base_url: " + sim.url() +
                          "\n  oauth:\n    client_id: " + kClientId +
                          "\n    private_key: ${env:OKTA_APP_KEY}\n  allow_insecure_http: true\n"
                          "destination:\n  type: stdout\n")
            .string();
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"--log-level", "trace", "fetch", manifest, "--output", "-"},
          std::vector<std::string>{"--log-level", "trace", "test", manifest}}) {
        const ProcessResult r = host.run(args);
        host.check_no_secrets(r);  // the whole PEM, on stdout, stderr and in state files
        host.check_no_credentials(r);
        CHECK_MESSAGE(r.exited_with(0), r.err);
    }
    CHECK(sim.oauth_stats().at("dpop_tokens_issued") == 2);  // one per process
}

TEST_CASE("DPoP nonces: a nonce demanded by the API, and a new one mid-sync") {
    const AppSpec app{TestKeyKind::kRsa2048, false, true};
    Sim sim(600, app, {"--latency-ms", "100"});
    sim.config({{"oauth_resource_nonce", true}});
    Host host(app);
    const ProcessResult r = host.fetch_meanwhile(
        host.write_manifest(sim.url(), "    dpop: always\n", "  page_size: 50\n"),
        [&] { return sim.oauth_stats().at("resource_dpop_requests").get<int>() >= 4; },
        [&] { sim.rotate_oauth_nonces(); });
    REQUIRE_MESSAGE(r.exited_with(0), r.err);
    CHECK(uids_of(r) == valid_ids(sim));
    CHECK(sim.oauth_count("resource_errors", "use_dpop_nonce") == 2);  // first request, rotation
    CHECK(sim.oauth_stats().at("tokens_issued") == 1);
    CHECK(sim.oauth_count("token_errors", "invalid_dpop_proof") == 0);  // always: no switch
}

TEST_CASE("Test connector with an OAuth app: every outcome") {
    SUBCASE("Bearer app: all ok, DPoP recommended") {
        const AppSpec app;
        Sim sim(20, app);
        Host host(app);
        const ProcessResult r = host.test(host.write_manifest(sim.url()));
        CHECK(r.exited_with(0));
        const json report = json::parse(r.out);
        for (const char* name : {"reachability", "okta_org", "token_endpoint", "client_auth",
                                 "scopes", "devices_read"}) {
            CAPTURE(name);
            REQUIRE(check_named(report, name));
            CHECK(check_named(report, name)->at("status") == "ok");
        }
        CHECK_FALSE(check_named(report, "api_token"));
        CHECK(text_of(report, "client_auth", "detail").find(kClientId) != std::string::npos);
        CHECK(check_named(report, "dpop")->at("status") == "warn");
        CHECK(text_of(report, "dpop", "remedy").find("Require Demonstrating Proof of Possession") !=
              std::string::npos);
    }
    SUBCASE("DPoP app with dpop: auto: DPoP used") {
        const AppSpec app{TestKeyKind::kEcP256, true, true};
        Sim sim(20, app);
        Host host(app);
        const ProcessResult r = host.test(host.write_manifest(sim.url()));
        CHECK(r.exited_with(0));
        const json report = json::parse(r.out);
        CHECK(check_named(report, "dpop")->at("status") == "ok");
        CHECK(text_of(report, "dpop", "detail").find("DPoP-bound") != std::string::npos);
        CHECK(check_named(report, "devices_read")->at("status") == "ok");
    }
    SUBCASE("bad client key: invalid_client with its remedy") {
        AppSpec app;
        app.registered_key = 1;  // Okta knows another key than the manifest's
        Sim sim(20, app);
        Host host(app);
        const ProcessResult r = host.test(host.write_manifest(sim.url()));
        CHECK(r.exited_with(1));
        const json report = json::parse(r.out);
        CHECK(check_named(report, "token_endpoint")->at("status") == "ok");
        CHECK(check_named(report, "client_auth")->at("status") == "fail");
        CHECK(text_of(report, "client_auth", "detail").find("invalid_client") != std::string::npos);
        CHECK(text_of(report, "client_auth", "remedy").find("public key") != std::string::npos);
        CHECK(text_of(report, "client_auth", "remedy").find("oauth.key_id") != std::string::npos);
        CHECK_FALSE(check_named(report, "devices_read"));
    }
    SUBCASE("scope not granted at all: consent_required, the scope named") {
        AppSpec app;
        app.granted = {"okta.deviceAssurance.read"};
        Sim sim(20, app);
        Host host(app);
        const ProcessResult r = host.test(host.write_manifest(sim.url()));
        CHECK(r.exited_with(1));
        const json report = json::parse(r.out);
        CHECK(check_named(report, "client_auth")->at("status") == "ok");
        CHECK(check_named(report, "scopes")->at("status") == "fail");
        CHECK(text_of(report, "scopes", "detail").find("okta.devices.read") != std::string::npos);
        CHECK(text_of(report, "scopes", "remedy").find("Okta API Scopes") != std::string::npos);
    }
    SUBCASE("scope missing from the token: the 403 challenge names it") {
        AppSpec app;
        app.granted = {"okta.deviceAssurance.read"};
        Sim sim(20, app);
        Host host(app);
        const ProcessResult r = host.test(host.write_manifest(
            sim.url(), "    scopes: [okta.devices.read, okta.deviceAssurance.read]\n"));
        CHECK(r.exited_with(1));
        const json report = json::parse(r.out);
        CHECK(check_named(report, "scopes")->at("status") == "fail");
        CHECK(check_named(report, "devices_read")->at("status") == "fail");
        CHECK(text_of(report, "devices_read", "detail").find("insufficient_scope") !=
              std::string::npos);
        CHECK(text_of(report, "devices_read", "remedy").find("scope okta.devices.read") !=
              std::string::npos);
    }
    SUBCASE("DPoP required by the app, dpop: never") {
        const AppSpec app{TestKeyKind::kRsa2048, false, true};
        Sim sim(20, app);
        Host host(app);
        const ProcessResult r = host.test(host.write_manifest(sim.url(), "    dpop: never\n"));
        CHECK(r.exited_with(1));
        const json report = json::parse(r.out);
        CHECK(check_named(report, "dpop")->at("status") == "fail");
        CHECK(text_of(report, "dpop", "detail").find("invalid_dpop_proof") != std::string::npos);
        CHECK(text_of(report, "dpop", "remedy").find("oauth.dpop to auto or always") !=
              std::string::npos);
    }
    SUBCASE("admin role that cannot read devices: 403 E0000006") {
        const AppSpec app;
        Sim sim(20, app);
        sim.config({{"forbidden", true}});
        Host host(app);
        const ProcessResult r = host.test(host.write_manifest(sim.url()));
        CHECK(r.exited_with(1));
        const json report = json::parse(r.out);
        CHECK(text_of(report, "devices_read", "remedy").find("Admin roles") != std::string::npos);
    }
}

TEST_CASE("a sync without a usable token fails at once with the fix; no token leaves the org") {
    AppSpec app;
    app.registered_key = 1;
    Sim sim(50, app);
    Host host(app);
    const ProcessResult r = host.fetch(host.write_manifest(sim.url()));
    CHECK(r.exited_with(1));
    CHECK(r.err.find("invalid_client") != std::string::npos);
    CHECK(r.err.find("oauth.client_id") != std::string::npos);
    CHECK(sim.oauth_stats().at("token_requests") == 1);  // not retried: a human must act

    // Missing scope: never granted (the token endpoint refuses), or left out of the token (the
    // API's 403 challenge names it): either way the sync fails with the scope and where to grant
    // it.
    AppSpec no_scope;
    no_scope.granted = {"okta.deviceAssurance.read"};
    for (const std::string& scopes :
         {std::string(),
          std::string("    scopes: [okta.devices.read, okta.deviceAssurance.read]\n")}) {
        CAPTURE(scopes);
        Sim scopeless(20, no_scope);
        Host scope_host(no_scope);
        const ProcessResult denied =
            scope_host.fetch(scope_host.write_manifest(scopeless.url(), scopes));
        CHECK(denied.exited_with(1));
        CHECK(denied.err.find("okta.devices.read") != std::string::npos);
        CHECK(denied.err.find("Okta API Scopes") != std::string::npos);
        CHECK(denied.out.empty());
    }

    const AppSpec good;
    Sim other(300, good);
    Host host2(good);
    other.faults({{{"kind", "off_origin_next"}, {"variant", "port"}}});
    const ProcessResult off =
        host2.fetch(host2.write_manifest(other.url(), "", "  page_size: 100\n"));
    CHECK(off.exited_with(1));
    CHECK(other.stats().at("decoy_requests") == 0);
}

TEST_CASE("config errors: validate names the sign-in rule; configure checks the key file") {
    const AppSpec app;
    Host host(app);
    host.set_secret_env("OKTA_TOKEN", "tok-SECRET-1");
    host.manifest("both.yaml",
                  "name: both\nplugin: okta_device\nconfig:\n  base_url: https://acme.okta.com\n"
                  "  api_token: ${env:OKTA_TOKEN}\n  oauth:\n    client_id: x\n"
                  "    private_key: ${env:OKTA_TOKEN}\ndestination:\n  type: stdout\n");
    host.manifest("neither.yaml",
                  "name: neither\nplugin: okta_device\nconfig:\n  base_url: https://acme.okta.com\n"
                  "destination:\n  type: stdout\n");
    ProcessResult r = host.run({"validate"});
    CHECK(r.exited_with(2));
    CHECK(r.err.find("manifests/both.yaml: config: set exactly one of api_token (an Okta API "
                     "token) or oauth") != std::string::npos);
    CHECK(r.err.find("manifests/neither.yaml: config: set exactly one of api_token") !=
          std::string::npos);
    CHECK(r.err.find("required key missing") == std::string::npos);

    host.write("secrets/public.pem", test_key(TestKeyKind::kEcP256).public_pem);
    host.manifest("public.yaml",
                  "name: public\nplugin: okta_device\nconfig:\n"
                  "  base_url: https://acme.okta.com\n  oauth:\n"
                  "    client_id: x\n    private_key: ${file:" +
                      (host.root() / "secrets/public.pem").string() +
                      "}\ndestination:\n  type: stdout\n");
    r = host.run({"test", "public"});
    CHECK(r.exited_with(2));
    CHECK(r.err.find("config.oauth.private_key is a public key") != std::string::npos);
}

TEST_CASE("the shipped manifests/okta-devices-oauth.yaml validates, its key path swapped") {
    std::ifstream in(std::string(ASSET_HOST_SOURCE_DIR) + "/manifests/okta-devices-oauth.yaml");
    std::string yaml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string shipped_path = "/etc/asset-host/okta-app.pem";
    const std::size_t at = yaml.find(shipped_path);
    REQUIRE(at != std::string::npos);
    const AppSpec app{TestKeyKind::kEcP256};
    Host host(app);
    host.set_secret_env("SEKOIA_API_KEY", "sekoia-SECRET-key");
    yaml.replace(at, shipped_path.size(), (host.root() / "secrets/okta-app.key").string());
    host.manifest("okta-devices-oauth.yaml", yaml);
    const ProcessResult r = host.run({"validate"});
    host.check_no_secrets(r);
    CHECK_MESSAGE(r.exited_with(0), r.err);
    CHECK(r.out.find("ok (connector okta-devices-oauth, plugin okta_device") != std::string::npos);
}

TEST_CASE("the README's own-key recipe prints the public JWK of the key it generates") {
    std::ifstream in(std::string(ASSET_HOST_SOURCE_DIR) + "/plugins/okta_device/README.md");
    const std::string readme((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
    const std::size_t intro = readme.find("Your own key instead of an Okta-generated one");
    REQUIRE(intro != std::string::npos);
    const std::size_t start = readme.find("```sh\n", intro);
    const std::size_t end = readme.find("```\n", start + 6);
    REQUIRE(start != std::string::npos);
    REQUIRE(end != std::string::npos);
    const std::string script = readme.substr(start + 6, end - start - 6);

    testsupport::TempDir dir;
    testsupport::ProcessOptions options;
    options.cwd = dir.path().string();
    const ProcessResult r = testsupport::run_process(
        {"/bin/bash", "-euo", "pipefail", "-c", script}, options, std::chrono::seconds(30));
    REQUIRE_MESSAGE(r.exited_with(0), r.err);
    const json printed = json::parse(r.out);
    std::ifstream pem_in(dir.path() / "okta-app.pem");
    const std::string pem((std::istreambuf_iterator<char>(pem_in)),
                          std::istreambuf_iterator<char>());
    auto key = asset_sdk::oauth::SigningKey::load_private(pem);
    REQUIRE(key.is_ok());
    const json expected = json::parse(key->public_jwk());
    CHECK(printed["kty"] == "EC");
    CHECK(printed["crv"] == "P-256");
    CHECK(printed["x"] == expected["x"]);
    CHECK(printed["y"] == expected["y"]);
    CHECK(printed["kid"] == "asset-host-1");
    // What Okta would do with it: the simulator takes the JWK, the connector signs with the PEM.
    auto pub = asset_sdk::oauth::SigningKey::load_public(printed.dump());
    REQUIRE(pub.is_ok());
    CHECK(pub->thumbprint() == key->thumbprint());
}
