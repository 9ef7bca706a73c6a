// Private to the oauth module: owning wrappers for OpenSSL objects and error-queue handling.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>
#include <string>
#include <string_view>

namespace asset_sdk::oauth::detail {

struct OsslFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
    void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
    void operator()(BIO* p) const { BIO_free(p); }
    void operator()(BIGNUM* p) const { BN_free(p); }
    void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
    void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
    void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
template <typename T>
using Ossl = std::unique_ptr<T, OsslFree>;

// The reason of the most recent OpenSSL error (e.g. "unsupported"), then the thread's error
// queue is emptied so a stale entry cannot surface later in an unrelated TLS failure.
inline std::string take_openssl_reason() {
    const unsigned long code = ERR_peek_last_error();
    const char* reason = code ? ERR_reason_error_string(code) : nullptr;
    std::string out = reason ? reason : "unknown OpenSSL error";
    ERR_clear_error();
    return out;
}

inline Ossl<BIGNUM> bn_from_bytes(std::string_view bytes) {
    return Ossl<BIGNUM>(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()), nullptr));
}

// Big-endian bytes of `bn`, left-padded with zeros to `width` (0 = minimal length).
inline std::string bn_to_bytes(const BIGNUM* bn, int width = 0) {
    const int n = width > 0 ? width : BN_num_bytes(bn);
    std::string out(static_cast<std::size_t>(n), '\0');
    if (n == 0) return out;
    if (BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), n) != n) return {};
    return out;
}

// base64url(SHA-256(bytes)): RFC 7638 thumbprints and DPoP's `ath`. "" if OpenSSL fails.
std::string sha256_base64url(std::string_view bytes);

}  // namespace asset_sdk::oauth::detail
