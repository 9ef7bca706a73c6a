// Helpers for the host's integration tests, on the shared sandbox (tests/support/host_sandbox.h):
// a sandbox with the example plugin, manifests for it, where the ABI test plugins are.
#pragma once

#include "host_sandbox.h"
#include "process.h"
#include "temp_dir.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

namespace hosttest {

namespace fs = std::filesystem;
using testsupport::contains;

inline const fs::path kBin = ASSET_HOST_BIN;
inline const fs::path kTestPlugins = ASSET_HOST_TEST_PLUGINS_DIR;

// The sandbox with the example plugin. EXAMPLE_SECRET, which some manifests reference, is
// never inherited from the test runner either.
class Host : public testsupport::HostSandbox {
public:
    Host() : HostSandbox({"example"}) { unset_env("EXAMPLE_SECRET"); }
};

// A manifest for the example plugin; `config` lines are indented under config:.
inline std::string example_manifest(const std::string& name, const std::string& config_lines = "") {
    std::string yaml = "name: " + name + "\nplugin: example\nconfig:\n";
    yaml += config_lines.empty() ? "  records: 5\n" : config_lines;
    yaml += "destination:\n  type: stdout\n";
    return yaml;
}

}  // namespace hosttest
