// Signing keys for OAuth tests, generated in-process with OpenSSL (once per test process and
// kind, then reused: RSA generation costs up to a second), in every format a user may hold:
// PEM (PKCS#8 and the traditional PKCS#1 / SEC1 forms) and JWK. Plus an independent JWS
// verifier, written against OpenSSL directly so that tests of the sdk's signer do not check it
// with its own code.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace testsupport {

enum class TestKeyKind { kRsa2048, kEcP256, kRsa1024, kEcP384, kEd25519 };

struct TestKey {
    std::string private_pem;              // PKCS#8 "PRIVATE KEY"
    std::string private_pem_traditional;  // "RSA PRIVATE KEY" / "EC PRIVATE KEY" ("" otherwise)
    std::string public_pem;               // "PUBLIC KEY"
    nlohmann::json private_jwk;           // with "d" (and the RSA CRT members); no kid
    nlohmann::json public_jwk;            // required members only; no kid
    const char* alg = "";                 // "RS256" / "ES256" ("" for unsupported kinds)
};

// The same key every time for a kind (generated on first use). A second, different key of the
// same kind: index 1.
const TestKey& test_key(TestKeyKind kind, int index = 0);

struct VerifiedJws {
    bool signature_ok = false;
    nlohmann::json header;
    nlohmann::json payload;
};

// Splits a compact JWS, decodes its parts and verifies the signature with `public_pem` using
// the algorithm in its header (RS256 or ES256 only). Throws std::runtime_error when the token is
// not three base64url parts of JSON.
VerifiedJws verify_jws(const std::string& compact, const std::string& public_pem);

// base64url without padding, independent of the sdk's codec.
std::string b64url(const std::string& bytes);
std::string b64url_decode(const std::string& text);
// SHA-256 digest, raw bytes.
std::string sha256(const std::string& bytes);

}  // namespace testsupport
