// asset-host validate [NAME|FILE...]: check manifests without running anything.
#include "cli/commands.h"
#include "cli/connector_setup.h"
#include "common/console.h"
#include "common/exit_codes.h"
#include "common/logging.h"
#include "common/paths.h"
#include "config/manifest_finder.h"
#include "isolation/open_plugin.h"

#include <algorithm>
#include <map>
#include <set>

namespace asset_host {

namespace {

// The plugin's own configure-time checks, which a schema cannot state (a base_url with
// credentials, a duration out of range, ...): `run` would fail on them every cycle, so
// validate fails on them now. configure() only reads the config; nothing is fetched. What the
// plugin says at info level while configuring (what it will do when it runs) is not validate's
// output: its logger starts at warn at least. Like `test`, it configures the plugin where its
// manifest says it runs (in a worker by default: a plugin that crashes in configure() is
// reported, not fatal).
bool plugin_accepts(const GlobalOptions& g, const LoadedPlugin& plugin, const Manifest& manifest) {
    CancelSource cancel;
    setup_logging(std::max(g.log_level, spdlog::level::warn), g.log_format);
    auto instance = isolation::open_plugin(plugin, manifest, cancel.token(),
                                           isolation::ProcessOptions{}, /*check_config=*/true);
    setup_logging(g.log_level, g.log_format);
    if (instance) return true;
    print_error(instance.status().message());
    return false;
}

}  // namespace

int cmd_validate(const GlobalOptions& g, const ValidateArgs& args) {
    bool failed = false;
    std::vector<std::filesystem::path> files;
    if (args.targets.empty()) {
        auto all = list_manifest_files(g.manifests_dir);
        if (!all) {
            print_error("asset-host: " + all.status().message());
            return kExitUsage;
        }
        if (all->empty()) {
            print_error("asset-host: no manifests (*.yaml, *.yml) in " +
                        display_path(g.manifests_dir));
            return kExitUsage;
        }
        files = std::move(all).value();
    } else {
        for (const auto& target : args.targets) {
            auto file = find_manifest(target, g.manifests_dir);
            if (!file) {
                print_error("asset-host: " + file.status().message());
                failed = true;
                continue;
            }
            files.push_back(*file);
        }
    }

    // Two files with one name: the second one is in error (state files are per name).
    std::map<std::filesystem::path, std::string> duplicate_errors;
    if (args.targets.empty()) {
        for (const auto& dup : find_duplicate_names(files)) {
            duplicate_errors[dup.second] = display_path(dup.second) + ": name: connector name \"" +
                                           dup.name + "\" is already used by " +
                                           display_path(dup.first);
        }
    }

    const PluginCatalog& catalog = plugin_catalog(g);
    bool other_plugin_errors = false;
    for (const auto& file : files) {
        ManifestLoad load = load_manifest(file, schema_lookup(catalog));
        if (const auto dup = duplicate_errors.find(file); dup != duplicate_errors.end()) {
            load.errors.push_back(dup->second);
        }
        print_manifest_diagnostics(load);
        if (!catalog.errors.empty() && !catalog.error_for(load.plugin)) other_plugin_errors = true;
        if (!load.errors.empty() || !load.manifest) {
            failed = true;
            continue;
        }
        const LoadedPlugin* plugin = catalog.find(load.manifest->plugin);
        if (plugin && !plugin_accepts(g, *plugin, *load.manifest)) {
            failed = true;
            continue;
        }
        print_out(display_path(file) + ": ok (connector " + load.manifest->name + ", plugin " +
                  load.manifest->plugin + (plugin ? " " + plugin->version : std::string()) + ")");
    }
    if (other_plugin_errors) warn_about_unused_load_errors(catalog);
    return failed ? kExitUsage : kExitOk;
}

}  // namespace asset_host
