// SigningKey::load_private / load_public: PEM through OpenSSL's PEM readers, JWK members through
// OpenSSL's key-from-parameters API. JSON is read with simdjson.
#include <asset_sdk/oauth/base64url.h>
#include <asset_sdk/oauth/signing_key.h>
#include <asset_sdk/text.h>

#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <simdjson.h>

#include "openssl_util.h"

namespace asset_sdk::oauth {

using detail::Ossl;

namespace {

constexpr char kBadFormat[] =
    "is neither a PEM key (-----BEGIN PRIVATE KEY-----) nor a JWK (a JSON object with \"kty\")";

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

// Never prompt for a passphrase on the terminal: an encrypted key is an error.
int no_passphrase(char*, int, int, void*) {
    return -1;
}

Ossl<BIO> memory_bio(std::string_view text) {
    return Ossl<BIO>(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

Result<EVP_PKEY*> read_pem_private(std::string_view pem) {
    if (contains(pem, "ENCRYPTED")) {
        return invalid_argument(
            "is encrypted with a passphrase, which the connector cannot type: store it "
            "unencrypted in a file only the service can read (openssl pkey -in key.pem -out "
            "plain.pem)");
    }
    const bool has_private_block = contains(pem, "PRIVATE KEY-----");
    if (!has_private_block && contains(pem, "PUBLIC KEY-----")) {
        return invalid_argument(
            "is a public key; the connector needs the private key (the public key is the one "
            "registered with the authorization server)");
    }
    if (!has_private_block && contains(pem, "CERTIFICATE-----")) {
        return invalid_argument("is a certificate; the connector needs the private key");
    }
    Ossl<BIO> bio = memory_bio(pem);
    EVP_PKEY* pkey =
        bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr) : nullptr;
    if (!pkey) {
        return invalid_argument("is not a readable PEM private key (" +
                                detail::take_openssl_reason() + ")");
    }
    return pkey;
}

Result<EVP_PKEY*> read_pem_public(std::string_view pem) {
    Ossl<BIO> bio = memory_bio(pem);
    EVP_PKEY* pkey =
        bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, no_passphrase, nullptr) : nullptr;
    if (!pkey) {
        return invalid_argument("is not a readable PEM public key (" +
                                detail::take_openssl_reason() + ")");
    }
    return pkey;
}

// The public half of a key pair, as a key of its own.
EVP_PKEY* public_half(EVP_PKEY* pkey) {
    unsigned char* der = nullptr;
    const int len = i2d_PUBKEY(pkey, &der);
    if (len <= 0) return nullptr;
    const unsigned char* p = der;
    EVP_PKEY* pub = d2i_PUBKEY(nullptr, &p, len);
    OPENSSL_free(der);
    return pub;
}

// One JWK, as simdjson sees it.
struct JwkText {
    simdjson::dom::object obj;
    std::string kty, kid;

    // A base64url member; "" when absent. `error` set when present but not base64url.
    std::string bytes(const char* name, std::string& error) const {
        std::string_view text;
        if (obj[name].get_string().get(text)) return {};
        auto decoded = base64url_decode(text);
        if (!decoded) {
            error = std::string("JWK member \"") + name + "\" is not base64url";
            return {};
        }
        return std::move(*decoded);
    }
    bool has(const char* name) const { return !obj[name].error(); }
};

Result<JwkText> read_jwk_json(simdjson::dom::parser& parser, const simdjson::padded_string& json) {
    simdjson::dom::element root;
    if (parser.parse(json).get(root) || !root.is_object()) {
        return invalid_argument("is not valid JSON (a JWK is a JSON object)");
    }
    simdjson::dom::array keys;
    if (!root["keys"].get_array().get(keys)) {  // a JWK Set
        if (keys.size() != 1) {
            return invalid_argument("is a JWK Set with " + std::to_string(keys.size()) +
                                    " keys; keep only the key to sign with");
        }
        root = keys.at(0).value_unsafe();
        if (!root.is_object()) return invalid_argument("holds a JWK that is not a JSON object");
    }
    JwkText jwk;
    jwk.obj = root.get_object().value_unsafe();
    std::string_view s;
    if (jwk.obj["kty"].get_string().get(s)) return invalid_argument("is a JWK without \"kty\"");
    jwk.kty = std::string(s);
    if (!jwk.obj["kid"].get_string().get(s)) jwk.kid = std::string(s.substr(0, 256));
    if (!jwk.obj["use"].get_string().get(s) && s != "sig") {
        return invalid_argument("is a JWK for \"use\": \"" + std::string(s.substr(0, 16)) +
                                "\"; a signing key has \"use\": \"sig\" (or no \"use\")");
    }
    const char* expected_alg = jwk.kty == "RSA" ? "RS256" : "ES256";
    if (!jwk.obj["alg"].get_string().get(s) && s != expected_alg) {
        return invalid_argument("is a JWK for \"alg\": \"" + std::string(s.substr(0, 16)) +
                                "\"; supported: RS256 (RSA) and ES256 (EC P-256)");
    }
    return jwk;
}

Result<EVP_PKEY*> from_params(const char* type, OSSL_PARAM_BLD* bld, bool with_private) {
    Ossl<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(bld));
    Ossl<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* pkey = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &pkey, with_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                          params.get()) != 1) {
        return invalid_argument("holds key members OpenSSL rejects (" +
                                detail::take_openssl_reason() + ")");
    }
    return pkey;
}

bool push_bn(OSSL_PARAM_BLD* bld, const char* key, const std::string& bytes,
             std::vector<Ossl<BIGNUM>>& keep) {
    keep.push_back(detail::bn_from_bytes(bytes));
    return keep.back() && OSSL_PARAM_BLD_push_BN(bld, key, keep.back().get()) == 1;
}

Result<EVP_PKEY*> rsa_from_jwk(const JwkText& jwk, bool with_private) {
    std::string error;
    const std::string n = jwk.bytes("n", error), e = jwk.bytes("e", error);
    const std::string d = with_private ? jwk.bytes("d", error) : std::string();
    if (!error.empty()) return invalid_argument("is a JWK whose " + error);
    if (n.empty() || e.empty()) return invalid_argument("is an RSA JWK without \"n\" and \"e\"");
    Ossl<OSSL_PARAM_BLD> bld(OSSL_PARAM_BLD_new());
    std::vector<Ossl<BIGNUM>> keep;
    bool ok = bld && push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_N, n, keep) &&
              push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_E, e, keep);
    if (with_private) ok = ok && push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_D, d, keep);
    // The CRT members make signing fast; a JWK with only n, e, d still works.
    const char* crt[][2] = {{"p", OSSL_PKEY_PARAM_RSA_FACTOR1},
                            {"q", OSSL_PKEY_PARAM_RSA_FACTOR2},
                            {"dp", OSSL_PKEY_PARAM_RSA_EXPONENT1},
                            {"dq", OSSL_PKEY_PARAM_RSA_EXPONENT2},
                            {"qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1}};
    bool all_crt = with_private;
    for (const auto& member : crt) all_crt = all_crt && jwk.has(member[0]);
    for (const auto& member : crt) {
        if (!all_crt) break;
        ok = ok && push_bn(bld.get(), member[1], jwk.bytes(member[0], error), keep);
    }
    if (!error.empty()) return invalid_argument("is a JWK whose " + error);
    if (!ok) return internal_error("cannot build the RSA key: " + detail::take_openssl_reason());
    return from_params("RSA", bld.get(), with_private);
}

Result<EVP_PKEY*> ec_from_jwk(const JwkText& jwk, bool with_private) {
    std::string_view crv;
    if (jwk.obj["crv"].get_string().get(crv) || crv != "P-256") {
        return invalid_argument("is an EC JWK on curve '" + std::string(crv.substr(0, 16)) +
                                "'; only P-256 (ES256) is supported");
    }
    std::string error;
    const std::string x = jwk.bytes("x", error), y = jwk.bytes("y", error);
    const std::string d = with_private ? jwk.bytes("d", error) : std::string();
    if (!error.empty()) return invalid_argument("is a JWK whose " + error);
    if (x.size() != 32 || y.size() != 32 || (with_private && d.size() != 32)) {
        return invalid_argument("is a P-256 JWK whose x, y or d is not 32 bytes long");
    }
    const std::string point = std::string(1, '\x04') + x + y;  // uncompressed point
    Ossl<OSSL_PARAM_BLD> bld(OSSL_PARAM_BLD_new());
    std::vector<Ossl<BIGNUM>> keep;
    bool ok = bld &&
              OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1",
                                              0) == 1 &&
              OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                               point.size()) == 1;
    if (with_private) ok = ok && push_bn(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d, keep);
    if (!ok) return internal_error("cannot build the EC key: " + detail::take_openssl_reason());
    return from_params("EC", bld.get(), with_private);
}

// `want_private`: the JWK must hold the private members. Returns the key and its kid.
Result<std::pair<EVP_PKEY*, std::string>> read_jwk(std::string_view text, bool want_private) {
    simdjson::dom::parser parser;
    const simdjson::padded_string json(text);
    auto jwk = read_jwk_json(parser, json);
    if (!jwk) return jwk.status();
    if (jwk->kty != "RSA" && jwk->kty != "EC") {
        return invalid_argument("is a JWK of type '" + jwk->kty.substr(0, 16) +
                                "'; use an RSA (RS256) or EC P-256 (ES256) key");
    }
    const bool has_private = jwk->has("d");
    if (want_private && !has_private) {
        return invalid_argument(
            "is a public JWK (no \"d\"); the connector needs the private key (the public key is "
            "the one registered with the authorization server)");
    }
    auto pkey =
        jwk->kty == "RSA" ? rsa_from_jwk(*jwk, want_private) : ec_from_jwk(*jwk, want_private);
    if (!pkey) return pkey.status();
    return std::make_pair(*pkey, jwk->kid);
}

}  // namespace

Result<SigningKey> SigningKey::load_private(std::string_view pem_or_jwk) {
    const std::string_view text = trim(pem_or_jwk);
    EVP_PKEY* raw = nullptr;
    std::string kid;
    if (!text.empty() && text.front() == '{') {
        auto loaded = read_jwk(text, true);
        if (!loaded) return loaded.status();
        std::tie(raw, kid) = *loaded;
    } else if (contains(text, "-----BEGIN")) {
        auto loaded = read_pem_private(text);
        if (!loaded) return loaded.status();
        raw = *loaded;
    } else {
        return invalid_argument(kBadFormat);
    }
    auto key = adopt(raw, true, std::move(kid));
    if (!key) return key.status();
    // Sign and verify once: catches a JWK whose private and public members do not belong
    // together, which OpenSSL's import does not check.
    const auto probe = key->sign("probe");
    if (!probe || !key->verify("probe", *probe)) {
        return invalid_argument(
            "does not hold a consistent key pair (its private and public parts do not match)");
    }
    return key;
}

Result<SigningKey> SigningKey::load_public(std::string_view pem_or_jwk) {
    const std::string_view text = trim(pem_or_jwk);
    EVP_PKEY* raw = nullptr;
    std::string kid;
    if (!text.empty() && text.front() == '{') {
        auto loaded = read_jwk(text, false);
        if (!loaded) return loaded.status();
        std::tie(raw, kid) = *loaded;
    } else if (contains(text, "PUBLIC KEY-----")) {
        auto loaded = read_pem_public(text);
        if (!loaded) return loaded.status();
        raw = *loaded;
    } else if (contains(text, "-----BEGIN")) {
        auto loaded = read_pem_private(text);
        if (!loaded) return loaded.status();
        raw = public_half(*loaded);
        EVP_PKEY_free(*loaded);
        if (!raw) return internal_error("cannot extract the public key");
    } else {
        return invalid_argument(kBadFormat);
    }
    return adopt(raw, false, std::move(kid));
}

}  // namespace asset_sdk::oauth
