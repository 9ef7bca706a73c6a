// How the connector proves who it is to Okta: an API token (`Authorization: SSWS <token>`) or an
// OAuth 2.0 service app (access tokens from {base_url}/oauth2/v1/token, sent as `Bearer` or, when
// DPoP-bound, `DPoP` with a proof). One per plugin instance, so an access token serves the
// following cycles until it is about to expire. Credentials only ever go to the configured org:
// the token URL is derived from base_url, and callers pass only URLs the pager checked.
#pragma once

#include "config.h"

#include <asset_sdk/clock.h>
#include <asset_sdk/http_client.h>
#include <asset_sdk/oauth/token_provider.h>
#include <asset_sdk/status.h>

#include <memory>
#include <optional>
#include <string>

namespace okta_device {

inline constexpr char kUserAgent[] = "asset-host-okta-device/1.0.0";

class OktaAuth {
public:
    // Token requests go through `http` and read `clock`; both must outlive the OktaAuth.
    static asset_sdk::Result<std::unique_ptr<OktaAuth>> create(const OktaConfig& config,
                                                               asset_sdk::HttpClient& http,
                                                               asset_sdk::Clock& clock);

    // Sends `request` with the credentials. With OAuth, `token_error` is set when no token could
    // be obtained (nothing was sent to the API then).
    asset_sdk::oauth::AuthorizedResult send(asset_sdk::HttpClient& http,
                                            asset_sdk::HttpRequest request);

    // send() in two halves (HttpClient::start, then finish): start() sends `request` with the
    // credentials and returns without the answer; finish() returns what send() would have. An
    // OAuth token that cannot be obtained is kept for finish() (nothing is sent then).
    void start(asset_sdk::HttpClient& http, asset_sdk::HttpRequest request);
    asset_sdk::oauth::AuthorizedResult finish(asset_sdk::HttpClient& http);

    // The OAuth token provider; nullptr with an API token.
    asset_sdk::oauth::TokenProvider* oauth() { return provider_.get(); }

private:
    OktaAuth() = default;
    std::string api_token_;
    std::unique_ptr<asset_sdk::oauth::TokenProvider> provider_;
    // Between start() and finish(), with OAuth: the request as sent (complete() may send it
    // again), or why no token could be obtained.
    asset_sdk::HttpRequest started_;
    std::optional<asset_sdk::oauth::TokenError> start_error_;
};

}  // namespace okta_device
