// The rig of the isolation tests: the e2e sandbox (okta-sim -> asset-host with okta_device.so ->
// sekoia-sim, secrets by environment) plus the misbehaving test plugin
// (tests/plugins/misbehaving_plugin.c), whose connectors deliver to files in the sandbox.
#pragma once

#include "../e2e/e2e_fixture.h"
#include "sanitizer_build.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace isolationtest {

namespace fs = std::filesystem;
using e2e::connector_for;
using e2e::OktaSim;
using e2e::SekoiaSim;
using testsupport::contains;

inline const fs::path kTestPlugins = ASSET_HOST_TEST_PLUGINS_DIR;

// A connector of the misbehaving plugin: Misbehaving("x", "segfault").with_limits("...").
struct Misbehaving {
    Misbehaving(std::string n, std::string what) : name(std::move(n)), misbehave(std::move(what)) {}
    Misbehaving& in(std::string call) {
        during = std::move(call);
        return *this;
    }
    Misbehaving& with_limits(std::string l) {
        limits = std::move(l);
        return *this;
    }
    Misbehaving& with_isolation(std::string i) {
        isolation = std::move(i);
        return *this;
    }
    Misbehaving& with_secret(std::string s) {
        secret = std::move(s);
        return *this;
    }

    std::string name;
    std::string misbehave = "none";
    std::string during = "fetch";
    int records = 4;
    int after = 2;
    std::string isolation;  // empty: the default (process)
    std::string limits;     // e.g. "{memory: 256MiB}"; empty: none
    std::string secret;     // config.secret, e.g. "${env:X}"; empty: none
    std::string every = "1s";
};

class Host : public e2e::Host {
public:
    Host() {
        fs::copy_file(kTestPlugins / "misbehaving.so", plugins() / "misbehaving.so");
        if (testsupport::kSanitizerBuild) {
            // A crashing plugin's worker must die of its signal, as in the product: by default
            // AddressSanitizer turns a SIGSEGV into a report and exit status 1. Workers inherit
            // ASAN_OPTIONS (isolation/spawner.h).
            const char* given = std::getenv("ASAN_OPTIONS");
            set_env("ASAN_OPTIONS",
                    (given && *given ? std::string(given) + ":" : std::string()) + "handle_segv=0");
        }
    }

    void write_misbehaving(const Misbehaving& m) const {
        std::string y = "name: " + m.name + "\nplugin: misbehaving\n";
        y += "schedule: { every: " + m.every + " }\n";
        if (!m.isolation.empty()) y += "isolation: " + m.isolation + "\n";
        if (!m.limits.empty()) y += "limits: " + m.limits + "\n";
        y += "config:\n  misbehave: " + m.misbehave + "\n  during: " + m.during + "\n";
        y += "  records: " + std::to_string(m.records) + "\n";
        y += "  after: " + std::to_string(m.after) + "\n";
        if (!m.secret.empty()) y += "  secret: " + m.secret + "\n";
        y += "destination:\n  type: file\n  path: ../" + m.name + ".ndjson\n";
        manifest(m.name + ".yaml", y);
    }

    // What the connector's file destination received ("" when nothing).
    std::string delivered(const std::string& connector) const {
        std::ifstream in(root() / (connector + ".ndjson"));
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }
};

// The summary line of a connector's cycle in a log ("" when absent).
inline std::string summary_of(const std::string& log, const std::string& connector) {
    return e2e::summary_line(log, connector);
}

}  // namespace isolationtest
