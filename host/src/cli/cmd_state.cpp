// asset-host state show|reset NAME|FILE: a connector's stored checkpoint. Needs only the
// manifest's name, never the plugin (a connector whose plugin is broken can still be reset).
#include "cli/commands.h"
#include "cli/connector_setup.h"
#include "common/console.h"
#include "common/exit_codes.h"
#include "common/paths.h"
#include "config/manifest_finder.h"
#include "state/checkpoint_store.h"

#include <nlohmann/json.hpp>

#include <filesystem>
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

}  // namespace asset_host
