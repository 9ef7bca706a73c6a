#include "test_keys.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <utility>

namespace testsupport {

namespace {

struct Deleter {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(BIO* p) const { BIO_free(p); }
    void operator()(BIGNUM* p) const { BN_free(p); }
    void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
    void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, Deleter>;

void check(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("test_keys: ") + what + " failed");
}

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(len));
}

std::string pem_of(EVP_PKEY* key, bool is_public) {
    Owned<BIO> bio(BIO_new(BIO_s_mem()));
    const int ok =
        is_public ? PEM_write_bio_PUBKEY(bio.get(), key)
                  : PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
    check(ok == 1, "PEM write");
    return bio_text(bio.get());
}

// "RSA PRIVATE KEY" / "EC PRIVATE KEY": the traditional (PKCS#1 / SEC1) structures.
std::string traditional_pem(EVP_PKEY* key) {
    Owned<BIO> bio(BIO_new(BIO_s_mem()));
    check(PEM_write_bio_PrivateKey_traditional(bio.get(), key, nullptr, nullptr, 0, nullptr,
                                               nullptr) == 1,
          "traditional PEM");
    return bio_text(bio.get());
}

std::string bn_param(EVP_PKEY* key, const char* name, int width = 0) {
    BIGNUM* raw = nullptr;
    check(EVP_PKEY_get_bn_param(key, name, &raw) == 1, name);
    Owned<BIGNUM> bn(raw);
    const int n = width ? width : BN_num_bytes(bn.get());
    std::string out(static_cast<std::size_t>(n), '\0');
    check(BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()), n) == n, "bn2bin");
    return out;
}

void fill_jwks(EVP_PKEY* key, TestKey& k) {
    if (EVP_PKEY_is_a(key, "RSA")) {
        k.public_jwk = {{"kty", "RSA"},
                        {"n", b64url(bn_param(key, OSSL_PKEY_PARAM_RSA_N))},
                        {"e", b64url(bn_param(key, OSSL_PKEY_PARAM_RSA_E))}};
        k.private_jwk = k.public_jwk;
        const std::pair<const char*, const char*> members[] = {
            {"d", OSSL_PKEY_PARAM_RSA_D},          {"p", OSSL_PKEY_PARAM_RSA_FACTOR1},
            {"q", OSSL_PKEY_PARAM_RSA_FACTOR2},    {"dp", OSSL_PKEY_PARAM_RSA_EXPONENT1},
            {"dq", OSSL_PKEY_PARAM_RSA_EXPONENT2}, {"qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1}};
        for (const auto& [jwk_name, param] : members) {
            k.private_jwk[jwk_name] = b64url(bn_param(key, param));
        }
    } else if (EVP_PKEY_is_a(key, "EC")) {
        k.public_jwk = {{"kty", "EC"},
                        {"crv", "P-256"},
                        {"x", b64url(bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, 32))},
                        {"y", b64url(bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, 32))}};
        k.private_jwk = k.public_jwk;
        k.private_jwk["d"] = b64url(bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, 32));
    }
}

TestKey make_key(TestKeyKind kind) {
    EVP_PKEY* raw = nullptr;
    switch (kind) {
        case TestKeyKind::kRsa2048:
            raw = EVP_RSA_gen(2048);
            break;
        case TestKeyKind::kRsa1024:
            raw = EVP_RSA_gen(1024);
            break;
        case TestKeyKind::kEcP256:
            raw = EVP_EC_gen("P-256");
            break;
        case TestKeyKind::kEcP384:
            raw = EVP_EC_gen("P-384");
            break;
        case TestKeyKind::kEd25519:
            raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
            break;
    }
    check(raw != nullptr, "key generation");
    Owned<EVP_PKEY> key(raw);
    TestKey k;
    k.private_pem = pem_of(key.get(), false);
    k.public_pem = pem_of(key.get(), true);
    if (kind == TestKeyKind::kRsa2048 || kind == TestKeyKind::kEcP256) {
        k.private_pem_traditional = traditional_pem(key.get());
        k.alg = kind == TestKeyKind::kRsa2048 ? "RS256" : "ES256";
        fill_jwks(key.get(), k);
    }
    return k;
}

Owned<EVP_PKEY> read_public(const std::string& pem) {
    Owned<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    return Owned<EVP_PKEY>(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
}

// JWS ES256 signatures are R||S; OpenSSL verifies DER.
std::string jose_to_der(const std::string& sig) {
    if (sig.size() != 64) return {};
    Owned<ECDSA_SIG> ecdsa(ECDSA_SIG_new());
    BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(sig.data()), 32, nullptr);
    BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(sig.data()) + 32, 32, nullptr);
    check(ECDSA_SIG_set0(ecdsa.get(), r, s) == 1, "ECDSA_SIG_set0");
    unsigned char* der = nullptr;
    const int len = i2d_ECDSA_SIG(ecdsa.get(), &der);
    std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
    OPENSSL_free(der);
    return out;
}

}  // namespace

const TestKey& test_key(TestKeyKind kind, int index) {
    static std::mutex mu;
    static std::map<std::pair<int, int>, TestKey> cache;
    std::lock_guard lock(mu);
    const auto id = std::make_pair(static_cast<int>(kind), index);
    auto it = cache.find(id);
    if (it == cache.end()) it = cache.emplace(id, make_key(kind)).first;
    return it->second;
}

std::string b64url(const std::string& bytes) {
    static const char* kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                           (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                           static_cast<unsigned char>(bytes[i + 2]);
        for (int shift : {18, 12, 6, 0}) out.push_back(kAlphabet[(v >> shift) & 63]);
    }
    const std::size_t rest = bytes.size() - i;
    if (rest > 0) {
        unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        if (rest == 2) out.push_back(kAlphabet[(v >> 6) & 63]);
    }
    return out;
}

std::string b64url_decode(const std::string& text) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '-') return 62;
        if (c == '_') return 63;
        throw std::runtime_error("b64url_decode: bad character");
    };
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : text) {
        buffer = (buffer << 6) | static_cast<unsigned>(value(c));
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
        }
    }
    return out;
}

std::string sha256(const std::string& bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    check(EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr) == 1,
          "EVP_Digest");
    return std::string(reinterpret_cast<char*>(digest), len);
}

VerifiedJws verify_jws(const std::string& compact, const std::string& public_pem) {
    const std::size_t dot1 = compact.find('.');
    const std::size_t dot2 = compact.find('.', dot1 == std::string::npos ? 0 : dot1 + 1);
    if (dot1 == std::string::npos || dot2 == std::string::npos ||
        compact.find('.', dot2 + 1) != std::string::npos) {
        throw std::runtime_error("verify_jws: not three parts");
    }
    VerifiedJws out;
    out.header = nlohmann::json::parse(b64url_decode(compact.substr(0, dot1)));
    out.payload = nlohmann::json::parse(b64url_decode(compact.substr(dot1 + 1, dot2 - dot1 - 1)));
    const std::string signing_input = compact.substr(0, dot2);
    std::string signature = b64url_decode(compact.substr(dot2 + 1));
    const std::string alg = out.header.value("alg", "");
    if (alg == "ES256") signature = jose_to_der(signature);
    if (alg != "RS256" && alg != "ES256") return out;
    Owned<EVP_PKEY> key = read_public(public_pem);
    Owned<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
    check(key && ctx, "verify setup");
    const bool key_matches_alg =
        alg == "RS256" ? EVP_PKEY_is_a(key.get(), "RSA") : EVP_PKEY_is_a(key.get(), "EC");
    out.signature_ok =
        key_matches_alg && !signature.empty() &&
        EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
        EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                         signature.size(),
                         reinterpret_cast<const unsigned char*>(signing_input.data()),
                         signing_input.size()) == 1;
    return out;
}

}  // namespace testsupport
