// sekoia-sim as the Sekoia destination's tests use it: accepting one API key, with a
// destination spec pointing at it, and the checks every such test makes. Header-only; for
// doctest executables.
#pragma once

#include "config/manifest.h"

#include "sekoia_sim.h"
#include "temp_dir.h"
#include "tls_test_certs.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace deliverytest {

inline constexpr const char* kSekoiaKey = "sk-test-5d1f0c9a7be24e6f";
inline constexpr const char* kConnectorUuid = "04716e25-c97f-4a22-925e-8b636ad9c8a4";

// sekoia-sim accepting kSekoiaKey; spec() is a destination pointing at it over plain http.
struct SekoiaTestSim : testsupport::SekoiaSim {
    explicit SekoiaTestSim(std::vector<std::string> extra = {})
        : SekoiaSim(args(kSekoiaKey, std::move(extra))) {}
    asset_host::SekoiaDestinationSpec spec() const {
        using namespace std::chrono_literals;
        asset_host::SekoiaDestinationSpec s;
        s.base_url = url();
        s.api_key = kSekoiaKey;
        s.connector_uuid = kConnectorUuid;
        s.allow_insecure_http = true;
        s.request_timeout = 5s;
        s.retry_budget = 60s;
        return s;
    }
};

// Every error text must be free of the key.
inline void check_no_key(const std::string& text) {
    CHECK(text.find(kSekoiaKey) == std::string::npos);
}

// A self-signed certificate for 127.0.0.1 (and localhost), written to `dir`: {cert, key}.
inline std::pair<std::string, std::string> make_cert(const testsupport::TempDir& dir) {
    const auto files = testsupport::write_self_signed_cert(dir.path(), "sim");
    return {files.cert.string(), files.key.string()};
}

}  // namespace deliverytest
