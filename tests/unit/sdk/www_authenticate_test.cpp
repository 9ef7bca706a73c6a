#include <asset_sdk/www_authenticate.h>

#include <doctest/doctest.h>

#include <random>
#include <string>

using asset_sdk::AuthChallenge;
using asset_sdk::find_challenge;
using asset_sdk::parse_www_authenticate;

TEST_CASE("Okta's insufficient_scope challenge (Bearer, several parameters)") {
    const auto challenges = parse_www_authenticate(
        "Bearer authorization_uri=\"https://acme.okta.com/oauth2/v1/authorize\", "
        "realm=\"https://acme.okta.com\", scope=\"okta.devices.read\", "
        "error=\"insufficient_scope\", error_description=\"The access token provided does not "
        "contain the required scopes.\", resource=\"/api/v1/devices\"");
    REQUIRE(challenges.size() == 1);
    const AuthChallenge& c = challenges[0];
    CHECK(c.scheme == "Bearer");
    CHECK(c.is("bearer"));
    CHECK(c.token68.empty());
    REQUIRE(c.params.size() == 6);
    CHECK(*c.param("error") == "insufficient_scope");
    CHECK(*c.param("scope") == "okta.devices.read");
    CHECK(*c.param("ERROR_description") ==
          "The access token provided does not contain the required scopes.");
    CHECK(*c.param("resource") == "/api/v1/devices");
    CHECK(c.param("nonce") == nullptr);
}

TEST_CASE("DPoP challenges: use_dpop_nonce, algs with spaces, unquoted token values") {
    auto challenges = parse_www_authenticate(
        "DPoP error=\"use_dpop_nonce\", error_description=\"Resource "
        "server requires nonce in DPoP proof\"");
    REQUIRE(challenges.size() == 1);
    CHECK(challenges[0].is("DPoP"));
    CHECK(*challenges[0].param("error") == "use_dpop_nonce");

    challenges = parse_www_authenticate(
        "DPoP algs=\"RS256 RS384 RS512 ES256 ES384 ES512\", error=invalid_dpop_proof");
    REQUIRE(challenges.size() == 1);
    CHECK(*challenges[0].param("algs") == "RS256 RS384 RS512 ES256 ES384 ES512");
    CHECK(*challenges[0].param("error") == "invalid_dpop_proof");
}

TEST_CASE("several challenges in one header and across headers") {
    auto challenges = parse_www_authenticate(
        "Basic realm=\"simple\", Newauth realm=\"apps\", type=1, title=\"Login to \\\"apps\\\"\","
        " DPoP algs=\"ES256\"");
    REQUIRE(challenges.size() == 3);
    CHECK(challenges[0].scheme == "Basic");
    CHECK(*challenges[0].param("realm") == "simple");
    CHECK(challenges[1].scheme == "Newauth");
    REQUIRE(challenges[1].params.size() == 3);
    CHECK(*challenges[1].param("type") == "1");
    CHECK(*challenges[1].param("title") == "Login to \"apps\"");
    CHECK(*challenges[2].param("algs") == "ES256");

    challenges = parse_www_authenticate(
        std::vector<std::string_view>{"Bearer error=\"invalid_token\"", "DPoP error=\"x\""});
    REQUIRE(challenges.size() == 2);
    REQUIRE(find_challenge(challenges, "dpop") != nullptr);
    CHECK(*find_challenge(challenges, "dpop")->param("error") == "x");
    CHECK(find_challenge(challenges, "Basic") == nullptr);
}

TEST_CASE("schemes without parameters, token68, odd whitespace and empty list elements") {
    auto challenges = parse_www_authenticate("Negotiate, Basic abc+/Z9==  ,,  Bearer");
    REQUIRE(challenges.size() == 3);
    CHECK(challenges[0].scheme == "Negotiate");
    CHECK(challenges[0].params.empty());
    CHECK(challenges[1].token68 == "abc+/Z9==");
    CHECK(challenges[2].scheme == "Bearer");

    challenges = parse_www_authenticate("Bearer\trealm = \"x\" ,\terror= y");
    REQUIRE(challenges.size() == 1);
    CHECK(*challenges[0].param("realm") == "x");
    CHECK(*challenges[0].param("error") == "y");

    CHECK(parse_www_authenticate("").empty());
    CHECK(parse_www_authenticate(" , ,, ").empty());
}

TEST_CASE("garbage is skipped, neighbours survive") {
    // A parameter without a scheme, junk characters, an unterminated quoted string.
    auto challenges = parse_www_authenticate(
        "error=\"orphan\", @@@ , Bearer error=\"invalid_token\", ;;; , DPoP nonce=\"unterminated");
    REQUIRE(challenges.size() == 2);
    CHECK(*challenges[0].param("error") == "invalid_token");
    CHECK(challenges[1].is("DPoP"));
    CHECK(*challenges[1].param("nonce") == "unterminated");

    // Junk after a value and a parameter without '=' inside the list.
    challenges = parse_www_authenticate("Bearer a=\"1\" junk, b, c=3");
    REQUIRE(challenges.size() >= 1);
    CHECK(*challenges[0].param("a") == "1");

    // A quoted comma does not split.
    challenges = parse_www_authenticate("Bearer scope=\"a, b\", error=\"e\"");
    REQUIRE(challenges.size() == 1);
    CHECK(*challenges[0].param("scope") == "a, b");
    CHECK(*challenges[0].param("error") == "e");
}

TEST_CASE("bounded: at most 32 challenges and 32 parameters each") {
    std::string many;
    for (int i = 0; i < 100; ++i) many += "S" + std::to_string(i) + " a=1, ";
    CHECK(parse_www_authenticate(many).size() == 32);

    std::string params = "Bearer ";
    for (int i = 0; i < 100; ++i)
        params += "p" + std::to_string(i) + "=" + std::to_string(i) + ", ";
    const auto challenges = parse_www_authenticate(params);
    REQUIRE(challenges.size() == 1);
    CHECK(challenges[0].params.size() == 32);
}

TEST_CASE("random bytes never crash or hang the parser") {
    std::mt19937 rng(12345);
    const std::string alphabet = "Bearer DPoP error=\"\\,; \t=abc\x01\xff";
    for (int round = 0; round < 5000; ++round) {
        std::string input;
        const int len = static_cast<int>(rng() % 80);
        for (int i = 0; i < len; ++i) {
            input.push_back(rng() % 4 == 0 ? static_cast<char>(rng() % 256)
                                           : alphabet[rng() % alphabet.size()]);
        }
        const auto challenges = parse_www_authenticate(input);
        CHECK(challenges.size() <= 32);
        for (const auto& c : challenges) CHECK_FALSE(c.scheme.empty());
    }
}
