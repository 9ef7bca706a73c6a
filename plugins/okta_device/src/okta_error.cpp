#include "okta_error.h"

#include <asset_sdk/text.h>
#include <asset_sdk/www_authenticate.h>
#include <simdjson.h>

namespace okta_device {

namespace {

constexpr std::size_t kMaxText = 300;  // error texts end up in logs and exit messages

// Keeps messages one line and bounded, whatever the server sent, and without anything that looks
// like a credential it may echo (an access token, a signed assertion or proof). `credential` (the
// token sent, whatever its length) is masked first, on the whole text, before anything is cut.
std::string clean(std::string_view text, std::string_view credential = {}) {
    return asset_sdk::scrub_credentials(asset_sdk::mask_secret(std::string(text), credential),
                                        kMaxText);
}

}  // namespace

OktaError parse_okta_error(const asset_sdk::HttpResponse& response, std::string_view credential) {
    OktaError e;
    e.http_status = response.status;
    if (auto id = response.header("x-okta-request-id")) e.request_id = clean(*id, credential);

    for (const asset_sdk::AuthChallenge& challenge :
         asset_sdk::parse_www_authenticate(response.header_values("www-authenticate"))) {
        const std::string* error = challenge.param("error");
        if (error && !error->empty()) e.oauth_challenge = true;
        if (error && *error == "insufficient_scope") {
            e.insufficient_scope = true;
            if (const std::string* scope = challenge.param("scope"))
                e.required_scope = clean(*scope);
        }
        const std::string* description = challenge.param("error_description");
        if (e.error_summary.empty() && description && !description->empty()) {
            e.error_summary = clean(*description);
        }
    }

    if (response.body.empty()) return e;
    // A small body; DOM parsing is simplest and the copy is bounded by the error size.
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    const simdjson::padded_string padded(response.body.substr(0, 64 * 1024));
    if (parser.parse(padded).get(root)) return e;
    std::string_view s;
    if (!root["errorCode"].get_string().get(s)) e.error_code = clean(s, credential);
    if (!root["errorSummary"].get_string().get(s)) e.error_summary = clean(s, credential);
    simdjson::dom::array causes;
    if (!root["errorCauses"].get_array().get(causes)) {
        for (auto cause : causes) {
            if (cause["errorSummary"].get_string().get(s)) continue;
            if (!e.error_causes.empty()) e.error_causes += "; ";
            e.error_causes += clean(s, credential);
            if (e.error_causes.size() > kMaxText) break;
        }
    }
    // OAuth errors from the authorization server use {error, error_description}.
    if (e.error_summary.empty() && !root["error_description"].get_string().get(s)) {
        e.error_summary = clean(s, credential);
    }
    return e;
}

std::string describe(const OktaError& error) {
    std::string out = "HTTP " + std::to_string(error.http_status);
    if (!error.error_code.empty()) out += " " + error.error_code;
    if (!error.error_summary.empty()) out += ": " + error.error_summary;
    if (!error.error_causes.empty()) out += " (" + error.error_causes + ")";
    if (error.insufficient_scope) {
        out += error.required_scope.empty()
                   ? " (insufficient_scope)"
                   : " (insufficient_scope; required scope: " + error.required_scope + ")";
    }
    if (!error.request_id.empty()) out += " (Okta request id " + error.request_id + ")";
    return out;
}

bool is_okta_error(const OktaError& error) {
    return !error.error_code.empty() || error.oauth_challenge;
}

std::string request_id_suffix(const asset_sdk::HttpResponse& response) {
    if (auto id = response.header("x-okta-request-id")) {
        return " (Okta request id " + clean(*id) + ")";
    }
    return {};
}

}  // namespace okta_device
