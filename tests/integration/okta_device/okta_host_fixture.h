// The Okta Device plugin through the real asset-host binary against okta-sim: the simulator
// with a known token, a sandbox holding the plugin and the token (a secret, checked after every
// run), and the commands the okta_device integration tests run.
#pragma once

#include <host_sandbox.h>
#include <okta_sim.h>
#include <process.h>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace oktahost {

using nlohmann::json;
using testsupport::check_named;
using testsupport::ProcessResult;

inline constexpr char kToken[] = "int-SECRET-okta-token-93c1d";

// okta-sim with the tests' token and seed 11.
struct Sim : testsupport::OktaSim {
    explicit Sim(int devices, std::vector<std::string> extra = {})
        : OktaSim(args(devices, kToken, 11, std::move(extra))) {}
};

// The sandbox with the Okta plugin and the token (a secret: checked after every run), a
// manifest with a stdout destination, and the two commands the tests run.
struct Host : testsupport::HostSandbox {
    Host() : HostSandbox({"okta_device"}) { set_secret_env("OKTA_TOKEN", kToken); }

    std::string write_manifest(const std::string& base_url, const std::string& extra_config = "") {
        const std::string text =
            "name: okta-devices\n"
            "plugin: okta_device\n"
            "config:\n"
            "  base_url: " +
            base_url +
            "\n"
            "  api_token: ${env:OKTA_TOKEN}\n"
            "  allow_insecure_http: true\n"
            "  incremental_overlap: 0s\n" +
            extra_config +
            "destination:\n"
            "  type: stdout\n";
        return manifest("okta-devices.yaml", text).string();
    }

    ProcessResult fetch(const std::string& manifest, bool full = false) {
        std::vector<std::string> a{"fetch", manifest, "--output", "-"};
        if (full) a.push_back("--full");
        return run(a);
    }
    ProcessResult test(const std::string& manifest) { return run({"test", manifest, "--json"}); }
};

inline std::vector<json> records_of(const ProcessResult& r) {
    std::vector<json> out;
    for (const auto& line : testsupport::split_lines(r.out)) {
        if (!line.empty()) out.push_back(json::parse(line));
    }
    return out;
}

// A loopback port with nothing listening on it (bound, then closed).
inline int closed_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    ::close(fd);
    return ntohs(addr.sin_port);
}

}  // namespace oktahost
