// End-to-end rig: okta-sim → the real asset-host binary loading the real okta_device.so →
// sekoia-sim, all over loopback HTTP. Every test gets its own temp directory (manifests,
// state, plugins link) and its own simulators. Secrets reach asset-host only through
// ${env:...} references, and every run is checked for them in stdout, stderr and the state
// directory.
#pragma once

#include "process.h"
#include "sim_process.h"
#include "temp_dir.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace e2e {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

inline constexpr const char* kOktaToken = "e2e-SECRET-okta-token-7f3a91c";
inline constexpr const char* kSekoiaKey = "e2e-SECRET-sekoia-key-b52c04e";
inline constexpr const char* kUuidA = "5c1d7e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f";
inline constexpr const char* kUuidB = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";

inline bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// The summary line of one connector's cycle (delivery README), or "" when absent.
inline std::string summary_line(const std::string& err, const std::string& connector) {
    for (const auto& line : testsupport::split_lines(err)) {
        if (contains(line, "cycle connector=" + connector + " ")) return line;
    }
    return {};
}

// Okta's `after` cursor is unpadded base64url of "c:" + the last id of the previous page
// (tests/sim/okta/README.md). Returns that id, or nullopt when the text is not such a cursor.
inline std::optional<std::string> cursor_id(const std::string& cursor) {
    auto sextet = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '-') return 62;
        if (c == '_') return 63;
        return -1;
    };
    std::string out;
    unsigned bits = 0;
    int nbits = 0;
    for (char c : cursor) {
        const int v = sextet(c);
        if (v < 0) return std::nullopt;
        bits = (bits << 6) | static_cast<unsigned>(v);
        nbits += 6;
        if (nbits >= 8) {
            nbits -= 8;
            out.push_back(static_cast<char>((bits >> nbits) & 0xFF));
        }
    }
    if (out.rfind("c:", 0) != 0) return std::nullopt;
    return out.substr(2);
}

// The value of query parameter `name` in a path?query (no decoding: cursors need none).
inline std::optional<std::string> query_param(const std::string& target, const std::string& name) {
    const auto q = target.find('?');
    if (q == std::string::npos) return std::nullopt;
    std::size_t pos = q + 1;
    while (pos <= target.size()) {
        const auto end = std::min(target.find('&', pos), target.size());
        const std::string pair = target.substr(pos, end - pos);
        if (pair.rfind(name + "=", 0) == 0) return pair.substr(name.size() + 1);
        pos = end + 1;
    }
    return std::nullopt;
}

class OktaSim {
public:
    explicit OktaSim(int devices, std::vector<std::string> extra = {})
        : process_(ASSET_HOST_OKTA_SIM_BIN, args(devices, std::move(extra))) {}

    std::string url() const { return process_.base_url(); }
    json stats() const { return get("/_sim/stats"); }
    json devices() const { return get("/_sim/devices"); }
    void config(const json& patch) const { post("/_sim/config", patch); }
    void faults(const json& list) const { post("/_sim/faults", json{{"faults", list}}); }
    void reset() const { post("/_sim/reset", json::object()); }
    json mutate(const json& body) const { return post("/_sim/mutate", body); }

    // Ids a record must exist for: a non-empty id and display name (README "Invalid devices").
    static std::set<std::string> valid_ids(const json& devices) {
        std::set<std::string> out;
        auto text = [](const json& v) { return v.is_string() && !v.get<std::string>().empty(); };
        for (const auto& d : devices) {
            if (!d.is_object() || !text(d.value("id", json()))) continue;
            const json profile = d.value("profile", json());
            if (profile.is_object() && text(profile.value("displayName", json()))) {
                out.insert(d["id"].get<std::string>());
            }
        }
        return out;
    }

    // The device-list requests okta-sim logged (oldest first, at most its last 1000).
    std::vector<std::string> device_request_targets() const {
        std::vector<std::string> out;
        const json s = stats();  // kept alive: the loop below reads into it
        for (const auto& r : s["requests_log"]) {
            const std::string t = r["path_and_query"].get<std::string>();
            if (t.rfind("/api/v1/devices", 0) == 0) out.push_back(t);
        }
        return out;
    }

private:
    static std::vector<std::string> args(int devices, std::vector<std::string> extra) {
        std::vector<std::string> a{
            "--devices", std::to_string(devices), "--token", kOktaToken, "--seed", "29"};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }
    json get(const std::string& path) const { return process_.get_json(path); }
    json post(const std::string& path, const json& body) const {
        return process_.post_json(path, body);
    }

    testsupport::SimProcess process_;
};

class SekoiaSim {
public:
    explicit SekoiaSim(std::vector<std::string> extra = {})
        : process_(ASSET_HOST_SEKOIA_SIM_BIN, args(std::move(extra))) {}

    std::string url() const { return process_.base_url(); }
    int port() const { return process_.port(); }
    json stats() const { return get("/_sim/stats"); }
    void faults(const json& list) const { post("/_sim/faults", json{{"faults", list}}); }
    void reset() const { post("/_sim/reset", json::object()); }
    std::set<std::string> uids() const {
        auto u = try_uids();
        REQUIRE(u.has_value());
        return *u;
    }
    // Without assertions, for watcher threads.
    std::optional<std::set<std::string>> try_uids() const {
        const auto r = process_.get("/_sim/uids");
        if (r.status != 200) return std::nullopt;
        const json doc = json::parse(r.body, nullptr, false);
        if (!doc.is_object() || !doc.contains("uids")) return std::nullopt;
        std::set<std::string> out;
        for (const auto& u : doc["uids"]) out.insert(u.get<std::string>());
        return out;
    }
    int items_received() const {
        const auto r = process_.get("/_sim/stats");
        const json doc = json::parse(r.body, nullptr, false);
        return doc.is_object() ? doc.value("items_received", 0) : 0;
    }
    // Every accepted item, in arrival order.
    std::vector<json> items() const {
        std::vector<json> out;
        for (int offset = 0;;) {
            const json page = get("/_sim/items?offset=" + std::to_string(offset) + "&limit=1000");
            for (const auto& item : page["items"]) out.push_back(item);
            offset += static_cast<int>(page["items"].size());
            if (page["items"].empty() || offset >= page["total"].get<int>()) break;
        }
        return out;
    }

private:
    static std::vector<std::string> args(std::vector<std::string> extra) {
        std::vector<std::string> a{"--api-key", kSekoiaKey};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }
    json get(const std::string& path) const { return process_.get_json(path); }
    void post(const std::string& path, const json& body) const { process_.post_json(path, body); }

    testsupport::SimProcess process_;
};

// One Okta Device connector delivering to Sekoia.
struct Connector {
    std::string name = "okta-devices";
    std::string okta_url;
    std::string token_env = "OKTA_API_TOKEN";
    int page_size = 100;
    std::string full_sync_every = "24h";
    std::string rate_limit_reserve = "0.5";
    std::string sekoia_url;
    std::string uuid = kUuidA;
    std::string key_env = "SEKOIA_API_KEY";
    bool insecure_sekoia = true;
    std::string ca_file;  // destination.ca_file, empty: none
    int batch_size = 100;
    int max_in_flight = 4;
    std::string every = "1h";
    std::string retry_budget = "30s";
};

class Host {
public:
    Host() {
        fs::create_directories(dir_.path() / "plugins");
        fs::create_directories(dir_.path() / "manifests");
        // Only the plugin under test: a private plugins directory holding a link to it.
        fs::create_symlink(fs::path(ASSET_HOST_PLUGINS_DIR) / "okta_device.so",
                           dir_.path() / "plugins" / "okta_device.so");
    }

    const fs::path& dir() const { return dir_.path(); }

    void write_manifest(const Connector& c) const {
        std::string y;
        y += "name: " + c.name + "\nplugin: okta_device\n";
        y += "schedule: { every: " + c.every + " }\n";
        y += "config:\n";
        y += "  base_url: " + c.okta_url + "\n";
        y += "  api_token: ${env:" + c.token_env + "}\n";
        y += "  allow_insecure_http: true\n";
        y += "  page_size: " + std::to_string(c.page_size) + "\n";
        y += "  full_sync_every: " + c.full_sync_every + "\n";
        y += "  rate_limit_reserve: " + c.rate_limit_reserve + "\n";
        y += "  max_retry_time: 30s\n";
        y += "destination:\n  type: sekoia\n";
        y += "  base_url: " + c.sekoia_url + "\n";
        y += "  api_key: ${env:" + c.key_env + "}\n";
        y += "  connector_uuid: " + c.uuid + "\n";
        if (c.insecure_sekoia) y += "  allow_insecure_http: true\n";
        if (!c.ca_file.empty()) y += "  ca_file: " + c.ca_file + "\n";
        y += "  batch_size: " + std::to_string(c.batch_size) + "\n";
        y += "  max_in_flight: " + std::to_string(c.max_in_flight) + "\n";
        y += "  request_timeout: 5s\n";
        y += "  retry_budget: " + c.retry_budget + "\n";
        dir_.write("manifests/" + c.name + ".yaml", y);
    }

    // A secret (also a wrong one a test configures) that must never be printed or stored.
    void set_secret_env(const std::string& name, const std::string& value) {
        env_[name] = value;
        secrets_.insert(value);
    }

    testsupport::ProcessResult run(const std::vector<std::string>& args,
                                   std::chrono::milliseconds timeout = 60s) {
        auto r = testsupport::run_process(argv(args), options(), timeout);
        check_no_secrets(r);
        return r;
    }

    std::unique_ptr<testsupport::Process> start(const std::vector<std::string>& args) const {
        return std::make_unique<testsupport::Process>(argv(args), options());
    }

    // For runs started with start(): the output and the state directory hold no secret.
    void check_no_secrets(const testsupport::ProcessResult& r) const {
        for (const auto& s : secrets_) {
            CHECK_MESSAGE(!contains(r.out, s), "a secret appeared on stdout");
            CHECK_MESSAGE(!contains(r.err, s), "a secret appeared on stderr");
        }
        check_state_has_no_secrets();
    }

    fs::path state_file(const std::string& name = "okta-devices") const {
        return dir_.path() / "state" / (name + ".json");
    }
    std::optional<std::string> state_text(const std::string& name = "okta-devices") const {
        std::error_code ec;
        if (!fs::exists(state_file(name), ec)) return std::nullopt;
        return testsupport::read_file(state_file(name));
    }
    // The persisted marker, when there is a readable one.
    std::optional<json> marker(const std::string& name = "okta-devices") const {
        const auto text = state_text(name);
        if (!text) return std::nullopt;
        const json doc = json::parse(*text, nullptr, false);
        if (!doc.is_object() || !doc.contains("marker")) return std::nullopt;
        return doc["marker"];
    }

private:
    std::vector<std::string> argv(const std::vector<std::string>& args) const {
        std::vector<std::string> v = {ASSET_HOST_BIN, "--plugins-dir", "plugins", "--manifests-dir",
                                      "manifests",    "--state-dir",   "state"};
        v.insert(v.end(), args.begin(), args.end());
        return v;
    }
    testsupport::ProcessOptions options() const {
        testsupport::ProcessOptions o;
        o.cwd = dir_.path().string();
        // asset-host's own configuration variables are never inherited from the test runner.
        o.unset_env = {"ASSET_HOST_PLUGINS_DIR", "ASSET_HOST_MANIFESTS_DIR", "ASSET_HOST_STATE_DIR",
                       "ASSET_HOST_LOG_LEVEL", "ASSET_HOST_LOG_FORMAT"};
        o.env = env_;
        return o;
    }
    void check_state_has_no_secrets() const {
        std::error_code ec;
        if (!fs::exists(dir_.path() / "state", ec)) return;
        for (const auto& f : fs::directory_iterator(dir_.path() / "state")) {
            if (!f.is_regular_file()) continue;
            const std::string text = testsupport::read_file(f.path());
            for (const auto& s : secrets_) {
                CHECK_MESSAGE(!contains(text, s), "a secret in " << f.path().filename());
            }
        }
    }

    testsupport::TempDir dir_;
    std::map<std::string, std::string> env_{{"OKTA_API_TOKEN", kOktaToken},
                                            {"SEKOIA_API_KEY", kSekoiaKey}};
    std::set<std::string> secrets_{kOktaToken, kSekoiaKey};
};

}  // namespace e2e
