#include <asset_sdk/json_writer.h>
#include <asset_sdk/oauth/base64url.h>
#include <asset_sdk/oauth/signing_key.h>

#include <openssl/core_names.h>
#include <openssl/rsa.h>

#include "openssl_util.h"

namespace asset_sdk::oauth {

using detail::Ossl;

namespace {

constexpr int kMinRsaBits = 2048;
constexpr int kP256Bytes = 32;

std::string big_param(const EVP_PKEY* pkey, const char* name, int width = 0) {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(pkey, name, &raw) != 1) return {};
    Ossl<BIGNUM> bn(raw);
    return detail::bn_to_bytes(bn.get(), width);
}

std::string make_public_jwk(const EVP_PKEY* pkey, KeyType type) {
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    if (type == KeyType::kRsa) {
        w.field("e", base64url_encode(big_param(pkey, OSSL_PKEY_PARAM_RSA_E)));
        w.field("kty", "RSA");
        w.field("n", base64url_encode(big_param(pkey, OSSL_PKEY_PARAM_RSA_N)));
    } else {
        w.field("crv", "P-256");
        w.field("kty", "EC");
        w.field("x", base64url_encode(big_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, kP256Bytes)));
        w.field("y", base64url_encode(big_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, kP256Bytes)));
    }
    w.end_object();
    return out;
}

// ES256 signatures are R||S, 32 bytes each (RFC 7518 §3.4); OpenSSL speaks DER.
std::string der_to_jose(const std::string& der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    Ossl<ECDSA_SIG> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
    if (!sig) return {};
    const std::string r = detail::bn_to_bytes(ECDSA_SIG_get0_r(sig.get()), kP256Bytes);
    const std::string s = detail::bn_to_bytes(ECDSA_SIG_get0_s(sig.get()), kP256Bytes);
    if (r.empty() || s.empty()) return {};
    return r + s;
}

std::string jose_to_der(std::string_view jose) {
    if (jose.size() != 2 * kP256Bytes) return {};
    Ossl<ECDSA_SIG> sig(ECDSA_SIG_new());
    Ossl<BIGNUM> r = detail::bn_from_bytes(jose.substr(0, kP256Bytes));
    Ossl<BIGNUM> s = detail::bn_from_bytes(jose.substr(kP256Bytes));
    if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return {};
    r.release();  // owned by sig now
    s.release();
    const int len = i2d_ECDSA_SIG(sig.get(), nullptr);
    if (len <= 0) return {};
    std::string der(static_cast<std::size_t>(len), '\0');
    auto* out = reinterpret_cast<unsigned char*>(der.data());
    i2d_ECDSA_SIG(sig.get(), &out);
    return der;
}

}  // namespace

void SigningKey::Free::operator()(EVP_PKEY* p) const {
    EVP_PKEY_free(p);
}

SigningKey::SigningKey(EVP_PKEY* pkey, bool has_private, std::string kid)
    : pkey_(pkey), has_private_(has_private), jwk_kid_(std::move(kid)) {}

SigningKey::~SigningKey() = default;

Result<SigningKey> SigningKey::adopt(EVP_PKEY* raw, bool has_private, std::string kid) {
    SigningKey key(raw, has_private, std::move(kid));
    if (EVP_PKEY_is_a(raw, "RSA")) {
        const int bits = EVP_PKEY_get_bits(raw);
        if (bits < kMinRsaBits) {
            return invalid_argument("is an RSA key of " + std::to_string(bits) +
                                    " bits; RS256 needs at least 2048 (generate one with: openssl "
                                    "genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048)");
        }
        key.type_ = KeyType::kRsa;
    } else if (EVP_PKEY_is_a(raw, "EC")) {
        char group[64] = {0};
        std::size_t len = 0;
        if (EVP_PKEY_get_utf8_string_param(raw, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                           &len) != 1 ||
            std::string_view(group) != "prime256v1") {
            ERR_clear_error();
            return invalid_argument(
                "is an EC key on curve '" + std::string(group) +
                "'; only P-256 (ES256) is supported (generate one with: openssl genpkey "
                "-algorithm EC -pkeyopt ec_paramgen_curve:P-256)");
        }
        key.type_ = KeyType::kEcP256;
    } else {
        return invalid_argument(std::string("is a ") + EVP_PKEY_get0_type_name(raw) +
                                " key; use an RSA (RS256) or EC P-256 (ES256) key");
    }
    key.public_jwk_ = make_public_jwk(raw, key.type_);
    if (key.public_jwk_.empty()) return internal_error("cannot export the public key");
    return key;
}

Result<SigningKey> SigningKey::generate(KeyType type) {
    EVP_PKEY* raw = type == KeyType::kRsa ? EVP_RSA_gen(kMinRsaBits) : EVP_EC_gen("P-256");
    if (!raw) return internal_error("key generation failed: " + detail::take_openssl_reason());
    return adopt(raw, true, {});
}

const char* SigningKey::jws_alg() const {
    return type_ == KeyType::kRsa ? "RS256" : "ES256";
}

std::string SigningKey::thumbprint() const {
    return detail::sha256_base64url(public_jwk_);
}

Result<std::string> SigningKey::sign(std::string_view signing_input) const {
    if (!has_private_) return invalid_argument("cannot sign with a public key");
    Ossl<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
    std::size_t len = 0;
    const auto* in = reinterpret_cast<const unsigned char*>(signing_input.data());
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey_.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &len, in, signing_input.size()) != 1) {
        return internal_error("signing failed: " + detail::take_openssl_reason());
    }
    std::string sig(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                       signing_input.size()) != 1) {
        return internal_error("signing failed: " + detail::take_openssl_reason());
    }
    sig.resize(len);
    if (type_ == KeyType::kRsa) return sig;
    std::string jose = der_to_jose(sig);
    if (jose.empty()) return internal_error("cannot convert the ECDSA signature");
    return jose;
}

bool SigningKey::verify(std::string_view signing_input, std::string_view signature) const {
    const std::string der =
        type_ == KeyType::kRsa ? std::string(signature) : jose_to_der(signature);
    if (der.empty()) return false;
    Ossl<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
    const bool ok =
        ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey_.get()) == 1 &&
        EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                         reinterpret_cast<const unsigned char*>(signing_input.data()),
                         signing_input.size()) == 1;
    ERR_clear_error();
    return ok;
}

}  // namespace asset_sdk::oauth
