// The Okta Device connector's configuration: parsed from the manifest's `config` object (JSON),
// defaults applied, base_url normalised. Every key is documented in ../README.md and described
// by the JSON Schema in config_schema.h; the host validates against that schema first, and this
// parser checks again so the plugin never trusts its caller.
#pragma once

#include "oauth_config.h"

#include <asset_sdk/clock.h>
#include <asset_sdk/ocsf.h>
#include <asset_sdk/status.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace okta_device {

enum class ExpandMode { kNone, kUser, kUserSummary };

// How records write OCSF time fields: epoch seconds (what Sekoia's device model and its own
// connectors use; milliseconds kept as the fraction) or epoch milliseconds (OCSF's timestamp_t).
// The SDK's OCSF envelope writes both.
using TimeUnit = asset_sdk::ocsf::TimeUnit;

// The value Okta's `expand` query parameter takes ("" for kNone: the parameter is omitted).
std::string_view expand_param(ExpandMode mode);

// The device statuses the `statuses` key accepts: Okta's DeviceStatus values, plus CREATED,
// which Okta's own examples return although its enum omits it.
inline constexpr std::string_view kDeviceStatuses[] = {"ACTIVE", "CREATED", "DEACTIVATED",
                                                       "SUSPENDED", "UNSUSPENDED"};

struct OktaConfig {
    // Normalised org origin: scheme://host[:port], no path, no trailing slash.
    std::string base_url;
    // How the connector signs in: exactly one of an API token or an OAuth 2.0 service app.
    std::string api_token;  // secret: never logged, never in an error or a marker
    std::optional<OAuthConfig> oauth;
    int page_size = 200;  // Okta's `limit`, 1..200
    ExpandMode expand = ExpandMode::kUserSummary;
    // Device statuses to sync (Okta's `search` on status); empty = every status. Upper case,
    // each one of kDeviceStatuses, no repeats.
    std::vector<std::string> statuses;
    TimeUnit time_unit = TimeUnit::kSeconds;
    asset_sdk::Millis timeout{30'000};  // per HTTP request
    std::string ca_file;                // extra CA bundle (PEM)
    std::string proxy;                  // explicit proxy; libcurl honours *_proxy env anyway
    bool allow_insecure_http = false;   // http:// allowed (loopback simulators only)
    double rate_limit_reserve = 0.5;    // share of each rate-limit window left to others
    asset_sdk::Millis incremental_overlap{5 * 60'000};
    asset_sdk::Millis full_sync_every{24 * 3'600'000};
    asset_sdk::Millis max_retry_time{10 * 60'000};  // per request: retries + rate-limit waits

    // Human notes about normalisation (e.g. an admin-console host mapped to the org host),
    // logged once at configure time. Never contain the token.
    std::vector<std::string> notes;
};

// Parses and validates the config JSON (an OAuth private key is loaded and checked too). Errors
// name the key and the fix; they never quote the token or the key.
asset_sdk::Result<OktaConfig> parse_config(std::string_view json);

// Normalises an Okta org URL: trims, drops a trailing '/' and '/admin', maps an Admin Console
// host (acme-admin.okta.com) to the org host, rejects paths, queries, fragments and userinfo,
// and https-only unless `allow_insecure_http`. Appends human notes to `notes`.
asset_sdk::Result<std::string> normalise_base_url(std::string_view raw, bool allow_insecure_http,
                                                  std::vector<std::string>& notes);

}  // namespace okta_device
