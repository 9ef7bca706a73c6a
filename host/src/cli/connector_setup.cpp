#include "cli/connector_setup.h"

#include "common/console.h"
#include "common/exit_codes.h"
#include "common/logging.h"
#include "common/structured_log.h"
#include "config/manifest_finder.h"
#include "isolation/open_plugin.h"

#include <map>
#include <memory>
#include <mutex>

namespace asset_host {

const PluginCatalog& plugin_catalog(const GlobalOptions& g) {
    static std::mutex mu;
    static std::map<std::filesystem::path, std::unique_ptr<PluginCatalog>> catalogs;
    std::lock_guard lock(mu);
    auto& slot = catalogs[g.plugins_dir];
    if (!slot) slot = std::make_unique<PluginCatalog>(scan_plugins(g.plugins_dir));
    return *slot;
}

PluginSchemaLookup schema_lookup(const PluginCatalog& catalog) {
    return
        [&catalog](const std::string& id) -> asset_sdk::Result<std::shared_ptr<const JsonSchema>> {
            if (const LoadedPlugin* p = catalog.find(id)) return p->config_schema;
            return asset_sdk::not_found(catalog.missing_plugin_message(id));
        };
}

void warn_about_unused_load_errors(const PluginCatalog& catalog) {
    static std::once_flag once;
    std::call_once(once, [&catalog] {
        for (const auto& e : catalog.errors) host_log().warn("skipping plugin file: {}", e.message);
    });
}

std::optional<StateDirLock> lock_state_dir(const GlobalOptions& g, int& exit_code) {
    auto lock = StateDirLock::acquire(g.state_dir);
    if (!lock) {
        print_error("asset-host: " + lock.status().message());
        exit_code = lock.status().code() == asset_sdk::StatusCode::kInvalidArgument ? kExitUsage
                                                                                    : kExitFailure;
        return std::nullopt;
    }
    return std::move(lock).value();
}

void print_manifest_diagnostics(const ManifestLoad& load) {
    for (const auto& w : load.warnings) print_error("warning: " + w);
    for (const auto& e : load.errors) print_error(e);
}

std::optional<PreparedConnector> prepare_connector_file(const GlobalOptions& g,
                                                        const std::filesystem::path& file,
                                                        int& exit_code) {
    const PluginCatalog& catalog = plugin_catalog(g);
    ManifestLoad load = load_manifest(file, schema_lookup(catalog));
    print_manifest_diagnostics(load);
    // Unrelated broken plugins are worth a warning; the one this manifest needs was reported
    // as its error already.
    if (!catalog.errors.empty() && (load.plugin.empty() || !catalog.error_for(load.plugin))) {
        warn_about_unused_load_errors(catalog);
    }
    if (!load.ok()) {
        exit_code = kExitUsage;
        return std::nullopt;
    }
    PreparedConnector out;
    out.plugin = catalog.find(load.manifest->plugin);
    out.manifest = std::move(*load.manifest);
    // Loggers made for this connector from now on (each cycle makes its own) use the manifest's
    // level; a reload without log_level returns it to --log-level.
    set_connector_log_level(out.manifest.name, parse_log_level(out.manifest.log_level));
    if (!out.plugin) {  // cannot happen: the lookup succeeded during validation
        print_error(out.manifest.file.string() + ": plugin: not loaded");
        exit_code = kExitUsage;
        return std::nullopt;
    }
    return out;
}

std::optional<PreparedConnector> prepare_connector(const GlobalOptions& g,
                                                   const std::string& target, int& exit_code) {
    auto file = find_manifest(target, g.manifests_dir);
    if (!file) {
        print_error("asset-host: " + file.status().message());
        exit_code = kExitUsage;
        return std::nullopt;
    }
    return prepare_connector_file(g, *file, exit_code);
}

std::optional<OpenConnector> open_connector(const GlobalOptions& g, const std::string& target,
                                            int& exit_code) {
    auto prepared = prepare_connector(g, target, exit_code);
    if (!prepared) return std::nullopt;
    OpenConnector open;
    open.manifest = std::move(prepared->manifest);
    auto plugin = isolation::open_plugin(*prepared->plugin, open.manifest, open.cancel.token(),
                                         isolation::ProcessOptions{}, /*check_config=*/true);
    if (!plugin) {
        print_error(plugin.status().message());
        // A refused configuration is a configuration error; a worker that crashed is not.
        exit_code = plugin.status().code() == asset_sdk::StatusCode::kInvalidArgument
                        ? kExitUsage
                        : kExitFailure;
        return std::nullopt;
    }
    open.plugin = std::move(*plugin);
    return open;
}

}  // namespace asset_host
