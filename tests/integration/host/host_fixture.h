// A sandbox for driving the real asset-host binary: private plugins, manifests and state
// directories under a TempDir (the example plugin linked in), commands run with that directory
// as the working directory so messages show short relative paths ("manifests/x.yaml").
#pragma once

#include "process.h"
#include "temp_dir.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

namespace hosttest {

namespace fs = std::filesystem;

inline const fs::path kBin = ASSET_HOST_BIN;
inline const fs::path kExamplePlugin = fs::path(ASSET_HOST_PLUGINS_DIR) / "example.so";
inline const fs::path kTestPlugins = ASSET_HOST_TEST_PLUGINS_DIR;

// The configuration variables of asset-host: never inherited from the test runner.
inline const std::vector<std::string> kHostEnv = {
    "ASSET_HOST_PLUGINS_DIR", "ASSET_HOST_MANIFESTS_DIR", "ASSET_HOST_STATE_DIR",
    "ASSET_HOST_LOG_LEVEL",   "ASSET_HOST_LOG_FORMAT",    "EXAMPLE_SECRET"};

class Host {
public:
    Host() {
        fs::create_directories(tmp.path() / "plugins");
        fs::create_directories(tmp.path() / "manifests");
        fs::create_symlink(kExamplePlugin, tmp.path() / "plugins" / "example.so");
    }

    const fs::path& root() const { return tmp.path(); }
    fs::path plugins() const { return tmp / "plugins"; }
    fs::path manifests() const { return tmp / "manifests"; }
    fs::path state() const { return tmp / "state"; }

    fs::path manifest(const std::string& file, const std::string& yaml) const {
        return tmp.write("manifests/" + file, yaml);
    }

    // Global options first (relative: the command runs in root()), then `args`.
    std::vector<std::string> argv(const std::vector<std::string>& args) const {
        std::vector<std::string> v = {kBin.string(), "--plugins-dir", "plugins", "--manifests-dir",
                                      "manifests",   "--state-dir",   "state"};
        v.insert(v.end(), args.begin(), args.end());
        return v;
    }

    testsupport::ProcessOptions options(std::map<std::string, std::string> env = {}) const {
        testsupport::ProcessOptions o;
        o.cwd = tmp.path().string();
        o.unset_env = kHostEnv;
        o.env = std::move(env);
        return o;
    }

    testsupport::ProcessResult run(const std::vector<std::string>& args,
                                   std::map<std::string, std::string> env = {}) const {
        return testsupport::run_process(argv(args), options(std::move(env)),
                                        std::chrono::seconds(60));
    }

    testsupport::TempDir tmp;
};

// A manifest for the example plugin; `config` lines are indented under config:.
inline std::string example_manifest(const std::string& name, const std::string& config_lines = "") {
    std::string yaml = "name: " + name + "\nplugin: example\nconfig:\n";
    yaml += config_lines.empty() ? "  records: 5\n" : config_lines;
    yaml += "destination:\n  type: stdout\n";
    return yaml;
}

inline bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace hosttest
