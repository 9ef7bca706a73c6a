// End-to-end rig: okta-sim → the real asset-host binary loading the real okta_device.so →
// sekoia-sim, all over loopback HTTP, on the shared harness (tests/support: HostSandbox and the
// simulators' wrappers). Every test gets its own sandbox and its own simulators. Secrets reach
// asset-host only through ${env:...} references, and every run is checked for them in stdout,
// stderr and the state directory.
#pragma once

#include "host_sandbox.h"
#include "okta_sim.h"
#include "process.h"
#include "sekoia_sim.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace e2e {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

inline constexpr const char* kOktaToken = "e2e-SECRET-okta-token-7f3a91c";
inline constexpr const char* kSekoiaKey = "e2e-SECRET-sekoia-key-b52c04e";
inline constexpr const char* kUuidA = "5c1d7e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f";
inline constexpr const char* kUuidB = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";

using testsupport::check_named;
using testsupport::contains;

// The summary line of one connector's cycle (delivery README), or "" when absent.
inline std::string summary_line(const std::string& err, const std::string& connector) {
    for (const auto& line : testsupport::split_lines(err)) {
        if (contains(line, "cycle connector=" + connector + " ")) return line;
    }
    return {};
}

// Okta's `after` cursor is unpadded base64url of "c:" + the last id of the previous page
// (tests/sim/okta/README.md). Returns that id, or nullopt when the text is not such a cursor.
inline std::optional<std::string> cursor_id(const std::string& cursor) {
    auto sextet = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '-') return 62;
        if (c == '_') return 63;
        return -1;
    };
    std::string out;
    unsigned bits = 0;
    int nbits = 0;
    for (char c : cursor) {
        const int v = sextet(c);
        if (v < 0) return std::nullopt;
        bits = (bits << 6) | static_cast<unsigned>(v);
        nbits += 6;
        if (nbits >= 8) {
            nbits -= 8;
            out.push_back(static_cast<char>((bits >> nbits) & 0xFF));
        }
    }
    if (out.rfind("c:", 0) != 0) return std::nullopt;
    return out.substr(2);
}

// The value of query parameter `name` in a path?query (no decoding: cursors need none).
inline std::optional<std::string> query_param(const std::string& target, const std::string& name) {
    const auto q = target.find('?');
    if (q == std::string::npos) return std::nullopt;
    std::size_t pos = q + 1;
    while (pos <= target.size()) {
        const auto end = std::min(target.find('&', pos), target.size());
        const std::string pair = target.substr(pos, end - pos);
        if (pair.rfind(name + "=", 0) == 0) return pair.substr(name.size() + 1);
        pos = end + 1;
    }
    return std::nullopt;
}

// okta-sim with the e2e token and seed.
struct OktaSim : testsupport::OktaSim {
    explicit OktaSim(int devices, std::vector<std::string> extra = {})
        : testsupport::OktaSim(args(devices, kOktaToken, 29, std::move(extra))) {}
};

// sekoia-sim accepting the e2e key.
struct SekoiaSim : testsupport::SekoiaSim {
    explicit SekoiaSim(std::vector<std::string> extra = {})
        : testsupport::SekoiaSim(args(kSekoiaKey, std::move(extra))) {}
};

// One Okta Device connector delivering to Sekoia.
struct Connector {
    std::string name = "okta-devices";
    std::string okta_url;
    std::string token_env = "OKTA_API_TOKEN";
    int page_size = 100;
    std::string full_sync_every = "24h";
    std::string rate_limit_reserve = "0.5";
    std::string sekoia_url;
    std::string uuid = kUuidA;
    std::string key_env = "SEKOIA_API_KEY";
    bool insecure_sekoia = true;
    std::string ca_file;       // destination.ca_file, empty: none
    std::string okta_ca_file;  // config.ca_file, empty: none
    int batch_size = 100;
    int max_in_flight = 4;
    std::string every = "1h";
    std::string retry_budget = "30s";
};

// The default connector between these two simulators.
inline Connector connector_for(const OktaSim& okta, const SekoiaSim& sekoia) {
    Connector c;
    c.okta_url = okta.url();
    c.sekoia_url = sekoia.url();
    return c;
}

// The sandbox with the Okta plugin, both secrets handed over by environment (and checked for
// after every run), and the manifest of a Connector.
class Host : public testsupport::HostSandbox {
public:
    Host() : HostSandbox({"okta_device"}) {
        set_secret_env("OKTA_API_TOKEN", kOktaToken);
        set_secret_env("SEKOIA_API_KEY", kSekoiaKey);
    }

    void write_manifest(const Connector& c) const {
        std::string y;
        y += "name: " + c.name + "\nplugin: okta_device\n";
        y += "schedule: { every: " + c.every + " }\n";
        y += "config:\n";
        y += "  base_url: " + c.okta_url + "\n";
        y += "  api_token: ${env:" + c.token_env + "}\n";
        y += "  allow_insecure_http: true\n";
        if (!c.okta_ca_file.empty()) y += "  ca_file: " + c.okta_ca_file + "\n";
        y += "  page_size: " + std::to_string(c.page_size) + "\n";
        y += "  full_sync_every: " + c.full_sync_every + "\n";
        y += "  rate_limit_reserve: " + c.rate_limit_reserve + "\n";
        y += "  max_retry_time: 30s\n";
        y += "destination:\n  type: sekoia\n";
        y += "  base_url: " + c.sekoia_url + "\n";
        y += "  api_key: ${env:" + c.key_env + "}\n";
        y += "  connector_uuid: " + c.uuid + "\n";
        if (c.insecure_sekoia) y += "  allow_insecure_http: true\n";
        if (!c.ca_file.empty()) y += "  ca_file: " + c.ca_file + "\n";
        y += "  batch_size: " + std::to_string(c.batch_size) + "\n";
        y += "  max_in_flight: " + std::to_string(c.max_in_flight) + "\n";
        y += "  request_timeout: 5s\n";
        y += "  retry_budget: " + c.retry_budget + "\n";
        manifest(c.name + ".yaml", y);
    }

    // The connector's checkpoint (default: the Connector's default name).
    std::optional<std::string> state_text(const std::string& name = "okta-devices") const {
        return HostSandbox::state_text(name);
    }
    std::optional<json> marker(const std::string& name = "okta-devices") const {
        return HostSandbox::marker(name);
    }
};

}  // namespace e2e
