#include <asset_sdk/json_writer.h>
#include <asset_sdk/oauth/base64url.h>
#include <asset_sdk/oauth/jwt.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <chrono>

#include "openssl_util.h"

namespace asset_sdk::oauth {

namespace {

std::int64_t epoch_seconds(SystemTime t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

Result<std::string> sign_compact_jws(const SigningKey& key, std::string_view header_json,
                                     std::string_view payload_json) {
    std::string token = base64url_encode(header_json);
    token += '.';
    token += base64url_encode(payload_json);
    auto signature = key.sign(token);
    if (!signature) return signature.status();
    token += '.';
    token += base64url_encode(*signature);
    return token;
}

std::string new_jti() {
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof bytes) != 1) {
        // A CSPRNG failure leaves no safe identifier: an empty jti makes the server refuse the
        // JWT, which the caller reports, rather than a guessable one.
        ERR_clear_error();
        return {};
    }
    return base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

Result<std::string> make_client_assertion(const SigningKey& key,
                                          const ClientAssertionClaims& claims, SystemTime now,
                                          std::string_view jti) {
    if (claims.client_id.empty() || claims.audience.empty() || jti.empty()) {
        return invalid_argument("client assertion: client_id, audience and jti are required");
    }
    std::string header;
    JsonWriter h(header);
    h.begin_object().field("alg", key.jws_alg()).field("typ", "JWT");
    if (!claims.key_id.empty()) h.field("kid", claims.key_id);
    h.end_object();

    const std::int64_t iat = epoch_seconds(now);
    const auto lifetime = std::chrono::duration_cast<std::chrono::seconds>(claims.lifetime);
    std::string payload;
    JsonWriter p(payload);
    p.begin_object()
        .field("iss", claims.client_id)
        .field("sub", claims.client_id)
        .field("aud", claims.audience)
        .field("jti", jti)
        .field("iat", iat)
        .field("exp", iat + std::max<std::int64_t>(1, lifetime.count()))
        .end_object();
    return sign_compact_jws(key, header, payload);
}

std::string dpop_htu(std::string_view url) {
    const std::size_t cut = url.find_first_of("?#");
    return std::string(url.substr(0, cut));
}

std::string access_token_hash(std::string_view access_token) {
    return detail::sha256_base64url(access_token);
}

Result<std::string> make_dpop_proof(const SigningKey& key, const DpopClaims& claims, SystemTime now,
                                    std::string_view jti) {
    if (claims.method.empty() || claims.url.empty() || jti.empty()) {
        return invalid_argument("DPoP proof: method, url and jti are required");
    }
    std::string header;
    JsonWriter h(header);
    h.begin_object().field("typ", "dpop+jwt").field("alg", key.jws_alg());
    h.key("jwk").raw(key.public_jwk());
    h.end_object();

    std::string payload;
    JsonWriter p(payload);
    p.begin_object()
        .field("jti", jti)
        .field("htm", claims.method)
        .field("htu", dpop_htu(claims.url))
        .field("iat", epoch_seconds(now));
    if (!claims.nonce.empty()) p.field("nonce", claims.nonce);
    if (!claims.access_token.empty()) p.field("ath", access_token_hash(claims.access_token));
    p.end_object();
    return sign_compact_jws(key, header, payload);
}

}  // namespace asset_sdk::oauth
