#include "connection_checks.h"

#include "okta_client.h"
#include "pager.h"

#include <asset_sdk/time_util.h>
#include <asset_sdk/url.h>

#include <simdjson.h>

namespace okta_device {

namespace {

using asset_sdk::TransportError;

std::string host_port(const asset_sdk::Url& url) {
    return url.host + ":" + std::to_string(url.port);
}

CheckResult make(std::string name, ah_check_status status, std::string detail,
                 std::string remedy = {}) {
    return CheckResult{std::move(name), status, std::move(detail), std::move(remedy)};
}

CheckResult reachability_failure(const OktaConfig& config, const asset_sdk::Url& url,
                                 const ApiResult& r) {
    const std::string where = host_port(url);
    std::string detail;
    std::string remedy;
    switch (r.transport) {
        case TransportError::kDnsFailed:
            detail = "DNS resolution failed: the name " + url.host + " does not resolve";
            remedy =
                "Check the spelling of base_url (e.g. https://acme.okta.com) and this "
                "machine's DNS settings.";
            break;
        case TransportError::kConnectionRefused:
            detail = "connection refused by " + where;
            remedy =
                "Check the host and port of base_url, and that no firewall rejects the "
                "connection.";
            break;
        case TransportError::kConnectFailed:
            detail = "could not connect to " + where + " (network unreachable)";
            remedy =
                "Check this machine's network route to Okta, the firewall, and whether an "
                "HTTPS proxy is required (set proxy or https_proxy).";
            break;
        case TransportError::kTimeout:
            detail = "timed out connecting to " + where + " (timeout " +
                     asset_sdk::format_duration(config.timeout) + ")";
            remedy =
                "Check the firewall and whether an HTTPS proxy is required (set proxy or "
                "https_proxy); raise timeout if the network is slow.";
            break;
        case TransportError::kTlsUntrusted:
            detail = "TLS certificate of " + url.host +
                     " is not trusted (self-signed or issued by an unknown CA)";
            remedy =
                "If a TLS-inspecting proxy re-signs traffic, set ca_file to its CA bundle "
                "(PEM); otherwise check that base_url points at your Okta org.";
            break;
        case TransportError::kTlsExpired:
            detail = "TLS certificate of " + url.host + " has expired or is not yet valid";
            remedy =
                "Check this machine's clock; if it is right, the server presents a stale "
                "certificate: check base_url.";
            break;
        case TransportError::kTlsHostMismatch:
            detail = "TLS certificate does not match the host name " + url.host;
            remedy =
                "Use the exact host the certificate is issued for: your Okta domain "
                "(acme.okta.com) or your configured custom domain.";
            break;
        case TransportError::kTlsOther:
            detail = "TLS handshake with " + where + " failed";
            remedy =
                "Check that base_url uses https:// on a TLS port, and any TLS-inspecting "
                "proxy.";
            break;
        case TransportError::kProxy:
            detail = "the proxy failed to connect to " + where;
            remedy = "Check the proxy setting (or the https_proxy / no_proxy variables).";
            break;
        default:
            detail =
                std::string(asset_sdk::transport_error_text(r.transport)) + " talking to " + where;
            remedy = "Check base_url and the network path to Okta.";
            break;
    }
    // The plain words are above; libcurl's own message adds the specifics (not repeated words).
    if (!r.transport_detail.empty()) detail += " — " + r.transport_detail.substr(0, 300);
    return make("reachability", AH_CHECK_FAIL, detail, remedy);
}

// Reads {"id": "...", "pipeline": "idx"|"v1"} from /.well-known/okta-organization.
struct OrgInfo {
    bool json = false;
    std::string id;
    std::string pipeline;
};

OrgInfo parse_org(const std::string& body) {
    OrgInfo info;
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    const simdjson::padded_string padded(body.substr(0, 64 * 1024));
    if (parser.parse(padded).get(root) || !root.is_object()) return info;
    info.json = true;
    std::string_view s;
    if (!root["id"].get_string().get(s)) info.id = std::string(s.substr(0, 64));
    if (!root["pipeline"].get_string().get(s)) info.pipeline = std::string(s.substr(0, 32));
    return info;
}

std::size_t json_array_size(const std::string& body) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    const simdjson::padded_string padded(body);
    simdjson::dom::array arr;
    if (parser.parse(padded).get(root) || root.get_array().get(arr)) return 0;
    return arr.size();
}

}  // namespace

bool run_connection_checks(const OktaConfig& config, asset_sdk::HttpClient& http,
                           asset_sdk::Clock& clock, HostIo& io, const CheckReportFn& report) {
    // 1. base_url
    std::string base_detail = config.base_url;
    for (const std::string& note : config.notes) base_detail += " (" + note + ")";
    auto parsed = asset_sdk::parse_url(config.base_url);
    if (!parsed) {  // cannot happen after parse_config; kept so the check means something
        report(make("base_url", AH_CHECK_FAIL,
                    "base_url is not a URL: " + parsed.status().message(),
                    "Set base_url to your org URL, e.g. https://acme.okta.com."));
        return true;
    }
    const asset_sdk::Url base = *parsed;
    if (base.scheme == "http") {
        report(make("base_url", AH_CHECK_WARN,
                    base_detail + " uses plain HTTP (allow_insecure_http): the token travels "
                                  "unencrypted",
                    "Use https:// for a real Okta org; http:// is for local simulators only."));
    } else {
        report(make("base_url", AH_CHECK_OK, base_detail));
    }

    OktaClient client(config, http, clock, io, /*seed=*/0x5eed);

    // 2. reachability (no token: the well-known document is public)
    const auto began = clock.steady_now();
    ApiResult org = client.get_once(config.base_url + "/.well-known/okta-organization", false);
    if (org.status.code() == asset_sdk::StatusCode::kCancelled || io.cancelled()) return false;
    if (org.transport != TransportError::kNone) {
        report(reachability_failure(config, base, org));
        return true;
    }
    const auto took = std::chrono::duration_cast<asset_sdk::Millis>(clock.steady_now() - began);
    report(
        make("reachability", AH_CHECK_OK,
             "connected to " + host_port(base) +
                 (base.scheme == "https" ? " with a trusted TLS certificate" : " over plain HTTP") +
                 " in " + asset_sdk::format_duration(took)));

    // 3. okta_org: Identity Engine or Classic
    const OrgInfo info = org.http_status == 200 ? parse_org(org.response.body) : OrgInfo{};
    if (org.http_status == 200 && info.pipeline == "idx") {
        report(make("okta_org", AH_CHECK_OK,
                    "Okta Identity Engine org" + (info.id.empty() ? "" : " " + info.id)));
    } else if (org.http_status == 200 && info.pipeline == "v1") {
        report(make("okta_org", AH_CHECK_FAIL,
                    "Okta Classic Engine org" + (info.id.empty() ? "" : " " + info.id) +
                        ": the Devices API exists only on Okta Identity Engine orgs",
                    "Upgrade the org to Okta Identity Engine, or point base_url at an Identity "
                    "Engine org."));
        return true;
    } else if (org.http_status == 200 && info.json) {
        report(make("okta_org", AH_CHECK_WARN,
                    "Okta org" + (info.id.empty() ? "" : " " + info.id) +
                        " with an unknown engine ('" + info.pipeline + "')",
                    "The Devices API needs Okta Identity Engine; the next checks tell whether it "
                    "answers."));
    } else if (org.http_status == 404 || (org.http_status == 200 && !info.json)) {
        report(make(
            "okta_org", AH_CHECK_FAIL,
            "no Okta org at " + config.base_url + ": /.well-known/okta-organization answered " +
                (org.http_status == 404 ? std::string("HTTP 404") : "something that is not JSON") +
                request_id_suffix(org.response),
            "Set base_url to your Okta org URL (e.g. https://acme.okta.com or your custom "
            "domain)."));
        return true;
    } else {
        report(make("okta_org", AH_CHECK_WARN,
                    "could not read the org's metadata: " + org.status.message(),
                    "Okta may be busy; run the test again. The next checks still run."));
    }

    // 4. api_token and 5. devices_read: one request answers both.
    ApiResult dev = client.get_once(config.base_url + kDevicesPath + "?limit=1");
    if (dev.status.code() == asset_sdk::StatusCode::kCancelled || io.cancelled()) return false;
    if (dev.transport != TransportError::kNone) {
        report(make("api_token", AH_CHECK_FAIL,
                    "GET " + std::string(kDevicesPath) + " failed: " + dev.status.message(),
                    "Check the network path to Okta and run the test again."));
        return true;
    }
    const OktaError& e = dev.okta;
    if (dev.http_status == 401) {
        if (e.error_code == "E0000011" || e.error_code.empty()) {
            report(make(
                "api_token", AH_CHECK_FAIL,
                "Okta rejected the API token: invalid, revoked or expired (" + describe(e) + ")",
                "Create a new API token (Admin Console → Security → API → Tokens) and "
                "update the reference in the manifest. Okta API tokens expire after 30 "
                "days without use and are revoked when their admin is deactivated."));
        } else {
            report(make("api_token", AH_CHECK_FAIL, "Okta refused the request: " + describe(e),
                        e.error_code == "E0000015"
                            ? "The feature is not enabled for this org: the Devices API needs "
                              "Okta Identity Engine."
                            : "Check the API token and the org's features."));
        }
        return true;
    }
    report(make("api_token", AH_CHECK_OK, "Okta accepted the API token"));

    const std::string headroom = client.rate_limiter().headroom();
    if (dev.http_status == 403) {
        report(make("devices_read", AH_CHECK_FAIL,
                    "the token may not list devices (" + describe(e) + ")",
                    e.insufficient_scope
                        ? "Grant the OAuth service app the scope okta.devices.read (and an admin "
                          "role that can read devices)."
                        : "An API token acts with the role of the admin who created it: give that "
                          "admin a role that can read devices (Read-only Administrator is enough, "
                          "or a custom role with the okta.devices.read permission), or create "
                          "the token as such an admin. For an OAuth service app: the scope "
                          "okta.devices.read."));
        return true;
    }
    if (dev.http_status == 404) {
        report(make("devices_read", AH_CHECK_FAIL,
                    "the Devices API is not available on this org (" + describe(e) + ")",
                    "The Devices API exists only on Okta Identity Engine orgs."));
        return true;
    }
    if (dev.http_status == 429) {
        report(make("devices_read", AH_CHECK_WARN,
                    "rate limited right now (" + describe(e) + ")" +
                        (headroom.empty() ? "" : "; " + headroom),
                    "Other integrations use the whole /api/v1/devices budget; run the test again "
                    "after the reset, or raise the org's limit for this bucket."));
    } else if (dev.http_status < 200 || dev.http_status >= 300) {
        report(make("devices_read", AH_CHECK_FAIL, "GET /api/v1/devices failed: " + describe(e),
                    "Run the test again; if it persists, quote the Okta request id to Okta "
                    "support."));
        return true;
    } else {
        const std::size_t n = json_array_size(dev.response.body);
        report(make("devices_read", AH_CHECK_OK,
                    std::string("Devices API readable") +
                        (n == 0 ? " (no devices enrolled yet)" : "") +
                        (headroom.empty() ? "" : "; rate limit: " + headroom)));
    }

    // 6. device_assurance: optional.
    ApiResult da = client.get_once(config.base_url + "/api/v1/device-assurances");
    if (da.status.code() == asset_sdk::StatusCode::kCancelled || io.cancelled()) return false;
    if (da.ok()) {
        const std::size_t n = json_array_size(da.response.body);
        report(make("device_assurance", AH_CHECK_OK,
                    std::to_string(n) + " device assurance " + (n == 1 ? "policy" : "policies") +
                        " readable"));
    } else {
        report(make(
            "device_assurance", AH_CHECK_WARN,
            "device assurance policies are not readable (" +
                (da.transport != TransportError::kNone ? da.status.message() : describe(da.okta)) +
                "): trust enrichment from assurance policies is unavailable; device "
                "records are not affected",
            "Optional: give the token's admin a role that can read device assurance "
            "policies, or grant an OAuth app the scope okta.deviceAssurance.read."));
    }
    return true;
}

}  // namespace okta_device
