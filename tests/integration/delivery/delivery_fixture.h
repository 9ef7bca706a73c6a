// Integration rig for delivery, on the shared harness (tests/support): the real asset-host
// binary with the real example plugin in a HostSandbox, delivering to the real sekoia-sim over
// loopback. Reads the persisted checkpoint and the sim's view to check "nothing lost" from the
// outside.
#pragma once

#include "host_sandbox.h"
#include "process.h"
#include "sekoia_sim.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>

namespace deliveryit {

using nlohmann::json;
using testsupport::contains;

inline constexpr const char* kKey = "sk-integration-3e8a41";
inline constexpr const char* kUuidA = "3f2b8c1e-6d4a-4e9b-a1c2-7d8e9f0a1b2c";
inline constexpr const char* kUuidB = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

struct ConnectorSpec {
    std::string name = "devices";
    std::string uuid = kUuidA;
    int records = 2000;
    int checkpoint_every = 50;
    int delay_ms = 0;
    int batch_size = 100;
    int max_in_flight = 4;
    std::string every = "1h";
    std::string key_env = "SEKOIA_API_KEY";
    std::string retry_budget = "30s";
    std::string extra_config;  // more lines under config: (indented by two spaces)
};

// The default connector with `records` devices.
inline ConnectorSpec with_records(int records) {
    ConnectorSpec c;
    c.records = records;
    return c;
}

class Rig : public testsupport::HostSandbox {
public:
    Rig() : HostSandbox({"example"}), sim(testsupport::SekoiaSim::args(kKey)) {
        set_secret_env("SEKOIA_API_KEY", kKey);
    }

    void write_manifest(const ConnectorSpec& c) const {
        std::string y;
        y += "name: " + c.name + "\nplugin: example\n";
        y += "schedule: { every: " + c.every + " }\n";
        y += "config:\n";
        y += "  records: " + std::to_string(c.records) + "\n";
        y += "  checkpoint_every: " + std::to_string(c.checkpoint_every) + "\n";
        y += "  delay_ms: " + std::to_string(c.delay_ms) + "\n";
        y += c.extra_config;
        y += "destination:\n  type: sekoia\n";
        y += "  base_url: " + sim.url() + "\n";
        y += "  api_key: ${env:" + c.key_env + "}\n";
        y += "  connector_uuid: " + c.uuid + "\n";
        y += "  allow_insecure_http: true\n";
        y += "  batch_size: " + std::to_string(c.batch_size) + "\n";
        y += "  max_in_flight: " + std::to_string(c.max_in_flight) + "\n";
        y += "  request_timeout: 2s\n";
        y += "  retry_budget: " + c.retry_budget + "\n";
        manifest(c.name + ".yaml", y);
    }

    // The persisted marker's "next" (devices example-0 .. example-(next-1) are covered).
    std::optional<long> checkpoint(const std::string& name = "devices") const {
        const auto m = marker(name);
        if (!m) return std::nullopt;
        return (*m)["next"].get<long>();
    }

    json stats() const { return sim.stats(); }
    std::set<std::string> uids() const { return sim.uids(); }

    // "Nothing lost", checked from outside: every device the checkpoint covers has arrived.
    // Read the checkpoint first: the sim's set only grows, so a later read is a superset.
    bool checkpoint_covered() const {
        const auto n = checkpoint();
        if (!n) return true;
        const auto have = uids();
        for (long i = 0; i < *n; ++i) {
            if (!have.count("example-" + std::to_string(i))) return false;
        }
        return true;
    }

    static bool all_devices(const std::set<std::string>& uids, long count) {
        for (long i = 0; i < count; ++i) {
            if (!uids.count("example-" + std::to_string(i))) return false;
        }
        return true;
    }

    testsupport::SekoiaSim sim;
};

}  // namespace deliveryit
