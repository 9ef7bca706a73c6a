#include "cli/default_dirs.h"

#include "cli/build_config.h"

#include "common/paths.h"

#include <system_error>

namespace asset_host {

namespace fs = std::filesystem;

DefaultDirs default_dirs(const fs::path& exe_dir, const fs::path& installed_plugins,
                         const std::function<bool(const fs::path&)>& is_directory) {
    DefaultDirs dirs{"plugins", "./manifests", "./state"};
    if (exe_dir.empty()) return dirs;
    const fs::path installed = (exe_dir / installed_plugins).lexically_normal();
    if (!is_directory(installed)) {
        dirs.plugins = (exe_dir / ".." / "plugins").lexically_normal();
        return dirs;
    }
    dirs.plugins = installed;
    // The prefix is the binary's directory's parent: /usr/bin/asset-host -> /usr.
    fs::path prefix = (exe_dir / "..").lexically_normal();
    if (!prefix.has_filename()) prefix = prefix.parent_path();  // "/usr/" -> "/usr"
    if (prefix == "/usr") {
        dirs.manifests = "/etc/asset-host/manifests";
        dirs.state = "/var/lib/asset-host";
    }
    return dirs;
}

DefaultDirs default_dirs() {
    return default_dirs(executable_dir(), build_config::kInstalledPluginsDir,
                        [](const fs::path& p) {
                            std::error_code ec;
                            return fs::is_directory(p, ec);
                        });
}

}  // namespace asset_host
