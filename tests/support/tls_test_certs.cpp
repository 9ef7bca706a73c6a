#include "tls_test_certs.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>

namespace testsupport {

namespace {

struct Deleter {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(X509* p) const { X509_free(p); }
    void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
    void operator()(BIO* p) const { BIO_free(p); }
    void operator()(BIGNUM* p) const { BN_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, Deleter>;

void check(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("tls_test_certs: ") + what + " failed");
}

void add_extension(X509* cert, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);  // self-signed: issuer == subject
    Owned<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
    check(ext != nullptr, "X509V3_EXT_conf_nid");
    check(X509_add_ext(cert, ext.get(), -1) == 1, "X509_add_ext");
}

void write_pem(const std::filesystem::path& path, const std::function<int(BIO*)>& writer) {
    Owned<BIO> bio(BIO_new_file(path.c_str(), "w"));
    check(bio != nullptr, "BIO_new_file");
    check(writer(bio.get()) == 1, "PEM write");
}

}  // namespace

CertFiles write_self_signed_cert(const std::filesystem::path& dir, const std::string& stem,
                                 const CertSpec& spec) {
    // P-256: generated in about a millisecond, unlike RSA keys.
    Owned<EVP_PKEY> key(EVP_EC_gen("P-256"));
    check(key != nullptr, "EVP_EC_gen");

    Owned<X509> cert(X509_new());
    check(cert != nullptr, "X509_new");
    check(X509_set_version(cert.get(), 2) == 1, "X509_set_version");  // v3, for extensions

    Owned<BIGNUM> serial(BN_new());
    check(serial && BN_rand(serial.get(), 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1, "BN_rand");
    check(BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) != nullptr, "serial");

    check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), spec.not_before.count()) != nullptr,
          "notBefore");
    check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), spec.not_after.count()) != nullptr,
          "notAfter");
    check(X509_set_pubkey(cert.get(), key.get()) == 1, "X509_set_pubkey");

    X509_NAME* name = X509_get_subject_name(cert.get());
    check(X509_NAME_add_entry_by_txt(
              name, "CN", MBSTRING_ASC,
              reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1, -1, 0) == 1,
          "subject CN");
    check(X509_set_issuer_name(cert.get(), name) == 1, "X509_set_issuer_name");

    std::string san;
    for (const auto& dns : spec.dns_names) san += (san.empty() ? "DNS:" : ",DNS:") + dns;
    for (const auto& ip : spec.ip_addresses) san += (san.empty() ? "IP:" : ",IP:") + ip;
    // Like `openssl req -x509`: the certificate is its own CA, so a client can trust it alone.
    add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign");
    add_extension(cert.get(), NID_subject_key_identifier, "hash");
    if (!san.empty()) add_extension(cert.get(), NID_subject_alt_name, san);

    check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "X509_sign");

    CertFiles files{dir / (stem + ".crt"), dir / (stem + ".key")};
    write_pem(files.cert, [&](BIO* bio) { return PEM_write_bio_X509(bio, cert.get()); });
    write_pem(files.key, [&](BIO* bio) {
        return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    return files;
}

}  // namespace testsupport
