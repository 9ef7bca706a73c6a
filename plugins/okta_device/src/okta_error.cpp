#include "okta_error.h"

#include <asset_sdk/text.h>
#include <simdjson.h>

namespace okta_device {

namespace {

constexpr std::size_t kMaxText = 300;  // error texts end up in logs and exit messages

// Keeps messages one line and bounded, whatever the server sent.
std::string clean(std::string_view text) {
    return asset_sdk::one_line(text, kMaxText);
}

// The value of auth-param `name` in a challenge such as
// Bearer realm="x", scope="okta.devices.read", error="insufficient_scope".
std::string challenge_param(std::string_view header, std::string_view name) {
    std::size_t pos = 0;
    while (pos < header.size()) {
        // Find name followed by optional spaces and '='.
        const std::size_t at = header.find('=', pos);
        if (at == std::string_view::npos) break;
        std::size_t start = at;
        while (start > 0 && header[start - 1] == ' ') --start;
        std::size_t name_start = start;
        while (name_start > 0 && header[name_start - 1] != ' ' && header[name_start - 1] != ',') {
            --name_start;
        }
        const std::string_view found = header.substr(name_start, start - name_start);
        std::size_t v = at + 1;
        while (v < header.size() && header[v] == ' ') ++v;
        std::string value;
        if (v < header.size() && header[v] == '"') {
            ++v;
            while (v < header.size() && header[v] != '"') {
                if (header[v] == '\\' && v + 1 < header.size()) ++v;
                value.push_back(header[v++]);
            }
            if (v < header.size()) ++v;
        } else {
            while (v < header.size() && header[v] != ',' && header[v] != ' ') {
                value.push_back(header[v++]);
            }
        }
        if (asset_sdk::iequals(found, name)) return value;
        pos = v;
    }
    return {};
}

}  // namespace

OktaError parse_okta_error(const asset_sdk::HttpResponse& response) {
    OktaError e;
    e.http_status = response.status;
    if (auto id = response.header("x-okta-request-id")) e.request_id = clean(*id);

    for (std::string_view challenge : response.header_values("www-authenticate")) {
        const std::string err = challenge_param(challenge, "error");
        if (!err.empty()) e.oauth_challenge = true;
        if (err == "insufficient_scope") {
            e.insufficient_scope = true;
            e.required_scope = clean(challenge_param(challenge, "scope"));
        }
        if (e.error_summary.empty()) {
            const std::string desc = challenge_param(challenge, "error_description");
            if (!desc.empty()) e.error_summary = clean(desc);
        }
    }

    if (response.body.empty()) return e;
    // A small body; DOM parsing is simplest and the copy is bounded by the error size.
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    const simdjson::padded_string padded(response.body.substr(0, 64 * 1024));
    if (parser.parse(padded).get(root)) return e;
    std::string_view s;
    if (!root["errorCode"].get_string().get(s)) e.error_code = clean(s);
    if (!root["errorSummary"].get_string().get(s)) e.error_summary = clean(s);
    simdjson::dom::array causes;
    if (!root["errorCauses"].get_array().get(causes)) {
        for (auto cause : causes) {
            if (cause["errorSummary"].get_string().get(s)) continue;
            if (!e.error_causes.empty()) e.error_causes += "; ";
            e.error_causes += clean(s);
            if (e.error_causes.size() > kMaxText) break;
        }
    }
    // OAuth errors from the authorization server use {error, error_description}.
    if (e.error_summary.empty() && !root["error_description"].get_string().get(s)) {
        e.error_summary = clean(s);
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
