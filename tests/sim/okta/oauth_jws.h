// The simulator's side of the JWTs an OAuth client sends: compact JWS parsing and signature
// checks (keys and signatures through the sdk's SigningKey, i.e. OpenSSL), and the checks an
// authorization or resource server makes on a DPoP proof (RFC 9449 §4.3). Each failure comes
// with the words Okta uses where they are known.
#pragma once

#include <asset_sdk/oauth/signing_key.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "device_model.h"

namespace oktasim {

struct ParsedJws {
    Json header;
    Json payload;
    std::string signing_input;  // "<header>.<payload>" as received
    std::string signature;      // decoded bytes
    std::string alg;            // header alg
};

// nullopt unless the text is three base64url parts, the first two JSON objects.
std::optional<ParsedJws> parse_jws(const std::string& compact);

// alg must match the key type (RS256 / ES256) and the signature must verify.
bool jws_signature_ok(const ParsedJws& jws, const asset_sdk::oauth::SigningKey& key);

// What a verified DPoP proof says.
struct DpopProof {
    std::string jkt;    // thumbprint of the proof's jwk: what a DPoP-bound token is bound to
    std::string nonce;  // "" when absent
    std::string jti;
    std::string alg;
};

struct DpopExpectation {
    std::string method;        // htm
    std::string htu;           // scheme://host/path
    int64_t now_s = 0;         // the server's clock
    std::string access_token;  // non-empty: ath must be its hash
    std::string bound_jkt;     // non-empty: the proof key must have this thumbprint
};

// The proof, or the error_description saying what is wrong with it.
struct DpopCheck {
    std::optional<DpopProof> proof;
    std::string error;
};
DpopCheck check_dpop_proof(const std::string& header_value, const DpopExpectation& expect);

// How far a proof's iat may be from the server's clock.
inline constexpr int64_t kDpopIatWindowS = 300;

}  // namespace oktasim
