// OAuthAuthority::check_resource: what /api/v1/* checks on `Authorization: Bearer|DPoP <token>`.
// Answers as Okta does where documented: an insufficient scope is a 403 with an empty body and
// the reason in WWW-Authenticate; a DPoP proof problem is a 400 with `error="invalid_dpop_proof"`.
#include "oauth_authority.h"
#include "oauth_jws.h"

namespace oktasim {

namespace {

constexpr char kDpopAlgs[] = "algs=\"RS256 RS384 RS512 ES256 ES384 ES512\", ";

// okta.<resource>.manage also allows GET on what .read allows.
bool scope_allows(const std::set<std::string>& scopes, const std::string& required) {
    if (required.empty() || scopes.count(required)) return true;
    const std::string suffix = ".read";
    if (required.size() > suffix.size() &&
        required.compare(required.size() - suffix.size(), suffix.size(), suffix) == 0) {
        return scopes.count(required.substr(0, required.size() - suffix.size()) + ".manage") > 0;
    }
    return false;
}

}  // namespace

ResourceVerdict OAuthAuthority::check_resource(const ResourceCall& call) {
    std::lock_guard lock(mu_);
    return resource_locked(call);
}

ResourceVerdict OAuthAuthority::resource_error(const ResourceCall& call, int status,
                                               const std::string& scheme, const std::string& params,
                                               const std::string& error) {
    ++stats_.resource_errors[error];
    ResourceVerdict v;
    v.answer.status = status;
    std::string challenge = scheme + " " + (scheme == "DPoP" ? kDpopAlgs : "");
    challenge += "authorization_uri=\"" + call.origin + "/oauth2/v1/authorize\", realm=\"" +
                 call.origin + "\", " + params;
    v.answer.headers.emplace_back("WWW-Authenticate", challenge);
    return v;
}

std::optional<ResourceVerdict> OAuthAuthority::check_resource_proof(const ResourceCall& call,
                                                                    const std::string& bound_jkt) {
    DpopExpectation expect;
    expect.method = call.method;
    expect.htu = call.origin + call.path;
    expect.now_s = call.now_ms / 1000;
    expect.access_token = call.token;
    expect.bound_jkt = bound_jkt;
    const DpopCheck check = call.dpop.empty()
                                ? DpopCheck{std::nullopt, "The DPoP proof JWT header is missing."}
                                : check_dpop_proof(call.dpop, expect);
    if (!check.proof) {
        return resource_error(
            call, 400, "DPoP",
            "error=\"invalid_dpop_proof\", error_description=\"" + check.error + "\"",
            "invalid_dpop_proof");
    }
    if (call.settings.resource_nonce_required && check.proof->nonce != rs_nonce_) {
        ResourceVerdict v = resource_error(
            call, 401, "DPoP",
            "error=\"use_dpop_nonce\", error_description=\"Resource server requires nonce in "
            "DPoP proof\"",
            "use_dpop_nonce");
        v.answer.headers.emplace_back("DPoP-Nonce", rs_nonce_);
        return v;
    }
    if (!remember_proof_jti(check.proof->jti, call.now_ms)) {
        return resource_error(call, 400, "DPoP",
                              "error=\"invalid_dpop_proof\", error_description=\"The DPoP "
                              "proof JWT 'jti' was already used.\"",
                              "invalid_dpop_proof");
    }
    return std::nullopt;
}

ResourceVerdict OAuthAuthority::resource_locked(const ResourceCall& call) {
    const bool dpop_scheme = call.scheme == "DPoP";
    ++(dpop_scheme ? stats_.resource_dpop : stats_.resource_bearer);
    const auto found = tokens_.find(call.token);
    if (found == tokens_.end() || found->second.expires_ms <= call.now_ms) {
        ResourceVerdict v = resource_error(
            call, 401, call.scheme,
            "error=\"invalid_token\", error_description=\"The access token is invalid.\"",
            "invalid_token");
        v.okta_invalid_token = true;
        return v;
    }
    const Issued& issued = found->second;
    if (!dpop_scheme && !issued.jkt.empty()) {
        return resource_error(call, 400, "DPoP",
                              "error=\"invalid_dpop_proof\", error_description=\"The DPoP proof "
                              "JWT header is missing.\"",
                              "invalid_dpop_proof");
    }
    if (dpop_scheme && issued.jkt.empty()) {
        return resource_error(call, 401, "DPoP",
                              "error=\"invalid_token\", error_description=\"The access token is "
                              "not DPoP-bound: send it with the Bearer scheme.\"",
                              "invalid_token");
    }
    if (dpop_scheme) {
        if (auto rejected = check_resource_proof(call, issued.jkt)) return *rejected;
    }
    if (!scope_allows(issued.scopes, call.required_scope)) {
        return resource_error(call, 403, call.scheme,
                              "scope=\"" + call.required_scope +
                                  "\", error=\"insufficient_scope\", error_description=\"The "
                                  "access token provided does not contain the required scopes.\", "
                                  "resource=\"" +
                                  call.path + "\"",
                              "insufficient_scope");
    }
    ResourceVerdict ok;
    ok.ok = true;
    return ok;
}

}  // namespace oktasim
