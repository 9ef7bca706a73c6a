#include "plugin/plugin_loader.h"

#include "common/paths.h"

#include <dlfcn.h>
#include <sys/stat.h>
#include <boost/dll/shared_library.hpp>

#include <algorithm>
#include <map>
#include <mutex>
#include <regex>
#include <system_error>

namespace asset_host {

namespace fs = std::filesystem;

namespace {

using EntryFn = const ah_plugin_descriptor*(std::uint16_t, std::uint16_t);

// Every library ever opened, successful or refused, kept open until the process exits: a
// library's static initialisers have run and it may have started threads or registered
// callbacks, so closing it is never safe (OBS and Boost.DLL issue #68 reach the same rule).
// Heap-allocated and never freed so that no static destructor dlclose()s them at exit either.
struct Registry {
    std::mutex mu;
    std::vector<boost::dll::shared_library> libraries;
    struct Entry {
        std::unique_ptr<LoadedPlugin> plugin;
        PluginLoadError error;
    };
    std::map<fs::path, Entry> by_file;
};

Registry& registry() {
    static Registry* r = new Registry();
    return *r;
}

std::string version_string(unsigned major, unsigned minor) {
    return std::to_string(major) + "." + std::to_string(minor);
}

// dlerror() messages usually start with the path again: "/x/garbage.so: invalid ELF header".
std::string dl_reason(const fs::path& file, const std::error_code& ec) {
    const char* text = ::dlerror();
    if (!text) return ec.message();
    std::string why = text;
    const std::string prefix = file.string() + ": ";
    if (why.rfind(prefix, 0) == 0) why = why.substr(prefix.size());
    return why;
}

bool valid_id(const char* id) {
    if (!id || !*id) return false;
    for (const char* p = id; *p; ++p) {
        const char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    }
    return true;
}

// Everything after the library is open: the descriptor, field by field, in an order that never
// reads a member the plugin's struct might not have.
std::string check_descriptor(const std::string& where, const ah_plugin_descriptor* d) {
    if (!d)
        return where + ": not an asset-host plugin: " AH_PLUGIN_ENTRY_SYMBOL
                       " returned no descriptor";
    if (!AH_STRUCT_HAS(ah_plugin_descriptor, d, abi_minor)) {
        return where + ": not an asset-host plugin: descriptor struct_size " +
               std::to_string(d->struct_size) + " is too small to hold an ABI version";
    }
    if (d->abi_major != AH_ABI_MAJOR) {
        return where + ": plugin ABI " + version_string(d->abi_major, d->abi_minor) +
               " is not compatible with this host (ABI " + host_abi() +
               "): the major version differs; rebuild the plugin against asset-host SDK " +
               std::to_string(AH_ABI_MAJOR) + ".x";
    }
    if (d->abi_minor > AH_ABI_MINOR) {
        return where + ": plugin ABI " + version_string(d->abi_major, d->abi_minor) +
               " is newer than this host (ABI " + host_abi() +
               "); upgrade asset-host or rebuild the plugin against SDK " + host_abi();
    }
    if (!AH_STRUCT_HAS(ah_plugin_descriptor, d, last_error)) {
        // Every member up to last_error is ABI 1.0: whatever minor the plugin claims, 1.0's
        // descriptor is the least it must hold.
        return where + ": invalid plugin descriptor: struct_size is " +
               std::to_string(d->struct_size) + " bytes, ABI " + version_string(AH_ABI_MAJOR, 0) +
               " needs at least " + std::to_string(AH_DESCRIPTOR_MIN_SIZE);
    }
    const std::pair<const char*, const void*> required[] = {
        {"id", d->id},
        {"version", d->version},
        {"description", d->description},
        {"record_type", d->record_type},
        {"config_schema", d->config_schema},
        {"configure", reinterpret_cast<const void*>(d->configure)},
        {"test", reinterpret_cast<const void*>(d->test)},
        {"fetch", reinterpret_cast<const void*>(d->fetch)},
        {"destroy", reinterpret_cast<const void*>(d->destroy)},
        {"last_error", reinterpret_cast<const void*>(d->last_error)},
    };
    for (const auto& [name, value] : required) {
        if (!value) return where + ": invalid plugin descriptor: " + name + " is NULL";
    }
    if (!valid_id(d->id)) {
        return where + ": invalid plugin id \"" + std::string(d->id).substr(0, 64) +
               "\": it must match [a-z0-9_]+";
    }
    return {};
}

// Hygiene before any of the file's code runs (osquery does the same). Empty when fine.
std::string refuse_before_open(const fs::path& file, const std::string& where) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) {
        return where + ": not an asset-host plugin: " + errno_message(errno);
    }
    if (st.st_mode & S_IWOTH) {
        return where + ": refusing to load: the file is writable by every user (chmod o-w)";
    }
    return {};
}

// Opens the library and resolves the entry point. A library that opened stays loaded (in the
// registry) whatever happens next. nullptr, with `problem` set, when it is not a plugin.
EntryFn* open_entry_point(Registry& reg, const fs::path& file, const std::string& where,
                          std::string& problem) {
    boost::dll::shared_library lib;
    std::error_code ec;
    try {
        ::dlerror();  // clear any stale message
        lib.load(file, boost::dll::load_mode::rtld_local | boost::dll::load_mode::rtld_now, ec);
        if (ec || !lib.is_loaded()) {
            problem = where + ": not an asset-host plugin: " + dl_reason(file, ec);
            return nullptr;
        }
        if (!lib.has(AH_PLUGIN_ENTRY_SYMBOL)) {
            reg.libraries.push_back(std::move(lib));
            problem = where + ": not an asset-host plugin: missing symbol " AH_PLUGIN_ENTRY_SYMBOL;
            return nullptr;
        }
    } catch (const std::exception& e) {
        problem = where + ": not an asset-host plugin: " + e.what();
        return nullptr;
    }
    EntryFn& entry_fn = lib.get<EntryFn>(AH_PLUGIN_ENTRY_SYMBOL);
    reg.libraries.push_back(std::move(lib));
    return &entry_fn;
}

std::unique_ptr<LoadedPlugin> loaded_plugin(const fs::path& file, const ah_plugin_descriptor* d,
                                            std::shared_ptr<const JsonSchema> schema) {
    auto plugin = std::make_unique<LoadedPlugin>();
    plugin->file = file;
    plugin->descriptor = d;
    plugin->id = d->id;
    plugin->version = d->version;
    plugin->description = d->description;
    plugin->record_type = d->record_type;
    plugin->abi_major = d->abi_major;
    plugin->abi_minor = d->abi_minor;
    plugin->config_schema = std::move(schema);
    return plugin;
}

}  // namespace

std::string host_abi() {
    return version_string(AH_ABI_MAJOR, AH_ABI_MINOR);
}

const LoadedPlugin* load_plugin_file(const fs::path& file, PluginLoadError& error) {
    Registry& reg = registry();
    std::lock_guard lock(reg.mu);
    // Keyed by the path as named (not the symlink target) so messages name what the user sees;
    // dlopen itself shares one copy of a library reached through several names.
    std::error_code ec;
    fs::path key = fs::absolute(file, ec).lexically_normal();
    if (ec) key = file;
    if (const auto it = reg.by_file.find(key); it != reg.by_file.end()) {
        if (it->second.plugin) return it->second.plugin.get();
        error = it->second.error;
        return nullptr;
    }
    Registry::Entry& entry = reg.by_file[key];
    const std::string where = display_path(file);
    auto fail = [&](std::string message, std::string id = {}) -> const LoadedPlugin* {
        entry.error = PluginLoadError{file, std::move(id), std::move(message)};
        error = entry.error;
        return nullptr;
    };

    std::string problem = refuse_before_open(file, where);
    if (!problem.empty()) return fail(std::move(problem));
    EntryFn* entry_fn = open_entry_point(reg, file, where, problem);
    if (entry_fn == nullptr) return fail(std::move(problem));

    const ah_plugin_descriptor* d = entry_fn(AH_ABI_MAJOR, AH_ABI_MINOR);
    problem = check_descriptor(where, d);
    const bool id_readable = AH_STRUCT_HAS(ah_plugin_descriptor, d, last_error) &&
                             d->abi_major == AH_ABI_MAJOR && valid_id(d->id);
    if (!problem.empty()) return fail(std::move(problem), id_readable ? d->id : "");

    auto schema = JsonSchema::compile(std::string_view(d->config_schema));
    if (!schema) {
        return fail(where + ": plugin " + d->id + ": " + schema.status().message(), d->id);
    }
    entry.plugin = loaded_plugin(file, d, std::move(schema).value());
    return entry.plugin.get();
}

PluginCatalog scan_plugins(const fs::path& dir) {
    PluginCatalog catalog;
    catalog.dir = dir;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        catalog.dir_error = "plugins directory " + display_path(dir) +
                            " does not exist (set --plugins-dir or ASSET_HOST_PLUGINS_DIR)";
        return catalog;
    }
    std::vector<fs::path> files;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().extension() == ".so" && it->is_regular_file(ec)) files.push_back(it->path());
    }
    if (ec) {
        catalog.dir_error =
            "cannot list plugins directory " + display_path(dir) + ": " + ec.message();
        return catalog;
    }
    std::sort(files.begin(), files.end());
    std::map<std::string, fs::path> first_file_by_id;
    for (const auto& file : files) {
        PluginLoadError error;
        const LoadedPlugin* plugin = load_plugin_file(file, error);
        if (!plugin) {
            catalog.errors.push_back(std::move(error));
            continue;
        }
        const auto [it, inserted] = first_file_by_id.emplace(plugin->id, file);
        if (!inserted) {
            catalog.errors.push_back({file, plugin->id,
                                      display_path(file) + ": plugin id \"" + plugin->id +
                                          "\" is already provided by " + display_path(it->second)});
            continue;
        }
        catalog.plugins.push_back(plugin);
    }
    return catalog;
}

const LoadedPlugin* PluginCatalog::find(const std::string& id) const {
    for (const LoadedPlugin* p : plugins) {
        if (p->id == id) return p;
    }
    return nullptr;
}

const PluginLoadError* PluginCatalog::error_for(const std::string& id) const {
    if (id.empty()) return nullptr;
    for (const auto& e : errors) {
        if (e.plugin_id == id) return &e;
    }
    // A refused descriptor's id cannot always be read (another major ABI may lay it out
    // differently); plugin files are named <id>.so by convention, so fall back to the name.
    for (const auto& e : errors) {
        if (e.plugin_id.empty() && e.file.stem() == id) return &e;
    }
    return nullptr;
}

std::string PluginCatalog::missing_plugin_message(const std::string& id) const {
    if (!dir_error.empty()) return dir_error;
    if (const PluginLoadError* e = error_for(id)) {
        return "plugin \"" + id + "\" failed to load: " + e->message;
    }
    std::string known;
    for (const LoadedPlugin* p : plugins) known += (known.empty() ? "" : ", ") + p->id;
    std::string message = "unknown plugin \"" + id + "\" (" +
                          (known.empty() ? "no plugins in " + display_path(dir)
                                         : "plugins in " + display_path(dir) + ": " + known) +
                          ")";
    if (!errors.empty()) {
        message += "; " + std::to_string(errors.size()) +
                   (errors.size() == 1 ? " file" : " files") +
                   " failed to load, see `asset-host plugins`";
    }
    return message;
}

}  // namespace asset_host
