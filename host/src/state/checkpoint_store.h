// Per-connector checkpoint files in the state directory: <state_dir>/<connector>.json.
// Writes are atomic (temp file in the same directory, fsync, rename, fsync of the directory),
// so a crash leaves either the old or the new checkpoint, never a torn one.
// File content: {"connector": "...", "plugin": "...", "updated_at": "<ISO-8601>",
//                "marker": <the plugin's opaque marker JSON, stored verbatim>}
#pragma once

#include <asset_sdk/status.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace asset_host {

struct StoredCheckpoint {
    std::string connector;
    std::string plugin;
    std::string updated_at;
    std::string marker_json;  // verbatim
};

class CheckpointStore {
public:
    explicit CheckpointStore(std::filesystem::path state_dir);

    // nullopt when the connector has no checkpoint yet.
    asset_sdk::Result<std::optional<StoredCheckpoint>> load(std::string_view connector) const;
    // Creates the state directory when missing.
    asset_sdk::Status save(std::string_view connector, std::string_view plugin,
                           std::string_view marker_json);
    // Removing a checkpoint that does not exist is not an error.
    asset_sdk::Status reset(std::string_view connector);

    std::filesystem::path path_for(std::string_view connector) const;
    // The state directory (the dead-letter files live beside the checkpoints).
    const std::filesystem::path& dir() const { return dir_; }

private:
    std::filesystem::path dir_;
};

}  // namespace asset_host
