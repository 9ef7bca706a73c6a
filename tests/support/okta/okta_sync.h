// The Okta Device sync engine in process against okta-sim over real loopback HTTP: a simulator
// with a known token and seed, a config pointing at it, and one run of DeviceSync into a
// RecordingHost (checked for the token afterwards). For tests/integration/okta_device.
#pragma once

#include "config.h"
#include "device_sync.h"
#include "okta_sim.h"

#include <asset_sdk/clock.h>
#include <asset_sdk/http_client.h>
#include <asset_host/recording_host.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace okta_device::testing {

inline constexpr char kToken[] = "unit-SECRET-token-4f2a";

// okta-sim with this token and seed 7.
struct Sim : testsupport::OktaSim {
    explicit Sim(int devices, std::vector<std::string> extra = {})
        : OktaSim(args(devices, kToken, 7, std::move(extra))) {}
};

// A config for `sim` (plain http allowed, no incremental overlap) plus `extra` JSON members.
inline OktaConfig config_for(const Sim& sim, const std::string& extra = "") {
    auto r = parse_config(R"({"base_url":")" + sim.url() + R"(","api_token":")" + kToken +
                          R"(","allow_insecure_http":true,"incremental_overlap":"0s")" +
                          (extra.empty() ? "" : "," + extra) + "}");
    REQUIRE_MESSAGE(r.is_ok(), r.status().message());
    return *r;
}

struct Run {
    asset_sdk::Status status;
    asset_host::RecordingHost io;
    SyncSummary summary;

    std::vector<std::string> uids() const {
        std::vector<std::string> out;
        for (const auto& r : io.records) {
            out.push_back(nlohmann::json::parse(r)["device"]["uid"].get<std::string>());
        }
        return out;
    }
    // Nothing secret anywhere the plugin wrote.
    void check_no_token() const {
        CHECK(status.message().find(kToken) == std::string::npos);
        CHECK(io.all_logs().find(kToken) == std::string::npos);
        for (const auto& m : io.markers) CHECK(m.find(kToken) == std::string::npos);
        for (const auto& r : io.records) CHECK(r.find(kToken) == std::string::npos);
    }
};

inline void run_sync(Run& run, const OktaConfig& cfg, asset_sdk::Clock& clock,
                     std::optional<std::string> marker = std::nullopt, bool full = false) {
    auto http = asset_sdk::make_curl_client({});
    auto auth = OktaAuth::create(cfg, *http, clock);
    REQUIRE_MESSAGE(auth.is_ok(), auth.status().message());
    DeviceSync sync(cfg, *http, **auth, clock, run.io, 42);
    run.status = sync.run(marker ? std::optional<std::string_view>(*marker) : std::nullopt, full);
    run.summary = sync.summary();
    run.check_no_token();
}

inline std::set<std::string> as_set(const std::vector<std::string>& v) {
    return {v.begin(), v.end()};
}

}  // namespace okta_device::testing
