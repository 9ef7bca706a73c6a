#include "state/checkpoint_store.h"

#include "common/paths.h"
#include "state/atomic_file.h"

#include <asset_sdk/json_writer.h>
#include <asset_sdk/text.h>
#include <asset_sdk/time_util.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <simdjson.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <system_error>

namespace asset_host {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxCheckpointBytes = 16 << 20;

// Connector names are validated by the manifest schema; this guards the store on its own so a
// name can never escape the state directory.
bool safe_name(std::string_view name) {
    if (name.empty() || name.size() > 128 || name[0] == '.') return false;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
        if (!ok) return false;
    }
    return true;
}

// The text of the file's "marker" member exactly as it is in the file (the plugin's own bytes:
// save() copies them verbatim). Re-serialising would reorder keys and reformat numbers, and the
// delivery pipeline compares marker text to skip rewriting an identical checkpoint.
// nullopt if the member cannot be located (the caller falls back to re-serialising).
std::optional<std::string> raw_marker_text(const std::string& file_text) {
    simdjson::ondemand::parser parser;
    const simdjson::padded_string padded(file_text);
    simdjson::ondemand::document doc;
    if (parser.iterate(padded).get(doc)) return std::nullopt;
    simdjson::ondemand::object root;
    if (doc.get_object().get(root)) return std::nullopt;
    for (auto field : root) {
        std::string_view key;
        if (field.unescaped_key().get(key)) return std::nullopt;
        if (key != "marker") continue;
        simdjson::ondemand::value value;
        if (field.value().get(value)) return std::nullopt;
        simdjson::ondemand::json_type type;
        if (value.type().get(type)) return std::nullopt;
        std::string_view raw;
        simdjson::error_code error = simdjson::SUCCESS;
        if (type == simdjson::ondemand::json_type::object) {
            simdjson::ondemand::object obj;
            error = value.get_object().get(obj);
            if (!error) error = obj.raw_json().get(raw);
        } else if (type == simdjson::ondemand::json_type::array) {
            simdjson::ondemand::array arr;
            error = value.get_array().get(arr);
            if (!error) error = arr.raw_json().get(raw);
        } else {
            raw = value.raw_json_token();  // includes trailing whitespace
        }
        if (error) return std::nullopt;
        return std::string(asset_sdk::trim(raw));
    }
    return std::nullopt;
}

}  // namespace

CheckpointStore::CheckpointStore(fs::path state_dir) : dir_(std::move(state_dir)) {}

fs::path CheckpointStore::path_for(std::string_view connector) const {
    return dir_ / (std::string(connector) + ".json");
}

asset_sdk::Result<std::optional<StoredCheckpoint>> CheckpointStore::load(
    std::string_view connector) const {
    if (!safe_name(connector)) {
        return asset_sdk::invalid_argument("invalid connector name for a checkpoint");
    }
    const fs::path file = path_for(connector);
    const std::string where = display_path(file);
    std::error_code ec;
    if (!fs::exists(file, ec)) return std::optional<StoredCheckpoint>();
    auto text = read_small_file(file, kMaxCheckpointBytes);
    if (!text)
        return asset_sdk::io_error(where + ": cannot read checkpoint: " + text.status().message());
    nlohmann::json doc = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("marker") ||
        !doc.value("connector", nlohmann::json()).is_string()) {
        return asset_sdk::io_error(where +
                                   ": corrupt checkpoint file (not the JSON object asset-host "
                                   "writes); remove it with `asset-host state reset " +
                                   std::string(connector) + "`");
    }
    StoredCheckpoint cp;
    cp.connector = doc["connector"].get<std::string>();
    if (doc.contains("plugin") && doc["plugin"].is_string()) cp.plugin = doc["plugin"];
    if (doc.contains("updated_at") && doc["updated_at"].is_string())
        cp.updated_at = doc["updated_at"];
    // Verbatim, as promised in the header (the file was validated as JSON above).
    if (auto raw = raw_marker_text(*text)) {
        cp.marker_json = std::move(*raw);
    } else {
        cp.marker_json =
            doc["marker"].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    return std::optional<StoredCheckpoint>(std::move(cp));
}

asset_sdk::Status CheckpointStore::save(std::string_view connector, std::string_view plugin,
                                        std::string_view marker_json) {
    if (!safe_name(connector)) {
        return asset_sdk::invalid_argument("invalid connector name for a checkpoint");
    }
    const std::string_view marker = asset_sdk::trim(marker_json);  // the value, not its layout
    if (marker.empty() || !nlohmann::json::accept(marker)) {
        return asset_sdk::invalid_argument("checkpoint marker from plugin " + std::string(plugin) +
                                           " is not valid JSON; not stored");
    }
    // The marker is copied verbatim (it is the plugin's own JSON); the rest is ours.
    std::string content;
    asset_sdk::JsonWriter(content)
        .begin_object()
        .field("connector", connector)
        .field("plugin", plugin)
        .field("updated_at", asset_sdk::format_iso8601_ms(std::chrono::system_clock::now()))
        .key("marker")
        .raw(marker)
        .end_object();
    content += '\n';
    return write_file_atomically(path_for(connector), content, "checkpoint");
}

asset_sdk::Status CheckpointStore::reset(std::string_view connector) {
    if (!safe_name(connector)) {
        return asset_sdk::invalid_argument("invalid connector name for a checkpoint");
    }
    const fs::path file = path_for(connector);
    if (::unlink(file.c_str()) != 0) {
        if (errno == ENOENT) return asset_sdk::Status::ok();
        return asset_sdk::io_error(display_path(file) +
                                   ": cannot remove checkpoint: " + errno_message(errno));
    }
    asset_sdk::Status st = fsync_dir(dir_);
    if (!st.is_ok()) {
        return asset_sdk::io_error(display_path(dir_) +
                                   ": cannot sync state directory: " + st.message());
    }
    return asset_sdk::Status::ok();
}

}  // namespace asset_host
