// A connector manifest from disk: YAML → JSON, ${env:}/${file:} references, the host's schemas
// and the Okta plugin's config schema, then the typed Manifest (host/src/config). The file is
// written to a private scratch directory; ${env:} sees a fixed map, never the real
// environment. ${file:} references to absolute paths are left out of the input (the fuzzer
// would otherwise read the machine's files; reading them is the references test's job).
#include "fuzz_support.h"

#include "config/manifest_loader.h"

#include <config_schema.h>

#include <cstdlib>

namespace {

asset_host::PluginSchemaLookup okta_schema_lookup() {
    static const auto schema = asset_host::JsonSchema::compile(okta_device::kConfigSchema);
    if (!schema) std::abort();
    return [](const std::string& id)
               -> asset_sdk::Result<std::shared_ptr<const asset_host::JsonSchema>> {
        if (id == "okta_device") return *schema;
        return asset_sdk::invalid_argument("unknown plugin \"" + id.substr(0, 20) + "\"");
    };
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    static const fuzzsupport::ScratchDir dir;
    static const auto lookup = okta_schema_lookup();
    const std::string_view text = fuzzsupport::as_text(data, size);
    if (text.find("{file:/") != std::string_view::npos ||
        text.find("{file:.") != std::string_view::npos) {
        return -1;  // outside the scratch directory: not this target's business
    }
    dir.write("token.txt", "fuzz-token\n");
    const auto file = dir.write("connector.yaml", text);
    asset_host::ManifestLoadOptions options;
    options.env = [](const std::string& name) -> std::optional<std::string> {
        if (name == "OKTA_TOKEN") return std::string("fuzz-env-token");
        return std::nullopt;
    };
    const asset_host::ManifestLoad load = asset_host::load_manifest(file, lookup, options);
    // Every manifest is either valid (a manifest, no error) or explained (errors, no manifest).
    if (load.errors.empty() != load.manifest.has_value()) std::abort();
    return 0;
}
