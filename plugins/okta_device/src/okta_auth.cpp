#include "okta_auth.h"

namespace okta_device {

namespace {

// Okta's org authorization server: the only one that mints tokens with Okta API scopes.
constexpr char kTokenPath[] = "/oauth2/v1/token";

}  // namespace

asset_sdk::Result<std::unique_ptr<OktaAuth>> OktaAuth::create(const OktaConfig& config,
                                                              asset_sdk::HttpClient& http,
                                                              asset_sdk::Clock& clock) {
    std::unique_ptr<OktaAuth> auth(new OktaAuth());
    if (!config.oauth) {
        auth->api_token_ = config.api_token;
        return auth;
    }
    const OAuthConfig& o = *config.oauth;
    asset_sdk::oauth::ClientCredentialsConfig cc;
    cc.token_url = config.base_url + kTokenPath;
    cc.client_id = o.client_id;
    cc.key_id = o.key_id;
    cc.scopes = o.scopes;
    cc.dpop = o.dpop;
    cc.timeout = config.timeout;
    cc.user_agent = kUserAgent;
    auto provider =
        asset_sdk::oauth::TokenProvider::create(std::move(cc), o.private_key, http, clock);
    if (!provider) return provider.status();
    auth->provider_ = std::move(provider).value();
    return auth;
}

asset_sdk::oauth::AuthorizedResult OktaAuth::send(asset_sdk::HttpClient& http,
                                                  asset_sdk::HttpRequest request) {
    if (provider_) return provider_->perform(http, std::move(request));
    request.headers.emplace_back("Authorization", "SSWS " + api_token_);
    asset_sdk::oauth::AuthorizedResult out;
    out.http = http.perform(request);
    return out;
}

void OktaAuth::start(asset_sdk::HttpClient& http, asset_sdk::HttpRequest request) {
    start_error_.reset();
    if (!provider_) {
        request.headers.emplace_back("Authorization", "SSWS " + api_token_);
        http.start(request);
        return;
    }
    start_error_ = provider_->authorize(request);
    if (start_error_) {
        http.abandon();  // nothing of this request is sent
        return;
    }
    http.start(request);
    started_ = std::move(request);  // complete() may send it again with fresh credentials
}

asset_sdk::oauth::AuthorizedResult OktaAuth::finish(asset_sdk::HttpClient& http) {
    asset_sdk::oauth::AuthorizedResult out;
    if (start_error_) {
        out.token_error = std::move(start_error_);
        start_error_.reset();
        return out;
    }
    if (provider_) return provider_->complete(http, std::move(started_), http.finish());
    out.http = http.finish();
    return out;
}

}  // namespace okta_device
