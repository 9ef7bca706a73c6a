// The checkpoint a completed full sync leaves (marker format: plugins/okta_device/README.md,
// "Checkpoints"), written where the host reads it, so that the next cycle of a test through the
// real asset-host binary is incremental without running a full sync first.
#pragma once

#include "host_sandbox.h"
#include "okta_sim.h"

#include <asset_sdk/time_util.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <string>

namespace okta_device::testing {

// Watermark: the newest lastUpdated the simulator holds now.
inline void write_full_sync_checkpoint(const testsupport::HostSandbox& host,
                                       const testsupport::OktaSim& sim,
                                       const std::string& connector = "okta-devices") {
    std::string watermark;
    for (const auto& d : sim.devices()) {
        watermark = std::max(watermark, d["lastUpdated"].get<std::string>());
    }
    const std::string now = asset_sdk::format_iso8601_ms(std::chrono::system_clock::now());
    const nlohmann::json marker = {{"v", 1},
                                   {"org", sim.url()},
                                   {"mode", "full"},
                                   {"state", "complete"},
                                   {"sync_started", now},
                                   {"watermark", watermark},
                                   {"last_full_sync_completed", now}};
    host.write("state/" + connector + ".json", nlohmann::json{{"connector", connector},
                                                              {"plugin", "okta_device"},
                                                              {"updated_at", now},
                                                              {"marker", marker}}
                                                   .dump());
}

}  // namespace okta_device::testing
