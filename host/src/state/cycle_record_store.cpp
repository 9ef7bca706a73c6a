#include "state/cycle_record_store.h"

#include "common/paths.h"
#include "state/atomic_file.h"

#include <nlohmann/json.hpp>

#include <system_error>

namespace asset_host {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxRecordBytes = 64 << 10;

std::string to_json(const CycleRecord& r) {
    const nlohmann::ordered_json doc = {{"connector", r.connector},
                                        {"plugin", r.plugin},
                                        {"started_at", r.started_at},
                                        {"duration_s", r.duration_s},
                                        {"outcome", r.outcome},
                                        {"mode", r.mode},
                                        {"records_delivered", r.records_delivered},
                                        {"records_rejected", r.records_rejected},
                                        {"error", r.error},
                                        {"last_success_at", r.last_success_at},
                                        {"next_due_at", r.next_due_at}};
    return doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

CycleRecord from_json(const nlohmann::json& doc) {
    CycleRecord r;
    r.connector = doc.value("connector", "");
    r.plugin = doc.value("plugin", "");
    r.started_at = doc.value("started_at", "");
    r.duration_s = doc.value("duration_s", 0.0);
    r.outcome = doc.value("outcome", "");
    r.mode = doc.value("mode", "-");
    r.records_delivered = doc.value("records_delivered", std::uint64_t{0});
    r.records_rejected = doc.value("records_rejected", std::uint64_t{0});
    r.error = doc.value("error", "");
    r.last_success_at = doc.value("last_success_at", "");
    r.next_due_at = doc.value("next_due_at", "");
    return r;
}

}  // namespace

CycleRecordStore::CycleRecordStore(fs::path state_dir) : dir_(std::move(state_dir)) {}

fs::path CycleRecordStore::path_for(std::string_view connector) const {
    return dir_ / (std::string(connector) + ".last-cycle.json");
}

asset_sdk::Result<std::optional<CycleRecord>> CycleRecordStore::load(
    std::string_view connector) const {
    const fs::path file = path_for(connector);
    std::error_code ec;
    if (!fs::exists(file, ec)) return std::optional<CycleRecord>();
    auto text = read_small_file(file, kMaxRecordBytes);
    if (!text) {
        return asset_sdk::io_error(display_path(file) +
                                   ": cannot read the last cycle: " + text.status().message());
    }
    const nlohmann::json doc = nlohmann::json::parse(*text, nullptr, false);
    if (!doc.is_object()) {
        return asset_sdk::io_error(display_path(file) +
                                   ": not the JSON object asset-host writes; the next cycle "
                                   "replaces it");
    }
    try {
        return std::optional<CycleRecord>(from_json(doc));
    } catch (const nlohmann::json::exception&) {  // a member of the wrong type
        return asset_sdk::io_error(display_path(file) +
                                   ": not the JSON object asset-host writes; the next cycle "
                                   "replaces it");
    }
}

asset_sdk::Status CycleRecordStore::save(const CycleRecord& record) {
    std::lock_guard lock(mu_);
    last_[record.connector] = record;
    return write_file_atomically(path_for(record.connector), to_json(record), "the last cycle");
}

asset_sdk::Status CycleRecordStore::set_next_due(std::string_view connector,
                                                 const std::string& next_due_at) {
    std::lock_guard lock(mu_);
    auto it = last_.find(connector);
    if (it == last_.end()) return asset_sdk::Status::ok();
    it->second.next_due_at = next_due_at;
    return write_file_atomically(path_for(connector), to_json(it->second), "the last cycle");
}

}  // namespace asset_host
