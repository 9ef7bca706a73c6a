// From a NAME|FILE argument to a validated manifest and the loaded plugin it names: the first
// steps of `test`, `fetch` and (per manifest) `run`. Problems are printed to stderr, one line
// each, and turned into an exit code.
#pragma once

#include "cli/options.h"
#include "common/cancellation.h"
#include "config/manifest.h"
#include "config/manifest_loader.h"
#include "plugin/connector_plugin.h"
#include "plugin/plugin_loader.h"
#include "state/state_lock.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace asset_host {

struct PreparedConnector {
    Manifest manifest;
    const LoadedPlugin* plugin = nullptr;
};

// Every plugin in g.plugins_dir, loaded on first use and kept for the process lifetime.
// Later calls return the same catalog.
const PluginCatalog& plugin_catalog(const GlobalOptions& g);

// The config-schema lookup manifests are validated with.
PluginSchemaLookup schema_lookup(const PluginCatalog& catalog);

// Logs (warn) the load errors of plugin files nobody asked for, once per process: a broken
// file must be visible, but it only fails the commands that need it.
void warn_about_unused_load_errors(const PluginCatalog& catalog);

// NAME|FILE -> manifest + plugin. On failure prints the errors and sets exit_code (2).
std::optional<PreparedConnector> prepare_connector(const GlobalOptions& g,
                                                   const std::string& target, int& exit_code);
// The same for a manifest file already found (e.g. by `run` listing the manifests directory).
std::optional<PreparedConnector> prepare_connector_file(const GlobalOptions& g,
                                                        const std::filesystem::path& file,
                                                        int& exit_code);

// A connector ready for `test` or a one-shot `fetch`: its manifest, its plugin configured from
// it (in process or in a worker, as the manifest's isolation says), and the cancel source the
// plugin polls (cancelled by SIGINT/SIGTERM).
struct OpenConnector {
    Manifest manifest;
    CancelSource cancel{shutdown_source().token()};
    std::unique_ptr<ConnectorPlugin> plugin;
};

// NAME|FILE -> OpenConnector. On failure prints why and sets exit_code (2: a bad manifest, an
// unknown plugin, or a configuration the plugin refused; 1: its worker failed to configure it).
std::optional<OpenConnector> open_connector(const GlobalOptions& g, const std::string& target,
                                            int& exit_code);

// The state directory's lock for a command that delivers or changes state (run, fetch without
// --output, state reset, replay). On failure prints why and sets exit_code: 2 when another
// asset-host holds it, 1 when the directory or lock file cannot be made.
std::optional<StateDirLock> lock_state_dir(const GlobalOptions& g, int& exit_code);

// Prints a manifest's warnings ("warning: ...") and errors to stderr.
void print_manifest_diagnostics(const ManifestLoad& load);

}  // namespace asset_host
