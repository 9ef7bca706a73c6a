#include "host_sandbox.h"

#include <doctest/doctest.h>

extern char** environ;

namespace testsupport {

namespace fs = std::filesystem;

namespace {

// asset-host's own configuration variables: a test runner's must never leak into a test.
std::vector<std::string> host_variables_in_environment() {
    static const std::string kPrefix = "ASSET_HOST_";
    std::vector<std::string> names;
    for (char** e = environ; *e; ++e) {
        const std::string entry(*e);
        if (entry.rfind(kPrefix, 0) == 0) names.push_back(entry.substr(0, entry.find('=')));
    }
    return names;
}

}  // namespace

HostSandbox::HostSandbox(const std::vector<std::string>& plugins) {
    fs::create_directories(this->plugins());
    fs::create_directories(manifests());
    for (const auto& name : plugins) {
        const fs::path built = fs::path(ASSET_HOST_PLUGINS_DIR) / (name + ".so");
        fs::create_symlink(built, this->plugins() / (name + ".so"));
    }
}

fs::path HostSandbox::write(const std::string& relative_path, const std::string& content) const {
    return dir_.write(relative_path, content);
}

fs::path HostSandbox::manifest(const std::string& file, const std::string& yaml) const {
    return dir_.write("manifests/" + file, yaml);
}

void HostSandbox::set_env(const std::string& name, const std::string& value) {
    env_[name] = value;
}

void HostSandbox::set_secret_env(const std::string& name, const std::string& value) {
    env_[name] = value;
    secrets_.insert(value);
}

void HostSandbox::unset_env(const std::string& name) {
    env_.erase(name);
    unset_.push_back(name);
}

std::vector<std::string> HostSandbox::argv(const std::vector<std::string>& args) const {
    std::vector<std::string> v = {ASSET_HOST_BIN, "--plugins-dir", "plugins", "--manifests-dir",
                                  "manifests",    "--state-dir",   "state"};
    v.insert(v.end(), args.begin(), args.end());
    return v;
}

ProcessOptions HostSandbox::options() const {
    ProcessOptions o;
    o.cwd = root().string();
    o.unset_env = host_variables_in_environment();
    o.unset_env.insert(o.unset_env.end(), unset_.begin(), unset_.end());
    o.env = env_;  // applied after the removals: a variable set here wins
    return o;
}

ProcessResult HostSandbox::run(const std::vector<std::string>& args,
                               std::chrono::milliseconds timeout) const {
    ProcessResult r = run_process(argv(args), options(), timeout);
    check_no_secrets(r);
    return r;
}

std::unique_ptr<Process> HostSandbox::start(const std::vector<std::string>& args) const {
    return std::make_unique<Process>(argv(args), options());
}

void HostSandbox::check_no_secrets(const ProcessResult& result) const {
    for (const auto& s : secrets_) {
        CHECK_MESSAGE(result.out.find(s) == std::string::npos, "a secret appeared on stdout");
        CHECK_MESSAGE(result.err.find(s) == std::string::npos, "a secret appeared on stderr");
    }
    std::error_code ec;
    if (secrets_.empty() || !fs::exists(state(), ec)) return;
    for (const auto& f : fs::directory_iterator(state())) {
        if (!f.is_regular_file()) continue;
        const std::string text = read_file(f.path());
        for (const auto& s : secrets_) {
            CHECK_MESSAGE(text.find(s) == std::string::npos, "a secret in " << f.path().filename());
        }
    }
}

fs::path HostSandbox::state_file(const std::string& connector) const {
    return state() / (connector + ".json");
}

std::optional<std::string> HostSandbox::state_text(const std::string& connector) const {
    std::error_code ec;
    if (!fs::exists(state_file(connector), ec)) return std::nullopt;
    return read_file(state_file(connector));
}

std::optional<nlohmann::json> HostSandbox::marker(const std::string& connector) const {
    const auto text = state_text(connector);
    if (!text) return std::nullopt;
    const nlohmann::json doc = nlohmann::json::parse(*text, nullptr, false);
    if (!doc.is_object() || !doc.contains("marker")) return std::nullopt;
    return doc["marker"];
}

const nlohmann::json* check_named(const nlohmann::json& report, const std::string& name) {
    for (const auto& c : report["checks"]) {
        if (c["name"] == name) return &c;
    }
    return nullptr;
}

}  // namespace testsupport
