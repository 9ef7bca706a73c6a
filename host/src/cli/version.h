#pragma once
// The host's version and the plugin ABI it implements, as `--version` prints them and the
// asset_host_build_info metric labels them: one place, so the two never disagree.

#include "cli/build_config.h"

#include <asset_host/plugin_abi.h>

#include <string>

namespace asset_host {

inline constexpr const char* kHostVersion = build_config::kVersion;  // project(VERSION)

inline std::string abi_version_string() {
    return std::to_string(AH_ABI_MAJOR) + "." + std::to_string(AH_ABI_MINOR);
}

}  // namespace asset_host
