// Runtime settings of the simulator: start-up options, all of them also settable through
// POST /_sim/config (README.md lists the JSON keys).
#pragma once

#include <cstdint>
#include <string>

#include "device_model.h"

namespace oktasim {

struct SimConfig {
    size_t devices = 500;
    uint64_t seed = 1;
    std::string token = "sim-token";  // requests must send "Authorization: SSWS <token>"
    std::string engine = "idx";       // "idx" (Identity Engine) or "v1" (Classic)
    int64_t rate_limit = 600;         // requests per window on /api/v1/*
    int64_t rate_window_ms = 60'000;
    size_t page_cap = 200;              // largest page served, whatever `limit` asks
    bool forbidden = false;             // /api/v1/devices -> 403 E0000006
    bool assurances_forbidden = false;  // /api/v1/device-assurances -> 403 E0000006
    bool drop_expand_in_next = false;   // next links omit expand and limit
    size_t invalid_devices = 0;
    int64_t clock_skew_ms = 0;  // simulated clock = real clock + skew
    int64_t latency_ms = 0;     // added before every Okta API response
    bool verbose = false;
    // OAuth (README.md "OAuth"): access-token lifetime, and whether DPoP proofs must carry the
    // simulator's nonce at the token endpoint (Okta: yes) and at /api/v1/* (Okta: not today).
    int64_t oauth_token_lifetime_s = 3600;
    bool oauth_token_nonce = true;
    bool oauth_resource_nonce = false;

    // The config as JSON (the token is not echoed: only whether it is the default).
    Json to_json() const;
};

// Applies the keys present in `patch` to `config`. Returns an error message for an unknown
// key or a wrong type (and then changes nothing). Sets the flags when the device data or the
// rate-limit window must be rebuilt.
struct ConfigChange {
    bool regenerate = false;
    bool rate_window_reset = false;
};
std::string apply_config_patch(const Json& patch, SimConfig& config, ConfigChange& change);

}  // namespace oktasim
