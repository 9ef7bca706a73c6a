// The two JWTs a client-credentials client signs:
//  - the client assertion of `private_key_jwt` client authentication (RFC 7523 §2.2, 3):
//    iss = sub = client_id, aud = the token endpoint URL, a unique jti, iat, a short exp;
//  - the DPoP proof (RFC 9449 §4.2): header typ "dpop+jwt" with the public key as `jwk`,
//    claims htm, htu (no query, no fragment), iat, jti, and when known `nonce` and `ath`
//    (base64url SHA-256 of the access token, for requests to a resource server).
// Both are compact JWS (RS256 or ES256, from the key's type).
#pragma once

#include <asset_sdk/clock.h>
#include <asset_sdk/oauth/signing_key.h>
#include <asset_sdk/status.h>

#include <string>
#include <string_view>

namespace asset_sdk::oauth {

// header.payload.signature, each part base64url. The JSON texts are used as given.
Result<std::string> sign_compact_jws(const SigningKey& key, std::string_view header_json,
                                     std::string_view payload_json);

// A fresh identifier for `jti`: 128 random bits (OpenSSL's CSPRNG), base64url.
std::string new_jti();

struct ClientAssertionClaims {
    std::string client_id;
    std::string audience;  // the token endpoint URL
    std::string key_id;    // JWS header `kid`; empty: none
    Millis lifetime{5 * 60'000};
};

Result<std::string> make_client_assertion(const SigningKey& key,
                                          const ClientAssertionClaims& claims, SystemTime now,
                                          std::string_view jti);

struct DpopClaims {
    std::string_view method;        // htm: "GET", "POST"
    std::string_view url;           // the request URL; query and fragment are dropped for htu
    std::string_view access_token;  // non-empty: adds ath
    std::string_view nonce;         // non-empty: adds nonce
};

Result<std::string> make_dpop_proof(const SigningKey& key, const DpopClaims& claims, SystemTime now,
                                    std::string_view jti);

// The URL as a DPoP `htu`: without query and fragment (RFC 9449 §4.2).
std::string dpop_htu(std::string_view url);

// `ath`: base64url(SHA-256(access token)).
std::string access_token_hash(std::string_view access_token);

}  // namespace asset_sdk::oauth
