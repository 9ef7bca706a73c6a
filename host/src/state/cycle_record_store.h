// The last cycle of each connector, as `asset-host status` shows it whether or not the daemon
// runs: <state_dir>/<connector>.last-cycle.json, written by `run` after every cycle (and when
// the next one is scheduled), atomically like checkpoints (state/atomic_file.h). Connector
// names never contain a dot, so these files cannot be mistaken for a checkpoint.
//
// File content: {"connector","plugin","started_at","duration_s","outcome","mode",
//                "records_delivered","records_rejected","error","last_success_at",
//                "next_due_at"} — times ISO-8601 UTC, "" when unknown.
#pragma once

#include <asset_sdk/status.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace asset_host {

struct CycleRecord {
    std::string connector;
    std::string plugin;
    std::string started_at;  // ISO-8601
    double duration_s = 0;
    std::string outcome;  // success | partial | failed | cancelled
    std::string mode;     // the plugin's cycle mode, "-" when it said none
    std::uint64_t records_delivered = 0;
    std::uint64_t records_rejected = 0;
    std::string error;            // when failed; never a secret (the host redacts it)
    std::string last_success_at;  // end of the last successful cycle; "" never
    std::string next_due_at;      // "" unknown (run --once, or the daemon stopped)
};

class CycleRecordStore {
public:
    explicit CycleRecordStore(std::filesystem::path state_dir);

    // nullopt when the connector never ran a cycle under `run`.
    asset_sdk::Result<std::optional<CycleRecord>> load(std::string_view connector) const;
    // Writes the record (thread-safe; the last one per connector is kept in memory too).
    asset_sdk::Status save(const CycleRecord& record);
    // Rewrites the connector's last record with its next due time; nothing when it has none.
    asset_sdk::Status set_next_due(std::string_view connector, const std::string& next_due_at);

    std::filesystem::path path_for(std::string_view connector) const;

private:
    std::filesystem::path dir_;
    std::mutex mu_;
    std::map<std::string, CycleRecord, std::less<>> last_;
};

}  // namespace asset_host
