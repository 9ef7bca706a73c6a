#include "oauth_checks.h"

#include "oauth_remedy.h"

#include <algorithm>

namespace okta_device {

namespace {

using asset_sdk::oauth::DpopMode;
using asset_sdk::oauth::TokenError;
using asset_sdk::oauth::TokenFailure;
using asset_sdk::oauth::TokenProvider;

void report(const CheckReportFn& fn, const char* name, ah_check_status status, std::string detail,
            std::string remedy = {}) {
    fn(CheckResult{name, status, std::move(detail), std::move(remedy)});
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
    return out;
}

std::string who(const OktaConfig& config) {
    const OAuthConfig& o = *config.oauth;
    std::string out = "app " + o.client_id + " (" + o.private_key->jws_alg();
    const std::string& kid = o.key_id.empty() ? o.private_key->jwk_kid() : o.key_id;
    if (!kid.empty()) out += ", kid " + kid;
    return out + ")";
}

// No token: report where the token request went wrong.
OAuthChecksEnd report_failure(const TokenError& e, const OktaConfig& config,
                              const CheckReportFn& fn) {
    const std::string detail = describe_token_error(e);
    const std::string remedy = token_error_remedy(e, config);
    switch (e.kind) {
        case TokenFailure::kCancelled:
            return OAuthChecksEnd::kCancelled;
        case TokenFailure::kTransport:
        case TokenFailure::kServerError:
        case TokenFailure::kRateLimited:
        case TokenFailure::kProtocol:
        case TokenFailure::kInternal:
            report(fn, "token_endpoint", AH_CHECK_FAIL, detail, remedy);
            return OAuthChecksEnd::kStop;
        default:
            break;
    }
    report(
        fn, "token_endpoint", AH_CHECK_OK,
        config.base_url + "/oauth2/v1/token answered (HTTP " + std::to_string(e.http_status) + ")");
    if (e.kind == TokenFailure::kInvalidClient || e.kind == TokenFailure::kRejected) {
        report(fn, "client_auth", AH_CHECK_FAIL,
               "Okta did not accept the " + who(config) + ": " + detail, remedy);
    } else if (e.kind == TokenFailure::kScope) {
        report(fn, "client_auth", AH_CHECK_OK, "Okta authenticated the " + who(config));
        report(fn, "scopes", AH_CHECK_FAIL,
               "not granted to the app: " + join(config.oauth->scopes) + " (" + detail + ")",
               remedy);
    } else {  // DPoP required but turned off, or the proof refused
        report(fn, "dpop", AH_CHECK_FAIL, detail, remedy);
    }
    return OAuthChecksEnd::kStop;
}

void report_scopes(const TokenProvider& provider, const OktaConfig& config,
                   const CheckReportFn& fn) {
    const std::vector<std::string> missing = provider.missing_scopes();
    if (missing.empty()) {
        report(fn, "scopes", AH_CHECK_OK, "granted: " + join(config.oauth->scopes));
        return;
    }
    const bool can_read = std::none_of(missing.begin(), missing.end(),
                                       [](const std::string& s) { return s == kDevicesReadScope; });
    report(fn, "scopes", can_read ? AH_CHECK_WARN : AH_CHECK_FAIL,
           "Okta did not grant " + join(missing) + " (the token carries the others)",
           "Grant the app these scopes (Applications → the app → Okta API Scopes → Grant), or "
           "remove them from oauth.scopes.");
}

void report_dpop(const TokenProvider& provider, const OktaConfig& config, const CheckReportFn& fn) {
    const DpopMode mode = config.oauth->dpop;
    const std::string setting = std::string(" (dpop: ") + dpop_mode_name(mode) + ")";
    if (provider.token_is_dpop()) {
        report(fn, "dpop", AH_CHECK_OK,
               std::string("access tokens are DPoP-bound") +
                   (mode == DpopMode::kAuto ? ": the app requires DPoP and the connector uses it"
                                            : "") +
                   setting);
        return;
    }
    if (mode == DpopMode::kNever) {
        report(fn, "dpop", AH_CHECK_OK, "plain Bearer access tokens" + setting);
        return;
    }
    report(fn, "dpop", AH_CHECK_WARN,
           "Okta issues plain Bearer access tokens to this app: a copied token works for anyone "
           "until it expires" +
               setting,
           "Recommended: turn on 'Require Demonstrating Proof of Possession (DPoP) header in "
           "token requests' in the app's General settings; with dpop: auto the connector follows.");
}

}  // namespace

OAuthChecksEnd run_oauth_checks(TokenProvider& provider, const OktaConfig& config,
                                const CheckReportFn& report_fn) {
    provider.invalidate();  // a fresh token request: the checks describe it
    if (const auto error = provider.ensure_token()) {
        return report_failure(*error, config, report_fn);
    }
    report(report_fn, "token_endpoint", AH_CHECK_OK,
           config.base_url + "/oauth2/v1/token issued an access token");
    report(report_fn, "client_auth", AH_CHECK_OK, "Okta authenticated the " + who(config));
    report_scopes(provider, config, report_fn);
    report_dpop(provider, config, report_fn);
    return OAuthChecksEnd::kTokenObtained;
}

}  // namespace okta_device
