// Loads a connector manifest (manifests/*.yaml): YAML -> JSON, ${env:}/${file:} references,
// the host's manifest and destination schemas, the plugin's config schema, then the typed
// Manifest. Every problem is reported, each as one line naming the file and the key:
//   manifests/okta.yaml: config.page_size: must be ≤ 200
// Resolved secrets are registered with the process-wide Redactor as soon as they are known.
#pragma once

#include "config/json_schema.h"
#include "config/manifest.h"
#include "config/references.h"

#include <asset_sdk/status.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace asset_host {

// Finds the config schema of a plugin id. On failure returns a message for the "plugin" key,
// e.g. `unknown plugin "nope" (plugins in build/plugins: example)`.
using PluginSchemaLookup =
    std::function<asset_sdk::Result<std::shared_ptr<const JsonSchema>>(const std::string& id)>;

struct ManifestLoad {
    std::optional<Manifest> manifest;   // set only when there is no error
    std::vector<std::string> errors;    // complete lines: "<file>: <key>: <problem>"
    std::vector<std::string> warnings;  // complete lines, same shape
    std::string name;                   // best effort, even for an invalid manifest
    std::string plugin;                 // best effort, even for an invalid manifest
    bool ok() const { return errors.empty() && manifest.has_value(); }
};

struct ManifestLoadOptions {
    EnvLookup env = process_env();  // where ${env:NAME} references are looked up
};

ManifestLoad load_manifest(const std::filesystem::path& file, const PluginSchemaLookup& lookup,
                           const ManifestLoadOptions& options = {});

}  // namespace asset_host
