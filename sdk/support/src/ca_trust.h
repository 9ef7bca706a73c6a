// The certificates an HTTP client trusts: the system's store AND the extra bundle of
// HttpClientOptions::ca_file (a TLS-inspecting proxy's CA, a private CA). libcurl's CAINFO alone
// would REPLACE the system bundle with the extra one; here the system bundle file and the extra
// bundle go to libcurl together as one PEM blob (CURLOPT_CAINFO_BLOB, which every TLS backend
// takes), and the system directory of hashed certificates stays set (CURLOPT_CAPATH), so both
// are trusted at once whatever form the system store has. Private to the sdk's HTTP client.
#pragma once

#include <asset_sdk/http_client.h>

#include <curl/curl.h>

#include <string>

namespace asset_sdk::detail {

struct TrustStore {
    std::string pem;     // system bundle + extra bundle (PEM); empty when there is no extra one
    std::string cainfo;  // without an extra bundle: the system bundle file
    std::string capath;  // the system directory of hashed certificates
    std::string error;   // the extra bundle could not be read: why (names the file)
};

// Resolves the system store (options, then SSL_CERT_FILE / SSL_CERT_DIR, then libcurl's
// built-in locations read from `easy`) and reads the files once.
TrustStore build_trust_store(const HttpClientOptions& options, CURL* easy);

// Sets the store on `easy` for the next transfer; `store` must outlive it.
void apply_trust_store(CURL* easy, const TrustStore& store);

}  // namespace asset_sdk::detail
