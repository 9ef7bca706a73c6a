// What to tell a person when the Okta OAuth service app cannot get an access token: the failure
// in Okta's terms, and the setting to change (in the manifest or in the Okta Admin Console).
// Shared by sync errors and the Test connector checks.
#pragma once

#include "config.h"

#include <asset_sdk/oauth/token_provider.h>

#include <string>

namespace okta_device {

// "Okta's token endpoint answered HTTP 401: invalid_client (...)". Never contains a secret.
std::string describe_token_error(const asset_sdk::oauth::TokenError& error);

// The fix, in a sentence or two.
std::string token_error_remedy(const asset_sdk::oauth::TokenError& error, const OktaConfig& config);

}  // namespace okta_device
