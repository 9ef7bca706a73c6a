// Integration rig for delivery: the real asset-host binary with the real example plugin, in a
// private directory, delivering to the real sekoia-sim over loopback. Reads the persisted
// checkpoint and the sim's view to check "nothing lost" from the outside.
#pragma once

#include "process.h"
#include "sim_process.h"
#include "temp_dir.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace deliveryit {

namespace fs = std::filesystem;
using nlohmann::json;

inline const fs::path kBin = ASSET_HOST_BIN;
inline const fs::path kExamplePlugin = fs::path(ASSET_HOST_PLUGINS_DIR) / "example.so";
inline constexpr const char* kKey = "sk-integration-3e8a41";
inline constexpr const char* kUuidA = "3f2b8c1e-6d4a-4e9b-a1c2-7d8e9f0a1b2c";
inline constexpr const char* kUuidB = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

// The configuration variables of asset-host: never inherited from the test runner.
inline const std::vector<std::string> kHostEnv = {
    "ASSET_HOST_PLUGINS_DIR", "ASSET_HOST_MANIFESTS_DIR", "ASSET_HOST_STATE_DIR",
    "ASSET_HOST_LOG_LEVEL", "ASSET_HOST_LOG_FORMAT"};

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
};

class Rig {
public:
    Rig() : sim(ASSET_HOST_SEKOIA_SIM_BIN, {"--api-key", kKey}) {
        fs::create_directories(tmp.path() / "plugins");
        fs::create_directories(tmp.path() / "manifests");
        fs::create_symlink(kExamplePlugin, tmp.path() / "plugins" / "example.so");
    }

    void write_manifest(const ConnectorSpec& c) const {
        std::string y;
        y += "name: " + c.name + "\nplugin: example\n";
        y += "schedule: { every: " + c.every + " }\n";
        y += "config:\n";
        y += "  records: " + std::to_string(c.records) + "\n";
        y += "  checkpoint_every: " + std::to_string(c.checkpoint_every) + "\n";
        y += "  delay_ms: " + std::to_string(c.delay_ms) + "\n";
        y += "destination:\n  type: sekoia\n";
        y += "  base_url: " + sim.base_url() + "\n";
        y += "  api_key: ${env:" + c.key_env + "}\n";
        y += "  connector_uuid: " + c.uuid + "\n";
        y += "  allow_insecure_http: true\n";
        y += "  batch_size: " + std::to_string(c.batch_size) + "\n";
        y += "  max_in_flight: " + std::to_string(c.max_in_flight) + "\n";
        y += "  request_timeout: 2s\n";
        y += "  retry_budget: " + c.retry_budget + "\n";
        tmp.write("manifests/" + c.name + ".yaml", y);
    }

    std::vector<std::string> argv(const std::vector<std::string>& args) const {
        std::vector<std::string> v = {kBin.string(), "--plugins-dir", "plugins", "--manifests-dir",
                                      "manifests",   "--state-dir",   "state"};
        v.insert(v.end(), args.begin(), args.end());
        return v;
    }

    testsupport::ProcessOptions options() const {
        testsupport::ProcessOptions o;
        o.cwd = tmp.path().string();
        o.unset_env = kHostEnv;
        o.env = env;
        return o;
    }

    testsupport::ProcessResult run(const std::vector<std::string>& args,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(90)) {
        return testsupport::run_process(argv(args), options(), timeout);
    }

    std::unique_ptr<testsupport::Process> start(const std::vector<std::string>& args) {
        return std::make_unique<testsupport::Process>(argv(args), options());
    }

    // The persisted marker's "next" (devices example-0 .. example-(next-1) are covered).
    std::optional<long> checkpoint(const std::string& name = "devices") const {
        const fs::path file = tmp.path() / "state" / (name + ".json");
        std::error_code ec;
        if (!fs::exists(file, ec)) return std::nullopt;
        const json doc = json::parse(testsupport::read_file(file), nullptr, false);
        if (!doc.is_object() || !doc.contains("marker")) return std::nullopt;
        return doc["marker"]["next"].get<long>();
    }

    json stats() const { return sim.get_json("/_sim/stats"); }
    std::set<std::string> uids() const {
        const json doc = sim.get_json("/_sim/uids");
        std::set<std::string> out;
        for (const auto& u : doc["uids"]) out.insert(u.get<std::string>());
        return out;
    }
    void faults(const std::string& json_body) const {
        sim.post_json("/_sim/faults", json::parse(json_body));
    }

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

    testsupport::TempDir tmp;
    testsupport::SimProcess sim;
    std::map<std::string, std::string> env{{"SEKOIA_API_KEY", kKey}};
};

inline bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace deliveryit
