// Asymmetric keys for JWS signatures (RFC 7515/7518): RSA (RS256, at least 2048 bits) and EC
// P-256 (ES256). Loaded from PEM (PKCS#8, PKCS#1 "RSA PRIVATE KEY", SEC1 "EC PRIVATE KEY",
// "PUBLIC KEY") or from a JWK (RFC 7517, JSON; a JWK Set holding exactly one key is accepted),
// or generated in memory. Backed by an OpenSSL EVP_PKEY.
//
// Error messages say what is wrong with the key material and how to fix it; they never quote it.
#pragma once

#include <asset_sdk/status.h>

#include <openssl/types.h>

#include <memory>
#include <string>
#include <string_view>

namespace asset_sdk::oauth {

enum class KeyType { kRsa, kEcP256 };

class SigningKey {
public:
    // A private key (PEM or JWK). Encrypted PEM is refused (no passphrase prompt, ever).
    static Result<SigningKey> load_private(std::string_view pem_or_jwk);
    // A public key (PEM "PUBLIC KEY", a JWK without private members) or, for convenience, a
    // private key whose public half is taken.
    static Result<SigningKey> load_public(std::string_view pem_or_jwk);
    // A fresh key that never leaves memory (e.g. a DPoP key for the life of a process).
    static Result<SigningKey> generate(KeyType type);

    SigningKey(SigningKey&&) noexcept = default;
    SigningKey& operator=(SigningKey&&) noexcept = default;
    ~SigningKey();

    KeyType type() const { return type_; }
    bool has_private() const { return has_private_; }
    // "RS256" or "ES256".
    const char* jws_alg() const;
    // `kid` of a key loaded from a JWK ("" otherwise).
    const std::string& jwk_kid() const { return jwk_kid_; }

    // The public key as a JWK with only its required members in lexicographic order
    // ({"e","kty","n"} / {"crv","kty","x","y"}): the RFC 7638 thumbprint input, and what a
    // DPoP proof carries in its `jwk` header.
    const std::string& public_jwk() const { return public_jwk_; }
    // RFC 7638 thumbprint: base64url(SHA-256(public_jwk())) — DPoP's `jkt`.
    std::string thumbprint() const;

    // The JWS signature of `signing_input` (RS256: PKCS#1 v1.5; ES256: the 64-byte R||S form
    // JWS uses, not DER). Needs a private key.
    Result<std::string> sign(std::string_view signing_input) const;
    // Verifies a JWS signature made with this key's algorithm (for servers and tests).
    bool verify(std::string_view signing_input, std::string_view signature) const;

    // The OpenSSL key, for callers that need more (never null).
    EVP_PKEY* native() const { return pkey_.get(); }

private:
    struct Free {
        void operator()(EVP_PKEY* p) const;
    };
    SigningKey(EVP_PKEY* pkey, bool has_private, std::string kid);
    static Result<SigningKey> adopt(EVP_PKEY* pkey, bool has_private, std::string kid);

    std::unique_ptr<EVP_PKEY, Free> pkey_;
    KeyType type_ = KeyType::kRsa;
    bool has_private_ = false;
    std::string jwk_kid_;
    std::string public_jwk_;
};

}  // namespace asset_sdk::oauth
