#include "ca_trust.h"

#include <asset_sdk/proxy.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace asset_sdk::detail {

namespace {

// The first of: the option, the environment variable (OpenSSL's own name for the default
// location, which the curl tool also reads), libcurl's built-in default.
std::string locate(const std::string& option, const char* env_name, CURL* easy, CURLINFO info) {
    if (!option.empty()) return option;
    if (auto v = process_env(env_name); v && !v->empty()) return *v;
    char* builtin = nullptr;
    if (curl_easy_getinfo(easy, info, &builtin) == CURLE_OK && builtin != nullptr) return builtin;
    return {};
}

bool read_file(const std::string& path, std::string& out, std::string& why) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        why = std::strerror(errno);
        return false;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    return true;
}

}  // namespace

TrustStore build_trust_store(const HttpClientOptions& options, CURL* easy) {
    TrustStore store;
    store.capath = locate(options.system_ca_dir, "SSL_CERT_DIR", easy, CURLINFO_CAPATH);
    const std::string system_file =
        locate(options.system_ca_file, "SSL_CERT_FILE", easy, CURLINFO_CAINFO);
    if (options.ca_file.empty()) {
        store.cainfo = system_file;
        return store;
    }
    std::string extra, why;
    if (!read_file(options.ca_file, extra, why)) {
        store.error = "cannot read the CA bundle '" + options.ca_file + "': " + why;
        return store;
    }
    // A system bundle that cannot be read (none on this machine) leaves the directory to it.
    std::string system_pem, ignored;
    if (!system_file.empty()) read_file(system_file, system_pem, ignored);
    store.pem = system_pem + "\n" + extra;
    return store;
}

void apply_trust_store(CURL* easy, const TrustStore& store) {
    if (!store.pem.empty()) {
        curl_blob blob{const_cast<char*>(store.pem.data()), store.pem.size(), CURL_BLOB_NOCOPY};
        curl_easy_setopt(easy, CURLOPT_CAINFO_BLOB, &blob);
    } else if (!store.cainfo.empty()) {
        curl_easy_setopt(easy, CURLOPT_CAINFO, store.cainfo.c_str());
    }
    if (!store.capath.empty()) curl_easy_setopt(easy, CURLOPT_CAPATH, store.capath.c_str());
}

}  // namespace asset_sdk::detail
