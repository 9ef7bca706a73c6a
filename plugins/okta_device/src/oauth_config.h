// config.oauth: an Okta OAuth 2.0 service app ("API Services" app integration) that signs in with
// the client-credentials grant and private_key_jwt, instead of an API token:
//   oauth:
//     client_id: 0oa1b2c3d4e5f6g7h8i9
//     private_key: ${file:okta-service-app.pem}   # PEM (RSA or EC P-256) or a JWK (JSON)
//     key_id: optional-kid                       # JWT header kid (default: the JWK's kid)
//     scopes: [okta.devices.read]                # default
//     dpop: auto                                 # auto | always | never
// The private key is loaded and checked here, at configure time, so a wrong file fails
// `asset-host test` and `run` before any request; errors name the key and the fix, never quote
// the key material.
#pragma once

#include <asset_sdk/oauth/signing_key.h>
#include <asset_sdk/oauth/token_provider.h>
#include <asset_sdk/status.h>

#include <simdjson.h>

#include <memory>
#include <string>
#include <vector>

namespace okta_device {

// The scope that lets the app list devices (okta.devices.manage also reads).
inline constexpr char kDevicesReadScope[] = "okta.devices.read";

struct OAuthConfig {
    std::string client_id;
    std::shared_ptr<const asset_sdk::oauth::SigningKey> private_key;  // secret
    std::string key_id;                                               // "" = the JWK's kid, if any
    std::vector<std::string> scopes{kDevicesReadScope};
    asset_sdk::oauth::DpopMode dpop = asset_sdk::oauth::DpopMode::kAuto;
};

// Reads the `oauth` object of the config.
asset_sdk::Result<OAuthConfig> parse_oauth_config(simdjson::dom::element value);

// "auto", "always", "never".
const char* dpop_mode_name(asset_sdk::oauth::DpopMode mode);

}  // namespace okta_device
