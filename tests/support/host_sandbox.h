// The sandbox every test of the real asset-host binary runs in: a private directory holding
// plugins/ (links to the built plugins the test names), manifests/ and state/; commands run
// there with relative --plugins-dir/--manifests-dir/--state-dir (so messages show short paths
// like "manifests/x.yaml"), with every ASSET_HOST_* variable of the test runner's environment
// removed, a timeout, stdout and stderr captured. Secrets a test hands over (set_secret_env)
// are checked after every run: never on stdout, stderr or in the state directory.
#pragma once

#include "process.h"
#include "temp_dir.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace testsupport {

class HostSandbox {
public:
    // `plugins`: built plugins (file names without .so in build/plugins, e.g. "example",
    // "okta_device") linked into the private plugins directory; the host sees only those.
    explicit HostSandbox(const std::vector<std::string>& plugins);

    const std::filesystem::path& root() const { return dir_.path(); }
    std::filesystem::path plugins() const { return root() / "plugins"; }
    std::filesystem::path manifests() const { return root() / "manifests"; }
    std::filesystem::path state() const { return root() / "state"; }

    // Writes `content` to root()/relative_path (parents created); returns the path.
    std::filesystem::path write(const std::string& relative_path, const std::string& content) const;
    // Writes manifests/<file>; returns its path.
    std::filesystem::path manifest(const std::string& file, const std::string& yaml) const;

    // Environment of every later run: a plain variable, one whose value is a secret, or one
    // removed (besides ASSET_HOST_*, always removed unless set here).
    void set_env(const std::string& name, const std::string& value);
    void set_secret_env(const std::string& name, const std::string& value);
    void unset_env(const std::string& name);

    // asset-host with the sandbox's directories, then `args`.
    std::vector<std::string> argv(const std::vector<std::string>& args) const;
    // Options of a run: the sandbox as working directory and environment.
    ProcessOptions options() const;

    // Runs asset-host `args` to completion (killed after `timeout`), then checks for secrets.
    ProcessResult run(const std::vector<std::string>& args,
                      std::chrono::milliseconds timeout = std::chrono::seconds(90)) const;
    // Starts asset-host `args` (signals, reading stdout while it runs); pass what wait()
    // returns to check_no_secrets().
    std::unique_ptr<Process> start(const std::vector<std::string>& args) const;
    // Doctest checks: no secret on the run's stdout or stderr, nor in any state file.
    void check_no_secrets(const ProcessResult& result) const;

    // The checkpoint file of a connector, its text (nullopt when absent) and its marker
    // (nullopt when absent or unreadable).
    std::filesystem::path state_file(const std::string& connector) const;
    std::optional<std::string> state_text(const std::string& connector) const;
    std::optional<nlohmann::json> marker(const std::string& connector) const;

private:
    TempDir dir_;
    std::map<std::string, std::string> env_;
    std::vector<std::string> unset_;
    std::set<std::string> secrets_;
};

// The check called `name` in the report of `asset-host test --json`, or nullptr.
const nlohmann::json* check_named(const nlohmann::json& report, const std::string& name);

}  // namespace testsupport
