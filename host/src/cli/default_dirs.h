// Where asset-host looks for plugins, manifests and state when no option or environment
// variable says: decided from where the running binary is (README.md, "Default directories").
#pragma once

#include <filesystem>
#include <functional>

namespace asset_host {

struct DefaultDirs {
    std::filesystem::path plugins;
    std::filesystem::path manifests;
    std::filesystem::path state;
};

// `exe_dir`: the directory of the running binary (empty when unknown).
// `installed_plugins`: the installed plugins directory relative to the installed binary's
// directory (e.g. "../lib/asset-host/plugins"), fixed at build time from GNUInstallDirs.
// `is_directory`: the file system question, injected so every layout is testable.
//  - installed (that plugins directory exists next to the binary): plugins there; under /usr
//    the FHS places, /etc/asset-host/manifests and /var/lib/asset-host; elsewhere (/opt/x, a
//    staging prefix) ./manifests and ./state;
//  - a build tree (build/bin/asset-host): build/plugins, ./manifests and ./state.
DefaultDirs default_dirs(const std::filesystem::path& exe_dir,
                         const std::filesystem::path& installed_plugins,
                         const std::function<bool(const std::filesystem::path&)>& is_directory);

// default_dirs() for this process: its binary, this build's installed layout, the real disk.
DefaultDirs default_dirs();

}  // namespace asset_host
