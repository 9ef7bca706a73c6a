// Building a destination from a manifest's `destination:` section, and the destination half of
// "Test connector" (asset-host test): configuration sanity and reachability, without sending
// a single asset.
#pragma once

#include "common/check_result.h"
#include "config/manifest.h"
#include "delivery/destination.h"
#include "delivery/sekoia_destination.h"

#include <asset_sdk/clock.h>
#include <asset_sdk/status.h>

#include <functional>
#include <memory>

namespace asset_host::delivery {

// The destination `spec` describes. `clock` paces retries (Sekoia) and must outlive it; retry
// warnings go to `log` (nullptr: the host's logger). A Sekoia destination borrows its HTTP
// clients from `clients` (client_pool.h: give every connector of a process the same pool, and
// those delivering to the same place reuse each other's connections); nullptr: its own.
asset_sdk::Result<std::unique_ptr<Destination>> make_destination(
    const DestinationSpec& spec, asset_sdk::Clock& clock,
    std::shared_ptr<spdlog::logger> log = nullptr, SekoiaRetryPolicy sekoia_policy = {},
    std::shared_ptr<ClientPool> clients = nullptr);

// Destination checks, reported in order through `on_check` (names "destination.*"), without
// sending a single asset:
//   sekoia: connector_uuid well formed, base_url reachable (https, or http with
//           allow_insecure_http: a warning; the proxy in use named), the API key accepted by
//           Sekoia's token check, and an empty push accepted by the asset connector — only
//           answers with Sekoia's shape count (sekoia_checks.h).
//   file:   the directory exists and the file can be appended to (nothing is written).
//   stdout: always ok.
// `cancelled` (e.g. Ctrl-C) aborts the request. Returns false when a check failed.
bool destination_checks(const DestinationSpec& spec,
                        const std::function<void(const CheckResult&)>& on_check,
                        const asset_sdk::CancelCheck& cancelled = {});

}  // namespace asset_host::delivery
