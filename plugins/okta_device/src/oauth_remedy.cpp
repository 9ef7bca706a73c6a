#include "oauth_remedy.h"

namespace okta_device {

namespace {

using asset_sdk::oauth::TokenError;
using asset_sdk::oauth::TokenFailure;

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& s : items) out += (out.empty() ? "" : " ") + s;
    return out;
}

std::string rejected_remedy(const TokenError& e) {
    if (e.error == "unauthorized_client" || e.error == "unsupported_grant_type") {
        return "The app may not use the client credentials grant: it must be an API Services app "
               "whose client authentication is 'Public key / Private key'.";
    }
    return "Check the oauth settings against the app in the Okta Admin Console (Applications → "
           "the app → General); quote Okta's answer to Okta support if it persists.";
}

}  // namespace

std::string describe_token_error(const TokenError& error) {
    return "Okta's " + error.message();
}

std::string token_error_remedy(const TokenError& e, const OktaConfig& config) {
    switch (e.kind) {
        case TokenFailure::kTransport:
            return "Check the network path to " + config.base_url +
                   " (firewall, proxy): the token endpoint is " + config.base_url +
                   "/oauth2/v1/token.";
        case TokenFailure::kInvalidClient:
            return "Check oauth.client_id (the app's Client ID) and that the public key uploaded "
                   "to the app (Applications → the app → General → Client Credentials → Public "
                   "keys) is the public half of oauth.private_key (derive it with: openssl pkey "
                   "-in key.pem -pubout); when the app has several keys, set oauth.key_id to the "
                   "key's KID.";
        case TokenFailure::kScope:
            return "Grant the app the scopes " + join(e.requested_scopes) +
                   " (Applications → the app → Okta API Scopes → Grant), or list in oauth.scopes "
                   "only the ones it has.";
        case TokenFailure::kDpopRequired:
            return "The app requires DPoP ('Require Demonstrating Proof of Possession (DPoP) "
                   "header "
                   "in token requests' in its General settings): set oauth.dpop to auto or "
                   "always, or clear that setting.";
        case TokenFailure::kDpopRejected:
            return "Okta refused the DPoP proof: check this machine's clock (proofs carry the "
                   "time); if it persists, clear 'Require DPoP' on the app and set oauth.dpop: "
                   "never.";
        case TokenFailure::kRateLimited:
            return "Okta's rate limit for /oauth2/v1/token is spent: try again in a minute.";
        case TokenFailure::kServerError:
            return "Okta (or a proxy in between) failed: try again later.";
        case TokenFailure::kRejected:
            return rejected_remedy(e);
        case TokenFailure::kProtocol:
            return "Okta's answer was not a usable access token; try again, and quote it to Okta "
                   "support if it persists.";
        case TokenFailure::kCancelled:
        case TokenFailure::kInternal:
            break;
    }
    return "Run the test again.";
}

}  // namespace okta_device
