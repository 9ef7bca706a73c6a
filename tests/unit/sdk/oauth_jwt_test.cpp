// Client assertions and DPoP proofs, every claim checked after an independent signature check;
// base64url against an independent codec; token responses, error bodies and scrubbing.
#include <asset_sdk/oauth/base64url.h>
#include <asset_sdk/oauth/jwt.h>
#include <asset_sdk/oauth/token_response.h>

#include <doctest/doctest.h>

#include <random>
#include <set>

#include "test_keys.h"

using namespace asset_sdk::oauth;
using testsupport::test_key;
using testsupport::TestKeyKind;
using json = nlohmann::json;

namespace {

const asset_sdk::SystemTime kNow{std::chrono::seconds(1'700'000'000)};

SigningKey load(TestKeyKind kind) {
    auto key = SigningKey::load_private(test_key(kind).private_pem);
    REQUIRE(key.is_ok());
    return std::move(key).value();
}

}  // namespace

TEST_CASE("client assertion (RFC 7523): every claim, RS256 and ES256, optional kid") {
    for (TestKeyKind kind : {TestKeyKind::kRsa2048, TestKeyKind::kEcP256}) {
        const SigningKey key = load(kind);
        ClientAssertionClaims claims;
        claims.client_id = "0oa1b2c3d4e5f6g7h8i9";
        claims.audience = "https://acme.okta.com/oauth2/v1/token";
        claims.key_id = "kid-1";
        claims.lifetime = std::chrono::minutes(5);
        auto jwt = make_client_assertion(key, claims, kNow, "jti-123");
        REQUIRE(jwt.is_ok());
        const auto v = testsupport::verify_jws(*jwt, test_key(kind).public_pem);
        CHECK(v.signature_ok);
        CHECK(v.header == json{{"alg", test_key(kind).alg}, {"typ", "JWT"}, {"kid", "kid-1"}});
        CHECK(v.payload == json{{"iss", claims.client_id},
                                {"sub", claims.client_id},
                                {"aud", claims.audience},
                                {"jti", "jti-123"},
                                {"iat", 1'700'000'000},
                                {"exp", 1'700'000'300}});

        claims.key_id.clear();
        jwt = make_client_assertion(key, claims, kNow, "jti-124");
        REQUIRE(jwt.is_ok());
        CHECK_FALSE(
            testsupport::verify_jws(*jwt, test_key(kind).public_pem).header.contains("kid"));
    }
    const SigningKey key = load(TestKeyKind::kEcP256);
    CHECK_FALSE(make_client_assertion(key, {}, kNow, "j").is_ok());
}

TEST_CASE("jti values are unique, 128-bit, base64url") {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        const std::string jti = new_jti();
        CHECK(jti.size() == 22);
        CHECK(base64url_decode(jti)->size() == 16);
        seen.insert(jti);
    }
    CHECK(seen.size() == 1000);
}

TEST_CASE("DPoP proof (RFC 9449): header jwk is the public key; htm, htu, iat, jti, nonce, ath") {
    for (TestKeyKind kind : {TestKeyKind::kEcP256, TestKeyKind::kRsa2048}) {
        const SigningKey key = load(kind);
        auto proof =
            make_dpop_proof(key,
                            {"GET", "https://acme.okta.com/api/v1/devices?limit=200&after=abc#frag",
                             "tok-1", "n-1"},
                            kNow, "jti-9");
        REQUIRE(proof.is_ok());
        const auto v = testsupport::verify_jws(*proof, test_key(kind).public_pem);
        CHECK(v.signature_ok);
        CHECK(v.header["typ"] == "dpop+jwt");
        CHECK(v.header["alg"] == test_key(kind).alg);
        CHECK(v.header["jwk"] == test_key(kind).public_jwk);
        CHECK_FALSE(v.header["jwk"].contains("d"));
        CHECK(v.payload == json{{"jti", "jti-9"},
                                {"htm", "GET"},
                                {"htu", "https://acme.okta.com/api/v1/devices"},
                                {"iat", 1'700'000'000},
                                {"nonce", "n-1"},
                                {"ath", testsupport::b64url(testsupport::sha256("tok-1"))}});

        // Token endpoint proof: no ath, no nonce until the server asks for one.
        proof = make_dpop_proof(key, {"POST", "https://acme.okta.com/oauth2/v1/token", {}, {}},
                                kNow, "jti-10");
        REQUIRE(proof.is_ok());
        const auto t = testsupport::verify_jws(*proof, test_key(kind).public_pem);
        CHECK(t.signature_ok);
        CHECK_FALSE(t.payload.contains("ath"));
        CHECK_FALSE(t.payload.contains("nonce"));
        CHECK(t.payload["htm"] == "POST");
    }
    CHECK(dpop_htu("https://x.test/a/b") == "https://x.test/a/b");
    CHECK(dpop_htu("https://x.test/a?b#c") == "https://x.test/a");
    CHECK(dpop_htu("https://x.test/a#c?d") == "https://x.test/a");
    // RFC 9449 §7.1's example: the hash of "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU".
    CHECK(access_token_hash("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU") ==
          "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo");
}

TEST_CASE("base64url: round trips against an independent codec; strict decoding") {
    std::mt19937 rng(7);
    for (int len = 0; len < 70; ++len) {
        std::string bytes;
        for (int i = 0; i < len; ++i) bytes.push_back(static_cast<char>(rng() % 256));
        const std::string encoded = base64url_encode(bytes);
        CHECK(encoded == testsupport::b64url(bytes));
        CHECK(base64url_decode(encoded) == bytes);
    }
    CHECK(base64url_encode("\xfb\xff") == "-_8");
    CHECK_FALSE(base64url_decode("ab+c"));
    CHECK_FALSE(base64url_decode("ab/c"));
    CHECK_FALSE(base64url_decode("YQ=="));
    CHECK_FALSE(base64url_decode("Y Q"));
    CHECK_FALSE(base64url_decode("YWJjZ"));  // length % 4 == 1
    CHECK(base64url_decode("") == std::string());
}

TEST_CASE("token responses: Bearer and DPoP, lifetime, scopes; errors name the member") {
    auto t = parse_token_response(
        R"({"token_type":"Bearer","expires_in":3600,"access_token":"abc","scope":"a  b"})");
    REQUIRE(t.is_ok());
    CHECK(t->value == "abc");
    CHECK_FALSE(t->dpop);
    CHECK(t->expires_in == asset_sdk::Millis(3'600'000));
    CHECK(t->scopes == std::vector<std::string>{"a", "b"});

    t = parse_token_response(R"({"token_type":"dpop","access_token":"x","expires_in":"60"})");
    REQUIRE(t.is_ok());
    CHECK(t->dpop);
    CHECK(t->expires_in == asset_sdk::Millis(60'000));
    CHECK_FALSE(t->scopes.has_value());
    CHECK_FALSE(parse_token_response(R"({"token_type":"Bearer","access_token":"x",
        "expires_in":-5})")
                    ->expires_in.has_value());

    CHECK(parse_token_response("not json").status().message().find("JSON") != std::string::npos);
    CHECK(parse_token_response(R"({"token_type":"Bearer"})")
              .status()
              .message()
              .find("access_token") != std::string::npos);
    CHECK(parse_token_response(R"({"access_token":"SECRET-TOKEN"})")
              .status()
              .message()
              .find("token_type") != std::string::npos);
    const auto mac = parse_token_response(R"({"access_token":"SECRET","token_type":"mac"})");
    CHECK(mac.status().message().find("'mac'") != std::string::npos);
    CHECK(mac.status().message().find("SECRET") == std::string::npos);
}

TEST_CASE("OAuth error bodies and scrubbing of server text") {
    auto e = parse_oauth_error(
        R"({"error":"invalid_client","error_description":"The client_assertion signature is invalid."})");
    CHECK(e.error == "invalid_client");
    CHECK(e.description == "The client_assertion signature is invalid.");
    CHECK(parse_oauth_error("").error.empty());
    CHECK(parse_oauth_error("<html>502</html>").error.empty());
    CHECK(parse_oauth_error("[1,2]").description.empty());

    const std::string jwt = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIwb2ExYjJjM2Q0In0.c2lnbmF0dXJlLWJ5dGVz";
    e = parse_oauth_error(R"({"error":"invalid_request","error_description":"bad assertion )" +
                          jwt + R"( for https://dev-12345678.oktapreview.com/oauth2/v1/token"})");
    CHECK(e.description.find(jwt.substr(0, 20)) == std::string::npos);
    CHECK(e.description.find("[redacted]") != std::string::npos);
    CHECK(e.description.find("dev-12345678.oktapreview.com/oauth2/v1/token") != std::string::npos);

    CHECK(split_scopes("  okta.devices.read okta.deviceAssurance.read ") ==
          std::vector<std::string>{"okta.devices.read", "okta.deviceAssurance.read"});
}
