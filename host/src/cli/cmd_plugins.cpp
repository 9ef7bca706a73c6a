// asset-host plugins [--json]: what the plugins directory holds, and what failed to load.
#include "cli/commands.h"
#include "cli/connector_setup.h"
#include "common/console.h"
#include "common/exit_codes.h"
#include "common/paths.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <vector>

namespace asset_host {

namespace {

void print_table(const std::vector<std::array<std::string, 6>>& rows) {
    std::array<std::size_t, 6> width{};
    for (const auto& row : rows) {
        for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
    }
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t c = 0; c < row.size(); ++c) {
            line += row[c];
            if (c + 1 < row.size()) line += std::string(width[c] - row[c].size() + 2, ' ');
        }
        print_out(line);
    }
}

}  // namespace

int cmd_plugins(const GlobalOptions& g, const PluginsArgs& args) {
    const PluginCatalog& catalog = plugin_catalog(g);
    if (!catalog.dir_error.empty()) {
        print_error("asset-host: " + catalog.dir_error);
        return kExitUsage;
    }
    if (args.json) {
        nlohmann::ordered_json out = nlohmann::ordered_json::array();
        for (const LoadedPlugin* p : catalog.plugins) {
            out.push_back({{"id", p->id},
                           {"version", p->version},
                           {"abi", p->abi()},
                           {"record_type", p->record_type},
                           {"file", display_path(p->file)},
                           {"description", p->description},
                           {"config_schema", nlohmann::ordered_json::parse(
                                                 p->descriptor->config_schema, nullptr, false)}});
        }
        print_out(out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
    } else {
        std::vector<std::array<std::string, 6>> rows;
        rows.push_back({"ID", "VERSION", "ABI", "RECORD TYPE", "FILE", "DESCRIPTION"});
        for (const LoadedPlugin* p : catalog.plugins) {
            rows.push_back({p->id, p->version, p->abi(), p->record_type, display_path(p->file),
                            p->description});
        }
        print_table(rows);
        if (catalog.plugins.empty() && catalog.errors.empty()) {
            print_error("asset-host: no plugins in " + display_path(catalog.dir));
        }
    }
    for (const auto& e : catalog.errors) print_error(e.message);
    return catalog.errors.empty() ? kExitOk : kExitUsage;
}

}  // namespace asset_host
