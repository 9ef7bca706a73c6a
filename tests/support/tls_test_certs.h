// Throw-away X.509 certificates for TLS tests, generated in-process with OpenSSL: a self-signed
// certificate per case (valid for localhost/127.0.0.1, for another name, expired, ...), written
// as PEM files a loopback httplib::SSLServer can serve and a client can trust as its CA bundle.
// Shared by the sdk HTTP client tests, the simulators' TLS mode tests and the Okta plugin tests.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace testsupport {

struct CertSpec {
    std::string common_name = "localhost";
    std::vector<std::string> dns_names = {"localhost"};     // subjectAltName DNS entries
    std::vector<std::string> ip_addresses = {"127.0.0.1"};  // subjectAltName IP entries
    // Validity window relative to now; an expired certificate has both in the past.
    std::chrono::seconds not_before = -std::chrono::hours(1);
    std::chrono::seconds not_after = std::chrono::hours(24);
};

struct CertFiles {
    std::filesystem::path cert;  // PEM certificate (self-signed: also its own CA bundle)
    std::filesystem::path key;   // PEM private key (unencrypted)
};

// Generates a fresh P-256 key and a self-signed certificate per `spec` and writes
// <dir>/<stem>.crt and <dir>/<stem>.key. Aborts the test (throws std::runtime_error) on failure.
CertFiles write_self_signed_cert(const std::filesystem::path& dir, const std::string& stem,
                                 const CertSpec& spec = {});

}  // namespace testsupport
