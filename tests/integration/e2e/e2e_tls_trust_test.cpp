// ca_file adds a CA to the system store, for the Okta plugin and the Sekoia destination alike
// (both use the sdk's HTTP client): okta-sim serves a certificate of a CA in the "system store"
// (located through SSL_CERT_FILE, since a test cannot touch /etc/ssl), sekoia-sim one of the
// extra CA given as ca_file to both. Both connections are trusted in the same run.
#include "e2e_fixture.h"

#include <temp_dir.h>
#include <tls_test_certs.h>

using namespace e2e;

namespace {

testsupport::CertSpec named(const std::string& common_name) {
    testsupport::CertSpec spec;
    spec.common_name = common_name;
    return spec;
}

}  // namespace

TEST_CASE("ca_file is trusted together with the system store by the plugin and the destination") {
    testsupport::TempDir certs;
    const auto system_ca =
        testsupport::write_self_signed_cert(certs.path(), "system", named("system-store-ca"));
    const auto extra_ca =
        testsupport::write_self_signed_cert(certs.path(), "extra", named("extra-ca"));
    const auto empty_dir = certs.path() / "empty";
    std::filesystem::create_directory(empty_dir);

    OktaSim okta(40, {"--tls-cert", system_ca.cert.string(), "--tls-key", system_ca.key.string()});
    SekoiaSim sekoia({"--tls-cert", extra_ca.cert.string(), "--tls-key", extra_ca.key.string()});
    REQUIRE(okta.url().rfind("https://", 0) == 0);
    REQUIRE(sekoia.url().rfind("https://", 0) == 0);
    Host host;
    Connector c = connector_for(okta, sekoia);
    c.insecure_sekoia = false;
    c.okta_ca_file = extra_ca.cert.string();  // extra CA for Okta too: the system one must stay
    c.ca_file = extra_ca.cert.string();
    host.write_manifest(c);
    host.set_env("SSL_CERT_DIR", empty_dir.string());

    SUBCASE("the system store holds the Okta server's CA: both trusted") {
        host.set_env("SSL_CERT_FILE", system_ca.cert.string());
        const auto test = host.run({"test", "okta-devices", "--json"});
        CHECK_MESSAGE(test.exited_with(0), test.out << test.err);
        const json report = json::parse(test.out);
        CHECK(check_named(report, "reachability")->at("status") == "ok");
        CHECK(check_named(report, "destination.reachability")->at("status") == "ok");

        const auto run = host.run({"run", "--once"});
        REQUIRE_MESSAGE(run.exited_with(0), run.err);
        CHECK(sekoia.uids() == OktaSim::valid_ids(okta.devices()));
    }
    SUBCASE("without it, ca_file alone does not make the Okta server trusted") {
        host.set_env("SSL_CERT_FILE", (certs.path() / "no-such-bundle.pem").string());
        const auto run = host.run({"run", "--once"});
        CHECK(run.exited_with(1));
        CHECK(contains(run.err, "not trusted"));
        CHECK(sekoia.stats()["items_received"] == 0);
    }
}
