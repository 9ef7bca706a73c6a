// okta-sim contract, OAuth service apps: POST /oauth2/v1/token with private_key_jwt client
// assertions (RS256, ES256, JWK and PEM registration, kid), scopes, DPoP with nonces, token
// expiry and revocation, and /api/v1/* answering Bearer and DPoP tokens as Okta does.
#include <asset_sdk/oauth/base64url.h>
#include <asset_sdk/oauth/jwt.h>
#include <asset_sdk/url.h>

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "okta_sim_client.h"
#include "test_keys.h"

using namespace oktasimtest;
using asset_sdk::oauth::SigningKey;
using testsupport::OktaSim;
using testsupport::test_key;
using testsupport::TestKeyKind;

namespace {

constexpr char kJwtBearer[] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

asset_sdk::SystemTime now() {
    return std::chrono::system_clock::now();
}

int64_t now_s() {
    return std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
}

SigningKey private_key(TestKeyKind kind, int index = 0) {
    auto key = SigningKey::load_private(test_key(kind, index).private_pem);
    REQUIRE(key.is_ok());
    return std::move(key).value();
}

// A service app as the tests drive it: its key, and helpers for the two JWTs it signs.
struct App {
    App(OktaSim& s, std::string id, SigningKey k, std::string key_id = "",
        SigningKey proof_key = private_key(TestKeyKind::kEcP256, 1))
        : sim(s),
          client_id(std::move(id)),
          key(std::move(k)),
          kid(std::move(key_id)),
          dpop_key(std::move(proof_key)) {}

    OktaSim& sim;
    std::string client_id;
    SigningKey key;
    std::string kid;
    SigningKey dpop_key;

    std::string token_url() const { return sim.url() + "/oauth2/v1/token"; }

    std::string assertion(const std::string& aud = "",
                          std::chrono::seconds lifetime = std::chrono::seconds(300),
                          const std::string& jti = asset_sdk::oauth::new_jti()) const {
        asset_sdk::oauth::ClientAssertionClaims claims;
        claims.client_id = client_id;
        claims.audience = aud.empty() ? token_url() : aud;
        claims.key_id = kid;
        claims.lifetime = lifetime;
        auto jwt = asset_sdk::oauth::make_client_assertion(key, claims, now(), jti);
        REQUIRE(jwt.is_ok());
        return *jwt;
    }

    std::string proof(const std::string& method, const std::string& url,
                      const std::string& token = "", const std::string& nonce = "") const {
        auto jwt = asset_sdk::oauth::make_dpop_proof(dpop_key, {method, url, token, nonce}, now(),
                                                     asset_sdk::oauth::new_jti());
        REQUIRE(jwt.is_ok());
        return *jwt;
    }

    Reply token_request(const std::string& assertion_jwt,
                        const std::string& scope = "okta.devices.read",
                        const std::string& dpop = "") const {
        std::vector<std::string> headers = {"Content-Type: application/x-www-form-urlencoded",
                                            "Accept: application/json"};
        if (!dpop.empty()) headers.push_back("DPoP: " + dpop);
        const std::string body =
            "grant_type=client_credentials&scope=" + asset_sdk::percent_encode(scope) +
            "&client_assertion_type=" + asset_sdk::percent_encode(kJwtBearer) +
            "&client_assertion=" + assertion_jwt;
        return request("POST", token_url(), headers, body);
    }

    Reply devices(const std::string& scheme, const std::string& token, const std::string& dpop = "",
                  const std::string& path = "/api/v1/devices?limit=2") const {
        std::vector<std::string> headers = {"Authorization: " + scheme + " " + token};
        if (!dpop.empty()) headers.push_back("DPoP: " + dpop);
        return request("GET", sim.url() + path, headers);
    }
};

void register_client(const OktaSim& sim, const std::string& id, const nlohmann::json& key,
                     const std::vector<std::string>& scopes, bool dpop_required = false,
                     const std::string& kid = "") {
    sim.oauth_client({{"client_id", id},
                      {"public_key", key},
                      {"kid", kid},
                      {"scopes", scopes},
                      {"dpop_required", dpop_required}});
}

void check_oauth_error(const Reply& r, int status, const std::string& error,
                       const std::string& description_part = "") {
    REQUIRE(r.transport_ok);
    CHECK(r.status == status);
    const json body = r.json_body();
    CHECK(body.at("error") == error);
    CHECK(body.at("error_description").get<std::string>().find(description_part) !=
          std::string::npos);
}

std::string access_token(const Reply& r) {
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return r.json_body().at("access_token").get<std::string>();
}

}  // namespace

TEST_CASE("client credentials with RS256 and ES256 assertions: a Bearer token that reads devices") {
    OktaSim sim({"--devices", "5"});
    for (TestKeyKind kind : {TestKeyKind::kRsa2048, TestKeyKind::kEcP256}) {
        const std::string id = std::string("0oa-") + test_key(kind).alg;
        register_client(sim, id, test_key(kind).public_pem, {"okta.devices.read"});
        App app{sim, id, private_key(kind)};
        const Reply r = app.token_request(app.assertion());
        REQUIRE_MESSAGE(r.status == 200, r.body);
        const json body = r.json_body();
        CHECK(body.at("token_type") == "Bearer");
        CHECK(body.at("expires_in") == 3600);
        CHECK(body.at("scope") == "okta.devices.read");
        CHECK(r.header("Cache-Control").find("no-store") != std::string::npos);
        const Reply devices = app.devices("Bearer", body.at("access_token"));
        CHECK(devices.status == 200);
        CHECK(devices.json_body().size() == 2);
    }
    const json stats = sim.stats().at("oauth");
    CHECK(stats.at("tokens_issued") == 2);
    CHECK(stats.at("assertion_algs") == json{{"ES256", 1}, {"RS256", 1}});
    CHECK(stats.at("resource_bearer_requests") == 2);
    // SSWS keeps working next to OAuth.
    CHECK(get(sim.port(), "/api/v1/devices").status == 200);
}

TEST_CASE("keys registered as JWK with kids; the assertion's kid picks the key") {
    OktaSim sim({"--devices", "3"});
    nlohmann::json k1 = test_key(TestKeyKind::kEcP256).public_jwk;
    k1["kid"] = "k1";
    sim.oauth_client(
        {{"client_id", "0oa-jwk"},
         {"keys",
          {{{"key", k1}}, {{"key", test_key(TestKeyKind::kRsa2048).public_pem}, {"kid", "k2"}}}},
         {"scopes", {"okta.devices.read"}}});
    const json listed = sim.process().get_json("/_sim/oauth/clients").at("clients").at(0);
    CHECK(listed.at("keys").at(0).at("kid") == "k1");
    CHECK(listed.at("keys").at(1).at("kty") == "RSA");
    CHECK(
        listed.dump().find(test_key(TestKeyKind::kEcP256).public_jwk.at("x").get<std::string>()) ==
        std::string::npos);  // thumbprints only, never key material

    App rsa{sim, "0oa-jwk", private_key(TestKeyKind::kRsa2048), "k2"};
    CHECK(rsa.token_request(rsa.assertion()).status == 200);
    App no_kid{sim, "0oa-jwk", private_key(TestKeyKind::kEcP256)};
    CHECK(no_kid.token_request(no_kid.assertion()).status == 200);
    App wrong_kid{sim, "0oa-jwk", private_key(TestKeyKind::kEcP256), "k2"};
    check_oauth_error(wrong_kid.token_request(wrong_kid.assertion()), 401, "invalid_client",
                      "signature is invalid");
    App unknown_kid{sim, "0oa-jwk", private_key(TestKeyKind::kEcP256), "k9"};
    check_oauth_error(unknown_kid.token_request(unknown_kid.assertion()), 401, "invalid_client",
                      "'kid'");
}

TEST_CASE("client authentication failures are invalid_client with Okta's words") {
    OktaSim sim({"--devices", "3"});
    register_client(sim, "0oa-app", test_key(TestKeyKind::kRsa2048).public_pem,
                    {"okta.devices.read"});
    App app{sim, "0oa-app", private_key(TestKeyKind::kRsa2048)};
    App stranger{sim, "0oa-unknown", private_key(TestKeyKind::kRsa2048)};
    App wrong_key{sim, "0oa-app", private_key(TestKeyKind::kRsa2048, 1)};

    check_oauth_error(stranger.token_request(stranger.assertion()), 401, "invalid_client",
                      "Invalid value for 'client_id' parameter.");
    check_oauth_error(wrong_key.token_request(wrong_key.assertion()), 401, "invalid_client",
                      "The client_assertion signature is invalid.");
    check_oauth_error(app.token_request(app.assertion(sim.url() + "/oauth2/default/v1/token")), 401,
                      "invalid_client", "audience");
    check_oauth_error(app.token_request(app.assertion("", std::chrono::seconds(7200))), 401,
                      "invalid_client", "too far into the future");
    // Expired: signed by hand with an exp in the past.
    const std::string expired = *asset_sdk::oauth::sign_compact_jws(
        app.key, R"({"alg":"RS256"})",
        json{{"iss", "0oa-app"}, {"sub", "0oa-app"}, {"aud", app.token_url()}, {"exp", now_s() - 5}}
            .dump());
    check_oauth_error(app.token_request(expired), 401, "invalid_client", "expired");
    const std::string once = app.assertion("", std::chrono::seconds(300), "jti-once");
    CHECK(app.token_request(once).status == 200);
    check_oauth_error(app.token_request(once), 401, "invalid_client", "already been used");
    check_oauth_error(app.token_request("not.a.jwt"), 401, "invalid_client", "malformed");

    Reply r = request("POST", app.token_url(), {"Content-Type: application/x-www-form-urlencoded"},
                      "grant_type=password&scope=okta.devices.read");
    check_oauth_error(r, 400, "unsupported_grant_type");
    r = request("POST", app.token_url(), {"Content-Type: application/json"}, "{}");
    check_oauth_error(r, 400, "invalid_request");
    r = request("POST", app.token_url(), {"Content-Type: application/x-www-form-urlencoded"},
                "grant_type=client_credentials&client_assertion=" + app.assertion());
    check_oauth_error(r, 401, "invalid_client", "client_assertion_type");
    CHECK(request("GET", app.token_url(), {}).status == 405);
    CHECK(sim.stats().at("oauth").at("token_errors").at("invalid_client") == 8);
}

TEST_CASE(
    "scopes: unknown, not granted, partly granted; insufficient_scope is a 403 without body") {
    OktaSim sim({"--devices", "3"});
    register_client(sim, "0oa-app", test_key(TestKeyKind::kEcP256).public_pem,
                    {"okta.deviceAssurance.read", "okta.users.manage"});
    App app{sim, "0oa-app", private_key(TestKeyKind::kEcP256)};
    check_oauth_error(app.token_request(app.assertion(), "devices.read"), 400, "invalid_scope",
                      "not configured");
    check_oauth_error(app.token_request(app.assertion(), ""), 400, "invalid_scope",
                      "'scope' must be provided");
    check_oauth_error(app.token_request(app.assertion(), "okta.devices.read"), 400,
                      "consent_required", "You are not allowed any of the requested scopes.");

    const Reply partial =
        app.token_request(app.assertion(), "okta.devices.read okta.deviceAssurance.read");
    REQUIRE(partial.status == 200);
    CHECK(partial.json_body().at("scope") == "okta.deviceAssurance.read");
    const std::string token = access_token(partial);

    const Reply denied = app.devices("Bearer", token);
    CHECK(denied.status == 403);
    CHECK(denied.body.empty());
    const std::string challenge = denied.header("WWW-Authenticate");
    CHECK(challenge.rfind("Bearer ", 0) == 0);
    CHECK(challenge.find("error=\"insufficient_scope\"") != std::string::npos);
    CHECK(challenge.find("scope=\"okta.devices.read\"") != std::string::npos);
    CHECK(challenge.find("resource=\"/api/v1/devices\"") != std::string::npos);
    CHECK(challenge.find("realm=\"" + sim.url() + "\"") != std::string::npos);
    CHECK(app.devices("Bearer", token, "", "/api/v1/device-assurances").status == 200);

    // A manage scope also reads.
    register_client(sim, "0oa-manage", test_key(TestKeyKind::kRsa2048).public_pem,
                    {"okta.devices.manage"});
    App manage{sim, "0oa-manage", private_key(TestKeyKind::kRsa2048)};
    CHECK(manage
              .devices("Bearer", access_token(manage.token_request(manage.assertion(),
                                                                   "okta.devices.manage")))
              .status == 200);
}

TEST_CASE("DPoP at the token endpoint: required per app, the nonce dance, nonce rotation") {
    OktaSim sim({"--devices", "3"});
    register_client(sim, "0oa-dpop", test_key(TestKeyKind::kRsa2048).public_pem,
                    {"okta.devices.read"}, true);
    App app{sim, "0oa-dpop", private_key(TestKeyKind::kRsa2048)};

    check_oauth_error(app.token_request(app.assertion()), 400, "invalid_dpop_proof",
                      "The DPoP proof JWT header is missing.");
    Reply r =
        app.token_request(app.assertion(), "okta.devices.read", app.proof("POST", app.token_url()));
    check_oauth_error(r, 400, "use_dpop_nonce",
                      "Authorization server requires nonce in DPoP proof.");
    const std::string nonce = r.header("DPoP-Nonce");
    REQUIRE_FALSE(nonce.empty());
    r = app.token_request(app.assertion(), "okta.devices.read",
                          app.proof("POST", app.token_url(), "", nonce));
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(r.json_body().at("token_type") == "DPoP");

    // Bad proofs: wrong htm, wrong htu, a replayed proof.
    check_oauth_error(app.token_request(app.assertion(), "okta.devices.read",
                                        app.proof("GET", app.token_url(), "", nonce)),
                      400, "invalid_dpop_proof", "'htm'");
    check_oauth_error(
        app.token_request(app.assertion(), "okta.devices.read",
                          app.proof("POST", sim.url() + "/oauth2/v1/tokens", "", nonce)),
        400, "invalid_dpop_proof", "'htu'");
    const std::string proof = app.proof("POST", app.token_url(), "", nonce);
    CHECK(app.token_request(app.assertion(), "okta.devices.read", proof).status == 200);
    check_oauth_error(app.token_request(app.assertion(), "okta.devices.read", proof), 400,
                      "invalid_dpop_proof", "'jti'");

    sim.rotate_oauth_nonces();
    r = app.token_request(app.assertion(), "okta.devices.read",
                          app.proof("POST", app.token_url(), "", nonce));
    check_oauth_error(r, 400, "use_dpop_nonce");
    CHECK(r.header("DPoP-Nonce") != nonce);

    sim.config({{"oauth_token_nonce", false}});
    CHECK(
        app.token_request(app.assertion(), "okta.devices.read", app.proof("POST", app.token_url()))
            .status == 200);

    // A proof on an app that does not require DPoP still binds the token (RFC 9449).
    register_client(sim, "0oa-plain", test_key(TestKeyKind::kEcP256).public_pem,
                    {"okta.devices.read"});
    App plain{sim, "0oa-plain", private_key(TestKeyKind::kEcP256)};
    r = plain.token_request(plain.assertion(), "okta.devices.read",
                            plain.proof("POST", plain.token_url()));
    CHECK(r.json_body().at("token_type") == "DPoP");
}

TEST_CASE("DPoP at /api/v1/*: proof with ath bound to the token's key; Okta-shaped rejections") {
    OktaSim sim({"--devices", "3"});
    sim.config({{"oauth_token_nonce", false}});
    register_client(sim, "0oa-dpop", test_key(TestKeyKind::kEcP256).public_pem,
                    {"okta.devices.read"}, true);
    App app{sim, "0oa-dpop", private_key(TestKeyKind::kEcP256)};
    const std::string token = access_token(app.token_request(app.assertion(), "okta.devices.read",
                                                             app.proof("POST", app.token_url())));
    const std::string url = sim.url() + "/api/v1/devices?limit=2";

    CHECK(app.devices("DPoP", token, app.proof("GET", url, token)).status == 200);

    auto check_proof_error = [&](const Reply& r, const std::string& what) {
        CHECK(r.status == 400);
        CHECK(r.body.empty());
        const std::string challenge = r.header("WWW-Authenticate");
        CHECK(challenge.rfind("DPoP algs=", 0) == 0);
        CHECK(challenge.find("error=\"invalid_dpop_proof\"") != std::string::npos);
        CHECK_MESSAGE(challenge.find(what) != std::string::npos, challenge);
    };
    check_proof_error(app.devices("DPoP", token), "header is missing");
    check_proof_error(app.devices("DPoP", token, app.proof("GET", url, "other-token")), "'ath'");
    check_proof_error(
        app.devices("DPoP", token, app.proof("GET", sim.url() + "/api/v1/users", token)), "'htu'");
    App other_key{sim, "0oa-dpop", private_key(TestKeyKind::kEcP256), "",
                  private_key(TestKeyKind::kRsa2048, 1)};
    check_proof_error(app.devices("DPoP", token, other_key.proof("GET", url, token)), "bound to");
    const std::string proof = app.proof("GET", url, token);
    CHECK(app.devices("DPoP", token, proof).status == 200);
    check_proof_error(app.devices("DPoP", token, proof), "'jti'");
    check_proof_error(app.devices("Bearer", token), "header is missing");

    // The resource server's own nonce, when configured.
    sim.config({{"oauth_resource_nonce", true}});
    const Reply ask = app.devices("DPoP", token, app.proof("GET", url, token));
    CHECK(ask.status == 401);
    CHECK(ask.header("WWW-Authenticate").find("error=\"use_dpop_nonce\"") != std::string::npos);
    const std::string nonce = ask.header("DPoP-Nonce");
    REQUIRE_FALSE(nonce.empty());
    CHECK(app.devices("DPoP", token, app.proof("GET", url, token, nonce)).status == 200);
    const json stats = sim.stats().at("oauth");
    CHECK(stats.at("resource_errors").at("use_dpop_nonce") == 1);
    CHECK(stats.at("proof_algs").at("ES256") == 1);  // token endpoint proofs
}

TEST_CASE("tokens expire and can be revoked: 401 invalid_token with Okta's E0000011 body") {
    OktaSim sim({"--devices", "3", "--verbose"});
    sim.config({{"oauth_token_lifetime_s", 1}});
    register_client(sim, "0oa-app", test_key(TestKeyKind::kRsa2048).public_pem,
                    {"okta.devices.read"});
    App app{sim, "0oa-app", private_key(TestKeyKind::kRsa2048)};
    const Reply issued = app.token_request(app.assertion());
    CHECK(issued.json_body().at("expires_in") == 1);
    const std::string token = access_token(issued);
    CHECK(app.devices("Bearer", token).status == 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    const Reply expired = app.devices("Bearer", token);
    CHECK(expired.status == 401);
    CHECK(expired.json_body().at("errorCode") == "E0000011");
    CHECK(expired.header("WWW-Authenticate").find("error=\"invalid_token\"") != std::string::npos);

    sim.config({{"oauth_token_lifetime_s", 3600}});
    const std::string fresh = access_token(app.token_request(app.assertion()));
    CHECK(app.devices("Bearer", fresh).status == 200);
    sim.revoke_oauth_tokens();
    CHECK(app.devices("Bearer", fresh).status == 401);
    CHECK(app.devices("DPoP", fresh).status == 401);

    // Neither the stats nor the request log carry a token or an assertion.
    const std::string stats = sim.stats().dump();
    CHECK(stats.find(fresh) == std::string::npos);
    CHECK(stats.find("eyJ") == std::string::npos);
    const auto out = sim.stop();
    CHECK(out.err.find(fresh) == std::string::npos);
    CHECK(out.err.find("eyJ") == std::string::npos);
    CHECK(out.err.find("/oauth2/v1/token") != std::string::npos);
}

TEST_CASE("the control API refuses bad client registrations") {
    OktaSim sim({"--devices", "3"});
    CHECK(sim.process().post("/_sim/oauth/clients", R"({"public_key":"x"})").status == 400);
    const auto bad_key =
        sim.process().post("/_sim/oauth/clients", R"({"client_id":"a","public_key":"nope"})");
    CHECK(bad_key.status == 400);
    CHECK(bad_key.body.find("neither a PEM key") != std::string::npos);
    CHECK(sim.process()
              .post("/_sim/oauth/clients",
                    json{{"client_id", "a"},
                         {"public_key", test_key(TestKeyKind::kEcP256).public_pem},
                         {"scopes", "okta.devices.read"}}
                        .dump())
              .status == 400);
    CHECK(sim.process().post("/_sim/config", R"({"oauth_token_lifetime_s":0})").status == 400);
    CHECK(sim.process().get_json("/_sim/config").at("oauth_token_nonce") == true);
    CHECK(sim.process().post("/_sim/oauth/nope").status == 404);
}
