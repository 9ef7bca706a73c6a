#include "oauth_jws.h"

#include <asset_sdk/oauth/base64url.h>
#include <asset_sdk/oauth/jwt.h>

#include <cstdlib>

namespace oktasim {

namespace {

using asset_sdk::oauth::base64url_decode;
using asset_sdk::oauth::KeyType;
using asset_sdk::oauth::SigningKey;

std::optional<Json> decode_json_part(const std::string& part) {
    auto bytes = base64url_decode(part);
    if (!bytes) return std::nullopt;
    Json j = Json::parse(*bytes, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    return j;
}

std::string string_claim(const Json& j, const char* name) {
    const auto it = j.find(name);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::optional<ParsedJws> parse_jws(const std::string& compact) {
    const size_t dot1 = compact.find('.');
    if (dot1 == std::string::npos) return std::nullopt;
    const size_t dot2 = compact.find('.', dot1 + 1);
    if (dot2 == std::string::npos || compact.find('.', dot2 + 1) != std::string::npos) {
        return std::nullopt;
    }
    auto header = decode_json_part(compact.substr(0, dot1));
    auto payload = decode_json_part(compact.substr(dot1 + 1, dot2 - dot1 - 1));
    auto signature = base64url_decode(compact.substr(dot2 + 1));
    if (!header || !payload || !signature) return std::nullopt;
    ParsedJws jws;
    jws.header = std::move(*header);
    jws.payload = std::move(*payload);
    jws.signing_input = compact.substr(0, dot2);
    jws.signature = std::move(*signature);
    jws.alg = string_claim(jws.header, "alg");
    return jws;
}

bool jws_signature_ok(const ParsedJws& jws, const SigningKey& key) {
    const char* expected = key.type() == KeyType::kRsa ? "RS256" : "ES256";
    return jws.alg == expected && key.verify(jws.signing_input, jws.signature);
}

DpopCheck check_dpop_proof(const std::string& header_value, const DpopExpectation& expect) {
    DpopCheck out;
    const auto jws = parse_jws(header_value);
    if (!jws) {
        out.error = "The DPoP proof JWT is malformed.";
        return out;
    }
    if (string_claim(jws->header, "typ") != "dpop+jwt") {
        out.error = "The DPoP proof JWT 'typ' header is invalid.";
        return out;
    }
    const auto jwk = jws->header.find("jwk");
    if (jwk == jws->header.end() || !jwk->is_object() || jwk->contains("d")) {
        out.error = "The DPoP proof JWT 'jwk' header is missing or invalid.";
        return out;
    }
    auto key = SigningKey::load_public(jwk->dump());
    if (!key || !jws_signature_ok(*jws, *key)) {
        out.error = "The DPoP proof JWT signature is invalid.";
        return out;
    }
    const Json& p = jws->payload;
    const auto iat = p.find("iat");
    if (string_claim(p, "htm") != expect.method) {
        out.error = "'htm' claim in the DPoP proof JWT is invalid.";
    } else if (string_claim(p, "htu") != expect.htu) {
        out.error = "'htu' claim in the DPoP proof JWT is invalid.";
    } else if (iat == p.end() || !iat->is_number_integer() ||
               std::abs(iat->get<int64_t>() - expect.now_s) > kDpopIatWindowS) {
        out.error = "'iat' claim in the DPoP proof JWT is missing or outside the allowed window.";
    } else if (string_claim(p, "jti").empty()) {
        out.error = "'jti' claim in the DPoP proof JWT is missing.";
    } else if (!expect.access_token.empty() &&
               string_claim(p, "ath") != asset_sdk::oauth::access_token_hash(expect.access_token)) {
        out.error = "'ath' claim in the DPoP proof JWT is invalid.";
    } else if (!expect.bound_jkt.empty() && key->thumbprint() != expect.bound_jkt) {
        out.error = "The DPoP proof JWT key does not match the key the access token is bound to.";
    }
    if (!out.error.empty()) return out;
    out.proof =
        DpopProof{key->thumbprint(), string_claim(p, "nonce"), string_claim(p, "jti"), jws->alg};
    return out;
}

}  // namespace oktasim
