// The simulator's OAuth endpoints: POST /oauth2/v1/token, and the token check /api/v1/* runs on
// `Authorization: Bearer|DPoP <token>` (the OAuthAuthority decides; this file speaks HTTP).
#include "exchange.h"
#include "okta_errors.h"
#include "time_format.h"

namespace oktasim {

namespace {

OAuthSettings oauth_settings(const SimConfig& cfg) {
    OAuthSettings s;
    s.token_lifetime_s = cfg.oauth_token_lifetime_s;
    s.token_nonce_required = cfg.oauth_token_nonce;
    s.resource_nonce_required = cfg.oauth_resource_nonce;
    return s;
}

// The scope Okta requires for an endpoint ("" = none of ours).
std::string required_scope(const std::string& path) {
    if (path == "/api/v1/devices" || path.rfind("/api/v1/devices/", 0) == 0) {
        return "okta.devices.read";
    }
    if (path == "/api/v1/device-assurances") return "okta.deviceAssurance.read";
    return "";
}

void apply(httplib::Response& res, const HttpAnswer& answer) {
    for (const auto& [name, value] : answer.headers) res.set_header(name, value);
    if (answer.body.empty()) {
        res.status = answer.status;  // Okta's 403 insufficient_scope: no body at all
    } else {
        set_json(res, answer.status, answer.body);
    }
}

}  // namespace

void Simulator::serve_token(Exchange& ex) {
    if (ex.req.method != "POST") {
        set_json(ex.res, 405,
                 Json{{"error", "invalid_request"},
                      {"error_description", "The token endpoint accepts only POST."}}
                     .dump());
        return;
    }
    TokenCall call;
    call.content_type = ex.req.get_header_value("Content-Type");
    call.body = ex.req.body;
    call.dpop = ex.req.get_header_value("DPoP");
    call.origin = ex.origin();
    call.now_ms = real_now_ms() + ex.cfg.clock_skew_ms;
    call.settings = oauth_settings(ex.cfg);
    apply(ex.res, oauth_.token(call));
}

bool Simulator::authorize_oauth(Exchange& ex) {
    ResourceCall call;
    call.scheme = ex.oauth_scheme;
    call.token = ex.oauth_token;
    call.dpop = ex.req.get_header_value("DPoP");
    call.method = ex.req.method;
    call.origin = ex.origin();
    call.path = ex.path;
    call.required_scope = required_scope(ex.path);
    call.now_ms = real_now_ms() + ex.cfg.clock_skew_ms;
    call.settings = oauth_settings(ex.cfg);
    const ResourceVerdict verdict = oauth_.check_resource(call);
    if (verdict.ok) {
        ex.valid_auth = true;
        return true;
    }
    if (verdict.answer.status == 401) {
        std::lock_guard lock(control_mu_);
        ++stats_.auth_failures;
    }
    if (verdict.okta_invalid_token) {
        for (const auto& [name, value] : verdict.answer.headers) ex.res.set_header(name, value);
        send_error(ex, invalid_token());
    } else {
        apply(ex.res, verdict.answer);
    }
    return false;
}

}  // namespace oktasim
