// asset-host state show|reset|rejected NAME|FILE: a connector's stored checkpoint and its
// dead-letter file. Needs only the manifest's name, never the plugin (a connector whose plugin
// is broken can still be reset).
#include "cli/commands.h"
#include "cli/connector_setup.h"
#include "common/console.h"
#include "common/exit_codes.h"
#include "common/paths.h"
#include "config/manifest_finder.h"
#include "delivery/dead_letter.h"
#include "state/checkpoint_store.h"

#include <asset_sdk/text.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <system_error>

namespace asset_host {

namespace {

std::optional<std::string> connector_name(const GlobalOptions& g, const std::string& target) {
    auto file = find_manifest(target, g.manifests_dir);
    if (!file) {
        print_error("asset-host: " + file.status().message());
        return std::nullopt;
    }
    // A NAME was found by matching the name field of the manifests: it is the name.
    if (!is_file_argument(target)) return target;
    auto name = peek_manifest_name(*file);
    if (!name) {
        print_error(display_path(*file) +
                    ": name: cannot read the connector name (run asset-host validate on it)");
        return std::nullopt;
    }
    return name;
}

// One dead-letter entry as a line: time, status, reason, and a short excerpt of the record
// (records are the plugin's business: no field is singled out).
std::string rejected_line(const nlohmann::ordered_json& entry) {
    constexpr std::size_t kExcerpt = 120;
    auto text = [&](const char* key) {
        const auto it = entry.find(key);
        if (it == entry.end()) return std::string("-");
        return it->is_string() ? it->get<std::string>() : it->dump();
    };
    const auto record = entry.find("record");
    std::string excerpt = "(not kept: " + text("record_bytes") + " bytes)";
    if (record != entry.end() && !record->is_null()) {
        excerpt = asset_sdk::one_line(
            record->dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace),
            kExcerpt);
    }
    return text("time") + "  status=" + text("status") + "  " + text("reason") + "  " + excerpt;
}

// The entries of the dead-letter files (the rotated one first); unparsable lines are counted.
std::vector<nlohmann::ordered_json> read_dead_letters(const std::filesystem::path& file,
                                                      int& unreadable) {
    std::vector<nlohmann::ordered_json> out;
    std::filesystem::path older = file;
    older += ".1";
    for (const auto& path : {older, file}) {
        std::ifstream in(path);
        for (std::string line; std::getline(in, line);) {
            auto entry = nlohmann::ordered_json::parse(line, nullptr, false);
            if (entry.is_object()) {
                out.push_back(std::move(entry));
            } else if (!line.empty()) {
                ++unreadable;  // a line torn by a crash
            }
        }
    }
    return out;
}

}  // namespace

int cmd_state_show(const GlobalOptions& g, const StateArgs& args) {
    const auto name = connector_name(g, args.target);
    if (!name) return kExitUsage;
    CheckpointStore store(g.state_dir);
    auto stored = store.load(*name);
    if (!stored) {
        print_error("asset-host: " + stored.status().message());
        return kExitFailure;
    }
    if (!*stored) {
        print_out("no checkpoint for " + *name);
        return kExitOk;
    }
    const StoredCheckpoint& cp = **stored;
    nlohmann::ordered_json doc = {
        {"connector", cp.connector},
        {"plugin", cp.plugin},
        {"updated_at", cp.updated_at},
        {"marker", nlohmann::ordered_json::parse(cp.marker_json, nullptr, false)},
        {"file", display_path(store.path_for(*name))}};
    print_out(doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
    return kExitOk;
}

int cmd_state_reset(const GlobalOptions& g, const StateArgs& args) {
    const auto name = connector_name(g, args.target);
    if (!name) return kExitUsage;
    int exit_code = kExitOk;
    const auto lock = lock_state_dir(g, exit_code);  // never under a running connector's feet
    if (!lock) return exit_code;
    CheckpointStore store(g.state_dir);
    std::error_code ec;
    const bool had = std::filesystem::exists(store.path_for(*name), ec);
    if (auto st = store.reset(*name); !st.is_ok()) {
        print_error("asset-host: " + st.message());
        return kExitFailure;
    }
    print_out(had ? "checkpoint for " + *name + " removed" : "no checkpoint for " + *name);
    return kExitOk;
}

int cmd_state_rejected(const GlobalOptions& g, const StateArgs& args) {
    const auto name = connector_name(g, args.target);
    if (!name) return kExitUsage;
    const std::filesystem::path file = delivery::dead_letter_path(g.state_dir, *name);
    int unreadable = 0;
    const auto entries = read_dead_letters(file, unreadable);
    if (args.json) {
        print_out(nlohmann::ordered_json(entries).dump(
            2, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
    } else if (entries.empty()) {
        print_out("no rejected records for " + *name);
    } else {
        for (const auto& entry : entries) print_out(rejected_line(entry));
        print_out(std::to_string(entries.size()) + " rejected records in " + display_path(file) +
                  " (re-send them with: asset-host replay " + *name + " " + display_path(file) +
                  ")");
    }
    if (unreadable > 0) {
        print_error("warning: " + std::to_string(unreadable) + " unreadable lines in " +
                    display_path(file) + " skipped");
    }
    return kExitOk;
}

}  // namespace asset_host
