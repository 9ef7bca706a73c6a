// "Test connector": the checks a user runs before the first sync, in order, each ok / warn /
// fail with what was observed and what to do. It stops at the first failure that makes the
// later checks meaningless (no network → no point asking about the token).
//   1. base_url        — well formed (configure() already normalised it)
//   2. reachability    — DNS, TCP, TLS; the failure named; the proxy in use, if any
//   3. okta_org        — /.well-known/okta-organization: Identity Engine (idx) or Classic (v1)
//   4. api_token       — the first request of a full sync (configured expand and statuses);
//                        only an Okta-shaped answer counts (a JSON array, or an error body with
//                        errorCode): a proxy's or gateway's answer fails, named as such;
//                        401 E0000011 → invalid or expired token. With oauth instead:
//                        token_endpoint, client_auth, scopes, dpop (oauth_checks.h: one token
//                        request), then that first request with the access token
//   5. devices_read    — the same answer: 403 → missing permission or scope (named); ok →
//                        rate-limit headroom
// No check asks for a permission the connector does not use.
#pragma once

#include "config.h"
#include "okta_auth.h"

#include <asset_host/plugin_abi.h>
#include <asset_sdk/clock.h>
#include <asset_sdk/http_client.h>
#include <asset_host/host.hpp>

#include <functional>
#include <string>
#include <string_view>

namespace okta_device {

struct CheckResult {
    std::string name;
    ah_check_status status = AH_CHECK_OK;
    std::string detail;
    std::string remedy;
};

using CheckReportFn = std::function<void(const CheckResult&)>;

// Runs the checks, reporting each as it completes. Returns false when cancelled.
bool run_connection_checks(const OktaConfig& config, asset_sdk::HttpClient& http, OktaAuth& auth,
                           asset_sdk::Clock& clock, asset_host::Host& host,
                           const CheckReportFn& report);

}  // namespace okta_device
