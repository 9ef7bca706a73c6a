// config.oauth: an OAuth 2.0 service app instead of an API token. Defaults, every key, exactly
// one sign-in method, and errors that name the key and the fix without quoting the key.
#include "config.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "test_keys.h"

using asset_sdk::oauth::DpopMode;
using nlohmann::json;
using okta_device::parse_config;
using testsupport::test_key;
using testsupport::TestKeyKind;

namespace {

json base() {
    return {{"base_url", "https://acme.okta.com"}};
}

json with_oauth(const json& oauth) {
    json c = base();
    c["oauth"] = oauth;
    return c;
}

json app(TestKeyKind kind = TestKeyKind::kRsa2048) {
    return {{"client_id", "0oa1b2c3d4e5f6g7h8i9"}, {"private_key", test_key(kind).private_pem}};
}

// The error of a config that must fail; it never quotes any line of the key.
std::string error_of(const json& config) {
    auto r = parse_config(config.dump());
    REQUIRE_FALSE(r.is_ok());
    const std::string message = r.status().message();
    for (const auto& k : {test_key(TestKeyKind::kRsa2048), test_key(TestKeyKind::kEcP256)}) {
        for (std::size_t i = 30; i + 40 < k.private_pem.size(); i += 64) {
            CHECK(message.find(k.private_pem.substr(i, 40)) == std::string::npos);
        }
    }
    return message;
}

}  // namespace

TEST_CASE("an OAuth app with only client_id and private_key: the documented defaults") {
    auto r = parse_config(with_oauth(app()).dump());
    REQUIRE_MESSAGE(r.is_ok(), r.status().message());
    REQUIRE(r->oauth);
    CHECK(r->api_token.empty());
    CHECK(r->oauth->client_id == "0oa1b2c3d4e5f6g7h8i9");
    CHECK(r->oauth->scopes == std::vector<std::string>{"okta.devices.read"});
    CHECK(r->oauth->dpop == DpopMode::kAuto);
    CHECK(r->oauth->key_id.empty());
    REQUIRE(r->oauth->private_key);
    CHECK(std::string(r->oauth->private_key->jws_alg()) == "RS256");
}

TEST_CASE("every oauth key; PEM and JWK keys, RSA and EC") {
    json o = app(TestKeyKind::kEcP256);
    o["private_key"] = test_key(TestKeyKind::kEcP256).private_jwk.dump();
    o["key_id"] = "kid-7";
    o["scopes"] = {"okta.devices.read", "okta.deviceAssurance.read", "okta.devices.read"};
    o["dpop"] = "always";
    auto r = parse_config(with_oauth(o).dump());
    REQUIRE_MESSAGE(r.is_ok(), r.status().message());
    CHECK(std::string(r->oauth->private_key->jws_alg()) == "ES256");
    CHECK(r->oauth->key_id == "kid-7");
    CHECK(r->oauth->scopes ==
          std::vector<std::string>{"okta.devices.read", "okta.deviceAssurance.read"});
    CHECK(r->oauth->dpop == DpopMode::kAlways);
    o["dpop"] = "never";
    o["scopes"] = {"okta.devices.manage"};  // manage also reads
    r = parse_config(with_oauth(o).dump());
    REQUIRE(r.is_ok());
    CHECK(r->oauth->dpop == DpopMode::kNever);
}

TEST_CASE("exactly one of api_token and oauth") {
    json both = with_oauth(app());
    both["api_token"] = "tok";
    CHECK(error_of(both).find("api_token and oauth are both set") != std::string::npos);
    const std::string neither = error_of(base());
    CHECK(neither.find("config.api_token: missing") != std::string::npos);
    CHECK(neither.find("oauth") != std::string::npos);
}

TEST_CASE("oauth errors name the key and the fix") {
    auto error_with = [](const std::string& key, const json& value) {
        json o = app();
        if (value.is_null()) {
            o.erase(key);
        } else {
            o[key] = value;
        }
        return error_of(with_oauth(o));
    };
    CHECK(error_of(with_oauth("x")).find("config.oauth: must be an object") != std::string::npos);
    CHECK(error_with("client_id", nullptr).find("config.oauth.client_id: missing") !=
          std::string::npos);
    CHECK(error_with("client_id", "0oa with space").find("Client ID") != std::string::npos);
    CHECK(error_with("private_key", nullptr).find("config.oauth.private_key: missing") !=
          std::string::npos);
    CHECK(error_with("private_key", "/etc/asset-host/app.pem").find("${file:") !=
          std::string::npos);
    CHECK(error_with("private_key", test_key(TestKeyKind::kRsa2048).public_pem)
              .find("config.oauth.private_key is a public key") != std::string::npos);
    CHECK(error_with("private_key", test_key(TestKeyKind::kRsa1024).private_pem).find("2048") !=
          std::string::npos);
    CHECK(error_with("private_key", test_key(TestKeyKind::kEcP384).private_pem).find("P-256") !=
          std::string::npos);
    CHECK(error_with("private_key", "garbage").find("neither a PEM key") != std::string::npos);
    CHECK(error_with("key_id", "a b").find("config.oauth.key_id") != std::string::npos);
    CHECK(error_with("scopes", json::array()).find("config.oauth.scopes") != std::string::npos);
    CHECK(error_with("scopes", "okta.devices.read").find("non-empty list") != std::string::npos);
    CHECK(error_with("scopes", {"okta.users.read"}).find("must include okta.devices.read") !=
          std::string::npos);
    CHECK(error_with("dpop", "sometimes").find("auto, always or never") != std::string::npos);
    json extra = app();
    extra["client_secret"] = "s";
    CHECK(error_of(with_oauth(extra)).find("unknown key 'client_secret'") != std::string::npos);
}
