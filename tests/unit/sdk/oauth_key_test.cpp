// SigningKey: every input format, the public JWK and thumbprint, signatures checked with an
// independent OpenSSL verifier, and errors that name the problem without quoting the key.
#include <asset_sdk/oauth/jwt.h>
#include <asset_sdk/oauth/signing_key.h>

#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "test_keys.h"

using asset_sdk::oauth::KeyType;
using asset_sdk::oauth::SigningKey;
using testsupport::test_key;
using testsupport::TestKey;
using testsupport::TestKeyKind;
using json = nlohmann::json;

namespace {

// The error message of a failed load; fails the test when the load succeeded.
std::string load_error(const std::string& text) {
    auto key = SigningKey::load_private(text);
    REQUIRE_FALSE(key.is_ok());
    return key.status().message();
}

// No 16-character piece of the key's base64 body may appear in a message.
void check_not_quoted(const std::string& message, const std::string& key_text) {
    for (std::size_t i = 0; i + 16 <= key_text.size(); i += 8) {
        const std::string piece = key_text.substr(i, 16);
        if (piece.find('-') != std::string::npos || piece.find('\n') != std::string::npos) continue;
        CHECK(message.find(piece) == std::string::npos);
    }
}

std::string encrypted_pem(const TestKey& k) {
    BIO* in = BIO_new_mem_buf(k.private_pem.data(), static_cast<int>(k.private_pem.size()));
    EVP_PKEY* pkey = PEM_read_bio_PrivateKey(in, nullptr, nullptr, nullptr);
    BIO* out = BIO_new(BIO_s_mem());
    char pass[] = "secret-pass";
    REQUIRE(PEM_write_bio_PKCS8PrivateKey(out, pkey, EVP_aes_256_cbc(), pass, 11, nullptr,
                                          nullptr) == 1);
    char* data = nullptr;
    const long len = BIO_get_mem_data(out, &data);
    std::string pem(data, static_cast<std::size_t>(len));
    BIO_free(out);
    BIO_free(in);
    EVP_PKEY_free(pkey);
    return pem;
}

}  // namespace

TEST_CASE("private keys load from PKCS#8, traditional PEM and JWK, all the same key") {
    for (TestKeyKind kind : {TestKeyKind::kRsa2048, TestKeyKind::kEcP256}) {
        const TestKey& k = test_key(kind);
        CAPTURE(k.alg);
        json jwks = {{"keys", json::array({k.private_jwk})}};
        json with_meta = k.private_jwk;
        with_meta["kid"] = "key-2024";
        with_meta["use"] = "sig";
        with_meta["alg"] = k.alg;
        for (const std::string& text :
             {k.private_pem, k.private_pem_traditional, "\n  " + k.private_pem + "\n\n",
              k.private_jwk.dump(), k.private_jwk.dump(2), jwks.dump(), with_meta.dump()}) {
            auto key = SigningKey::load_private(text);
            REQUIRE_MESSAGE(key.is_ok(), key.status().message());
            CHECK(key->has_private());
            CHECK(key->type() ==
                  (kind == TestKeyKind::kRsa2048 ? KeyType::kRsa : KeyType::kEcP256));
            CHECK(std::string(key->jws_alg()) == k.alg);
            CHECK(json::parse(key->public_jwk()) == k.public_jwk);
        }
        CHECK(SigningKey::load_private(with_meta.dump())->jwk_kid() == "key-2024");
        CHECK(SigningKey::load_private(k.private_pem)->jwk_kid().empty());
    }
}

TEST_CASE("an RSA JWK without the CRT members still signs") {
    const TestKey& k = test_key(TestKeyKind::kRsa2048);
    json minimal = {{"kty", "RSA"},
                    {"n", k.private_jwk["n"]},
                    {"e", k.private_jwk["e"]},
                    {"d", k.private_jwk["d"]}};
    auto key = SigningKey::load_private(minimal.dump());
    REQUIRE_MESSAGE(key.is_ok(), key.status().message());
    auto jws = asset_sdk::oauth::sign_compact_jws(*key, R"({"alg":"RS256"})", R"({"a":1})");
    REQUIRE(jws.is_ok());
    CHECK(testsupport::verify_jws(*jws, k.public_pem).signature_ok);
}

TEST_CASE("public JWK members are in RFC 7638 order and the thumbprint is their SHA-256") {
    const TestKey& rsa = test_key(TestKeyKind::kRsa2048);
    auto key = SigningKey::load_private(rsa.private_pem);
    REQUIRE(key.is_ok());
    const std::string expected_rsa = "{\"e\":\"" + rsa.public_jwk["e"].get<std::string>() +
                                     "\",\"kty\":\"RSA\",\"n\":\"" +
                                     rsa.public_jwk["n"].get<std::string>() + "\"}";
    CHECK(key->public_jwk() == expected_rsa);
    CHECK(key->thumbprint() == testsupport::b64url(testsupport::sha256(expected_rsa)));

    const TestKey& ec = test_key(TestKeyKind::kEcP256);
    key = SigningKey::load_private(ec.private_jwk.dump());
    REQUIRE(key.is_ok());
    const std::string expected_ec = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" +
                                    ec.public_jwk["x"].get<std::string>() + "\",\"y\":\"" +
                                    ec.public_jwk["y"].get<std::string>() + "\"}";
    CHECK(key->public_jwk() == expected_ec);
    CHECK(key->thumbprint() == testsupport::b64url(testsupport::sha256(expected_ec)));
    CHECK(key->thumbprint().size() == 43);
}

TEST_CASE("signatures verify with an independent verifier; verify() rejects tampering") {
    for (TestKeyKind kind : {TestKeyKind::kRsa2048, TestKeyKind::kEcP256}) {
        const TestKey& k = test_key(kind);
        auto key = SigningKey::load_private(k.private_pem);
        REQUIRE(key.is_ok());
        const std::string header = std::string("{\"alg\":\"") + k.alg + "\"}";
        auto jws = asset_sdk::oauth::sign_compact_jws(*key, header, R"({"hello":"world"})");
        REQUIRE(jws.is_ok());
        const auto verified = testsupport::verify_jws(*jws, k.public_pem);
        CHECK(verified.signature_ok);
        CHECK(verified.payload["hello"] == "world");
        // Another key of the same kind does not verify it.
        CHECK_FALSE(testsupport::verify_jws(*jws, test_key(kind, 1).public_pem).signature_ok);

        auto sig = key->sign("input");
        REQUIRE(sig.is_ok());
        if (kind == TestKeyKind::kEcP256) CHECK(sig->size() == 64);  // R||S, not DER
        CHECK(key->verify("input", *sig));
        CHECK_FALSE(key->verify("inpuT", *sig));
        std::string flipped = *sig;
        flipped[5] = static_cast<char>(flipped[5] ^ 1);
        CHECK_FALSE(key->verify("input", flipped));
        CHECK_FALSE(key->verify("input", ""));

        auto pub = SigningKey::load_public(k.public_pem);
        REQUIRE(pub.is_ok());
        CHECK_FALSE(pub->has_private());
        CHECK(pub->verify("input", *sig));
        CHECK_FALSE(pub->sign("x").is_ok());
        CHECK(SigningKey::load_public(k.public_jwk.dump())->verify("input", *sig));
        CHECK(SigningKey::load_public(k.private_pem)->public_jwk() == pub->public_jwk());
        CHECK_FALSE(SigningKey::load_public(k.private_pem)->has_private());
    }
}

TEST_CASE("generated keys sign and differ from each other") {
    for (KeyType type : {KeyType::kEcP256, KeyType::kRsa}) {
        auto a = SigningKey::generate(type);
        auto b = SigningKey::generate(type);
        REQUIRE(a.is_ok());
        REQUIRE(b.is_ok());
        CHECK(a->thumbprint() != b->thumbprint());
        auto sig = a->sign("x");
        REQUIRE(sig.is_ok());
        CHECK(a->verify("x", *sig));
        CHECK_FALSE(b->verify("x", *sig));
    }
}

TEST_CASE("unusable keys: the error names the problem and the fix, never the key") {
    const TestKey& rsa = test_key(TestKeyKind::kRsa2048);
    const TestKey& ec = test_key(TestKeyKind::kEcP256);

    std::string m = load_error(rsa.public_pem);
    CHECK(m.find("public key") != std::string::npos);
    CHECK(load_error(ec.public_jwk.dump()).find("public JWK") != std::string::npos);

    const std::string encrypted = encrypted_pem(rsa);
    m = load_error(encrypted);
    CHECK(m.find("encrypted") != std::string::npos);
    CHECK(m.find("openssl pkey") != std::string::npos);
    check_not_quoted(m, encrypted);

    m = load_error(test_key(TestKeyKind::kRsa1024).private_pem);
    CHECK(m.find("1024 bits") != std::string::npos);
    CHECK(m.find("2048") != std::string::npos);
    CHECK(load_error(test_key(TestKeyKind::kEcP384).private_pem).find("P-256") !=
          std::string::npos);
    CHECK(load_error(test_key(TestKeyKind::kEd25519).private_pem).find("EC P-256") !=
          std::string::npos);

    CHECK(load_error("").find("neither a PEM key") != std::string::npos);
    CHECK(load_error("hello").find("neither a PEM key") != std::string::npos);
    m = load_error("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    CHECK(m.find("not a readable PEM private key") != std::string::npos);
    CHECK(load_error("{\"kty\":").find("not valid JSON") != std::string::npos);
    CHECK(load_error("{\"n\":\"AQAB\"}").find("without \"kty\"") != std::string::npos);
    CHECK(load_error("{\"kty\":\"oct\",\"k\":\"AAAA\"}").find("'oct'") != std::string::npos);

    json enc = rsa.private_jwk;
    enc["use"] = "enc";
    CHECK(load_error(enc.dump()).find("\"use\": \"sig\"") != std::string::npos);
    json rs512 = rsa.private_jwk;
    rs512["alg"] = "RS512";
    CHECK(load_error(rs512.dump()).find("RS256") != std::string::npos);
    json two = {{"keys", json::array({rsa.private_jwk, ec.private_jwk})}};
    CHECK(load_error(two.dump()).find("2 keys") != std::string::npos);
    json bad_b64 = ec.private_jwk;
    bad_b64["x"] = "not base64url!";
    CHECK(load_error(bad_b64.dump()).find("\"x\"") != std::string::npos);
    json p384 = ec.private_jwk;
    p384["crv"] = "P-384";
    CHECK(load_error(p384.dump()).find("P-256") != std::string::npos);

    // Public part of one key with the private part of another.
    json mixed = ec.private_jwk;
    mixed["d"] = test_key(TestKeyKind::kEcP256, 1).private_jwk["d"];
    m = load_error(mixed.dump());
    CHECK(m.find("do not match") != std::string::npos);
    check_not_quoted(m, mixed.dump());
    json mixed_rsa = rsa.private_jwk;
    mixed_rsa.erase("p");  // no CRT: n, e, d only
    mixed_rsa["d"] = test_key(TestKeyKind::kRsa2048, 1).private_jwk["d"];
    CHECK(load_error(mixed_rsa.dump()).find("do not match") != std::string::npos);
}
