// A loaded, resolved and validated connector manifest (manifests/*.yaml). manifests/README.md
// documents the format. Produced by the manifest loader; consumed by the CLI
// commands, the delivery pipeline and the scheduler.
#pragma once

#include <asset_sdk/clock.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace asset_host {

struct ScheduleSpec {
    asset_sdk::Millis every{std::chrono::minutes(20)};  // start to start
};

struct SekoiaDestinationSpec {
    std::string base_url = "https://api.sekoia.io";  // normalised: no trailing slash
    std::string api_key;                             // resolved secret
    std::string connector_uuid;                      // validated UUID
    bool allow_insecure_http = false;                // http:// only when true (loopback sims)
    std::string ca_file;                             // extra CA bundle, optional
    std::string proxy;                               // optional; libcurl honours *_proxy anyway
    asset_sdk::Millis request_timeout{std::chrono::seconds(30)};
    asset_sdk::Millis retry_budget{std::chrono::minutes(10)};  // total retry time per batch
};

struct FileDestinationSpec {
    std::filesystem::path path;  // NDJSON, appended
};

struct DestinationSpec {
    enum class Type { kSekoia, kFile, kStdout };
    Type type = Type::kStdout;
    int batch_size = 100;   // 1..1000
    int max_in_flight = 4;  // batches in flight at once, 1..64
    // A record larger than this is refused (dead-lettered as too large), 1 KiB..64 MiB.
    std::size_t max_record_bytes = 1u << 20;
    SekoiaDestinationSpec sekoia;  // when type == kSekoia
    FileDestinationSpec file;      // when type == kFile
};

// Where the plugin runs (manifests/README.md, "Isolation and limits").
enum class Isolation {
    kProcess,  // a worker process per call: a crash or hang costs one cycle (the default)
    kThread    // inside the host, on the cycle's thread: for debugging a plugin
};

struct LimitsSpec {
    std::uint64_t memory = 0;                        // bytes of address space (0: none)
    std::optional<asset_sdk::Millis> cycle_timeout;  // wall-clock bound of a fetch (none: no bound)
};

struct Manifest {
    std::filesystem::path file;  // where it was loaded from (for messages)
    std::string name;            // unique connector name, [a-z0-9][a-z0-9_-]*
    std::string plugin;          // plugin id
    bool enabled = true;
    std::string log_level;  // this connector's log level (trace..error); empty: --log-level
    ScheduleSpec schedule;
    nlohmann::json config;  // references resolved, validated against the plugin's schema
    DestinationSpec destination;
    Isolation isolation = Isolation::kProcess;
    LimitsSpec limits;                       // applied with isolation: process
    std::vector<std::string> secret_values;  // resolved secrets, for redaction; never printed
};

}  // namespace asset_host
