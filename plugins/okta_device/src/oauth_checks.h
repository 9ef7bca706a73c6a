// Test connector checks of an OAuth 2.0 service app, answered by one token request (with the
// provider's DPoP switch and nonce dance):
//   token_endpoint — {base_url}/oauth2/v1/token answered (no answer, a 5xx or a 429 stops here)
//   client_auth    — Okta authenticated the app (invalid_client: which setting to check)
//   scopes         — every scope of oauth.scopes granted (the missing ones named)
//   dpop           — tokens DPoP-bound (ok); plain Bearer (warn: how to require DPoP); required
//                    by the app but turned off here, or the proof refused (fail: what to set)
// The token obtained stays in the provider for the API checks that follow.
#pragma once

#include "config.h"
#include "connection_checks.h"

#include <asset_sdk/oauth/token_provider.h>

namespace okta_device {

enum class OAuthChecksEnd {
    kTokenObtained,  // the API checks can follow
    kStop,           // no token: a failure was reported
    kCancelled,
};

OAuthChecksEnd run_oauth_checks(asset_sdk::oauth::TokenProvider& provider, const OktaConfig& config,
                                const CheckReportFn& report);

}  // namespace okta_device
