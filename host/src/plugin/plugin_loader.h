// Finding and loading connector plugins (*.so) with Boost.DLL, and checking them before use.
//
// Rules (host/README.md documents them for plugin authors):
//   - every regular *.so file directly in the plugins directory, in name order;
//   - loaded with RTLD_NOW | RTLD_LOCAL (missing symbols fail at load time; plugins do not see
//     each other's symbols); never unloaded: libraries stay loaded until the process exits, so
//     no pointer a plugin handed out can dangle (a plugin's static strings, its descriptor, code
//     still running in a thread it started: unloading is a classic crash of plugin hosts);
//   - exactly one symbol is resolved, AH_PLUGIN_ENTRY_SYMBOL; it is called with the host's ABI
//     version and must return a descriptor;
//   - the descriptor is checked in this order (AH_STRUCT_HAS before reading a member): it
//     reaches the version fields; major == host major; minor <= host minor; it reaches every
//     ABI 1.0 member (AH_DESCRIPTOR_MIN_SIZE); every string and
//     function pointer is set; id matches [a-z0-9_]+; config_schema is a usable JSON Schema;
//     no other file already provides the same id.
// A file that fails is reported with a message starting with its path and does not stop the
// others from loading. Exact messages:
//   <path>: plugin ABI 2.0 is not compatible with this host (ABI 1.1): the major version
//           differs; rebuild the plugin against asset-host SDK 1.x
//   <path>: plugin ABI 1.7 is newer than this host (ABI 1.1); upgrade asset-host or rebuild the
//           plugin against SDK 1.1
//   <path>: not an asset-host plugin: <reason>
#pragma once

#include "config/json_schema.h"

#include <asset_host/plugin_abi.h>
#include <asset_sdk/status.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace asset_host {

// A plugin library that passed every check. Lives (like the library) until the process exits.
class LoadedPlugin {
public:
    std::filesystem::path file;
    const ah_plugin_descriptor* descriptor = nullptr;
    std::string id;
    std::string version;
    std::string description;
    std::string record_type;
    std::uint16_t abi_major = 0;
    std::uint16_t abi_minor = 0;
    std::shared_ptr<const JsonSchema> config_schema;

    std::string abi() const { return std::to_string(abi_major) + "." + std::to_string(abi_minor); }
};

struct PluginLoadError {
    std::filesystem::path file;
    std::string plugin_id;  // when the descriptor could be read; empty otherwise
    std::string message;    // complete, starting with the file's path
};

// The outcome of scanning a plugins directory.
struct PluginCatalog {
    std::filesystem::path dir;
    std::vector<const LoadedPlugin*> plugins;  // in file-name order
    std::vector<PluginLoadError> errors;       // one per file that failed
    std::string dir_error;                     // set when the directory itself is unusable

    const LoadedPlugin* find(const std::string& id) const;
    // The load error of the plugin `id`: by the id in its descriptor when it could be read,
    // else by file name (<id>.so, the convention).
    const PluginLoadError* error_for(const std::string& id) const;
    // The message for a manifest whose `plugin:` names `id` but no loaded plugin has it.
    std::string missing_plugin_message(const std::string& id) const;
};

// Loads one library (or returns the already loaded one for the same file). On failure returns
// nullptr and fills `error`. Call from one thread at a time (dlopen is not reentrant everywhere;
// a mutex makes concurrent calls safe but serial).
const LoadedPlugin* load_plugin_file(const std::filesystem::path& file, PluginLoadError& error);

// Loads every *.so in `dir` and refuses duplicate ids (the later file in name order loses).
PluginCatalog scan_plugins(const std::filesystem::path& dir);

// The host ABI as a string, "1.1".
std::string host_abi();

}  // namespace asset_host
