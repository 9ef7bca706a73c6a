// What the command line resolved to: the global options every command sees, and each command's
// own arguments. Parsing lives in app.cpp; commands receive these plain structs.
#pragma once

#include "common/logging.h"
#include "observe/listen_address.h"
#include "scheduler/shard.h"

#include <asset_sdk/clock.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace asset_host {

struct GlobalOptions {
    std::filesystem::path plugins_dir;    // --plugins-dir / ASSET_HOST_PLUGINS_DIR
    std::filesystem::path manifests_dir;  // --manifests-dir / ASSET_HOST_MANIFESTS_DIR
    std::filesystem::path state_dir;      // --state-dir / ASSET_HOST_STATE_DIR
    spdlog::level::level_enum log_level = spdlog::level::info;  // --log-level
    LogFormat log_format = LogFormat::kText;                    // --log-format
};

struct PluginsArgs {
    bool json = false;
};

struct ValidateArgs {
    std::vector<std::string> targets;  // NAME|FILE...; empty = every manifest in the directory
};

struct TestArgs {
    std::string target;  // NAME|FILE
    bool json = false;
};

struct FetchArgs {
    std::string target;                 // NAME|FILE
    std::optional<std::string> output;  // --output FILE|- ; nullopt = deliver to the destination
    bool full = false;                  // --full: ignore the stored checkpoint
};

struct RunArgs {
    bool once = false;  // --once: one cycle of every enabled connector, then exit
    // --grace-period: on SIGTERM/SIGINT, how long in-flight batches may take to finish.
    asset_sdk::Millis grace_period{std::chrono::seconds(30)};
    // --listen / ASSET_HOST_LISTEN: serve /metrics, /healthz, /readyz there; nullopt = off.
    std::optional<observe::ListenAddress> listen;
    // --shard I/N / ASSET_HOST_SHARD: run only the connectors of shard I (scheduler/shard.h);
    // nullopt = all.
    std::optional<scheduler::Shard> shard;
    // --max-concurrent-cycles / ASSET_HOST_MAX_CONCURRENT_CYCLES: at most this many cycles
    // (and worker processes) at once; 0 = scheduler::default_max_concurrent_cycles().
    int max_concurrent_cycles = 0;
};

struct StateArgs {
    std::string target;  // NAME|FILE
    bool json = false;   // state rejected --json
};

struct ReplayArgs {
    std::string target;          // NAME|FILE
    std::filesystem::path file;  // NDJSON: a dead-letter file or plain records
};

struct StatusArgs {
    std::optional<std::string> target;  // NAME|FILE; nullopt = every manifest
    bool json = false;
};

}  // namespace asset_host
