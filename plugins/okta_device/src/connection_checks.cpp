#include "connection_checks.h"

#include "oauth_checks.h"
#include "okta_client.h"
#include "pager.h"

#include "sync_state.h"

#include <asset_sdk/proxy.h>
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

// What failed on the way to Okta, in plain words naming the host.
std::string reachability_detail(const OktaConfig& config, const asset_sdk::Url& url,
                                TransportError error) {
    const std::string where = host_port(url);
    switch (error) {
        case TransportError::kDnsFailed:
            return "DNS resolution failed: the name " + url.host + " does not resolve";
        case TransportError::kConnectionRefused:
            return "connection refused by " + where;
        case TransportError::kConnectFailed:
            return "could not connect to " + where + " (network unreachable)";
        case TransportError::kTimeout:
            return "timed out connecting to " + where + " (timeout " +
                   asset_sdk::format_duration(config.timeout) + ")";
        case TransportError::kTlsUntrusted:
            return "TLS certificate of " + url.host +
                   " is not trusted (self-signed or issued by an unknown CA)";
        case TransportError::kTlsExpired:
            return "TLS certificate of " + url.host + " has expired or is not yet valid";
        case TransportError::kTlsHostMismatch:
            return "TLS certificate does not match the host name " + url.host;
        case TransportError::kTlsOther:
            return "TLS handshake with " + where + " failed";
        case TransportError::kProxy:
            return "the proxy failed to connect to " + where;
        default:
            return std::string(asset_sdk::transport_error_text(error)) + " talking to " + where;
    }
}

// What to do about it.
const char* reachability_remedy(TransportError error) {
    switch (error) {
        case TransportError::kDnsFailed:
            return "Check the spelling of base_url (e.g. https://acme.okta.com) and this "
                   "machine's DNS settings.";
        case TransportError::kConnectionRefused:
            return "Check the host and port of base_url, and that no firewall rejects the "
                   "connection.";
        case TransportError::kConnectFailed:
            return "Check this machine's network route to Okta, the firewall, and whether an "
                   "HTTPS proxy is required (set proxy or https_proxy).";
        case TransportError::kTimeout:
            return "Check the firewall and whether an HTTPS proxy is required (set proxy or "
                   "https_proxy); raise timeout if the network is slow.";
        case TransportError::kTlsUntrusted:
            return "If a TLS-inspecting proxy re-signs traffic, set ca_file to its CA bundle "
                   "(PEM); otherwise check that base_url points at your Okta org.";
        case TransportError::kTlsExpired:
            return "Check this machine's clock; if it is right, the server presents a stale "
                   "certificate: check base_url.";
        case TransportError::kTlsHostMismatch:
            return "Use the exact host the certificate is issued for: your Okta domain "
                   "(acme.okta.com) or your configured custom domain.";
        case TransportError::kTlsOther:
            return "Check that base_url uses https:// on a TLS port, and any TLS-inspecting "
                   "proxy.";
        case TransportError::kProxy:
            return "Check the proxy setting (or the https_proxy / no_proxy variables).";
        default:
            return "Check base_url and the network path to Okta.";
    }
}

// " through the proxy http://proxy:3128 (from https_proxy)": how requests leave this machine.
std::string route_text(const asset_sdk::Url& url, const asset_sdk::ProxyRoute& route) {
    return asset_sdk::describe_route(url, route);
}

CheckResult reachability_failure(const OktaConfig& config, const asset_sdk::Url& url,
                                 const asset_sdk::ProxyRoute& route, const ApiResult& r) {
    std::string detail = reachability_detail(config, url, r.transport) + route_text(url, route);
    // The plain words are above; libcurl's own message adds the specifics (not repeated words).
    if (!r.transport_detail.empty()) detail += " — " + r.transport_detail.substr(0, 300);
    return make("reachability", AH_CHECK_FAIL, detail, reachability_remedy(r.transport));
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

// Elements of a JSON array body; nullopt when the body is not a JSON array.
std::optional<std::size_t> json_array_size(const std::string& body) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    const simdjson::padded_string padded(body);
    simdjson::dom::array arr;
    if (parser.parse(padded).get(root) || root.get_array().get(arr)) return std::nullopt;
    return arr.size();
}

// What to grant when GET /api/v1/devices answers 403: the scope Okta named in its challenge,
// or the admin role of whoever the credentials act for.
std::string permission_remedy(const OktaError& e, bool oauth) {
    if (e.insufficient_scope) {
        const std::string scope = e.required_scope.empty() ? "okta.devices.read" : e.required_scope;
        return "Grant the app the scope " + scope +
               " (Applications → the app → Okta API Scopes → Grant) and list it in oauth.scopes.";
    }
    if (oauth) {
        return "The app's admin role may not read devices: assign it one that can (Applications → "
               "the app → Admin roles; Read-only Administrator is enough, or a custom role with "
               "the okta.devices.read permission).";
    }
    return "An API token acts with the role of the admin who created it: give that admin a role "
           "that can read devices (Read-only Administrator is enough, or a custom role with the "
           "okta.devices.read permission), or create the token as such an admin. For an OAuth "
           "service app: the scope okta.devices.read.";
}

// Okta's answers to GET /api/v1/devices: a JSON array, or an error with Okta's shape. Anything
// else came from something in between (a proxy's 502 page, a captive portal).
bool okta_answered(const ApiResult& r) {
    if (r.http_status >= 200 && r.http_status < 300) {
        return json_array_size(r.response.body).has_value();
    }
    return is_okta_error(r.okta);
}

}  // namespace

// The checks in order; each says whether the next ones still mean something.
class ConnectionChecks {
public:
    ConnectionChecks(const OktaConfig& config, asset_sdk::HttpClient& http, OktaAuth& auth,
                     asset_sdk::Clock& clock, asset_host::Host& host, const CheckReportFn& report)
        : config_(config),
          auth_(auth),
          clock_(clock),
          host_(host),
          report_(report),
          client_(config, http, auth, clock, host, /*seed=*/0x5eed) {}

    bool run() {
        for (Step step : {&ConnectionChecks::base_url, &ConnectionChecks::reachability,
                          &ConnectionChecks::okta_org, &ConnectionChecks::credentials,
                          &ConnectionChecks::devices_read}) {
            const Next next = (this->*step)();
            if (next == Next::kCancelled) return false;
            if (next == Next::kStop) return true;
        }
        return true;
    }

private:
    enum class Next { kContinue, kStop, kCancelled };
    using Step = Next (ConnectionChecks::*)();

    void report(std::string name, ah_check_status status, std::string detail,
                std::string remedy = {}) {
        report_(make(std::move(name), status, std::move(detail), std::move(remedy)));
    }
    // One request of a check, without retries: Test connector shows the first failure as is.
    bool get(const std::string& url, bool with_token, ApiResult& out) {
        out = client_.get_once(url, with_token);
        return out.status.code() != asset_sdk::StatusCode::kCancelled && !host_.cancelled();
    }

    Next base_url();
    Next reachability();
    Next okta_org();
    Next credentials() { return config_.oauth ? oauth_app() : api_token(); }
    Next api_token();
    Next oauth_app();
    Next token_refused();
    CheckResult not_okta(const char* check) const;
    Next devices_read();

    const OktaConfig& config_;
    OktaAuth& auth_;
    asset_sdk::Clock& clock_;
    asset_host::Host& host_;
    const CheckReportFn& report_;
    OktaClient client_;
    asset_sdk::Url base_;
    asset_sdk::ProxyRoute route_;  // how requests to base_url leave this machine
    ApiResult org_;                // /.well-known/okta-organization
    std::string probe_;            // the first request of a full sync
    ApiResult dev_;                // its answer
};

// 1. base_url
ConnectionChecks::Next ConnectionChecks::base_url() {
    std::string detail = config_.base_url;
    for (const std::string& note : config_.notes) detail += " (" + note + ")";
    auto parsed = asset_sdk::parse_url(config_.base_url);
    if (!parsed) {  // cannot happen after parse_config; kept so the check means something
        report("base_url", AH_CHECK_FAIL, "base_url is not a URL: " + parsed.status().message(),
               "Set base_url to your org URL, e.g. https://acme.okta.com.");
        return Next::kStop;
    }
    base_ = *parsed;
    if (base_.scheme == "http") {
        report("base_url", AH_CHECK_WARN,
               detail + " uses plain HTTP (allow_insecure_http): the token travels unencrypted",
               "Use https:// for a real Okta org; http:// is for local simulators only.");
    } else {
        report("base_url", AH_CHECK_OK, detail);
    }
    return Next::kContinue;
}

// 2. reachability (no token: the well-known document is public)
ConnectionChecks::Next ConnectionChecks::reachability() {
    route_ = asset_sdk::proxy_route(base_, config_.proxy);
    const auto began = clock_.steady_now();
    if (!get(config_.base_url + "/.well-known/okta-organization", false, org_)) {
        return Next::kCancelled;
    }
    if (org_.transport != TransportError::kNone) {
        report_(reachability_failure(config_, base_, route_, org_));
        return Next::kStop;
    }
    const auto took = std::chrono::duration_cast<asset_sdk::Millis>(clock_.steady_now() - began);
    report("reachability", AH_CHECK_OK,
           "connected to " + host_port(base_) + route_text(base_, route_) +
               (base_.scheme == "https" ? " with a trusted TLS certificate" : " over plain HTTP") +
               " in " + asset_sdk::format_duration(took));
    return Next::kContinue;
}

// 3. okta_org: Identity Engine or Classic
ConnectionChecks::Next ConnectionChecks::okta_org() {
    const long status = org_.http_status;
    const OrgInfo info = status == 200 ? parse_org(org_.response.body) : OrgInfo{};
    const std::string id = info.id.empty() ? "" : " " + info.id;
    if (status == 200 && info.pipeline == "idx") {
        report("okta_org", AH_CHECK_OK, "Okta Identity Engine org" + id);
    } else if (status == 200 && info.pipeline == "v1") {
        report("okta_org", AH_CHECK_FAIL,
               "Okta Classic Engine org" + id +
                   ": the Devices API exists only on Okta Identity Engine orgs",
               "Upgrade the org to Okta Identity Engine, or point base_url at an Identity Engine "
               "org.");
        return Next::kStop;
    } else if (status == 200 && info.json) {
        report("okta_org", AH_CHECK_WARN,
               "Okta org" + id + " with an unknown engine ('" + info.pipeline + "')",
               "The Devices API needs Okta Identity Engine; the next checks tell whether it "
               "answers.");
    } else if (status == 404 || status == 200) {
        report("okta_org", AH_CHECK_FAIL,
               "no Okta org at " + config_.base_url + ": /.well-known/okta-organization answered " +
                   (status == 404 ? std::string("HTTP 404") : "something that is not JSON") +
                   request_id_suffix(org_.response),
               "Set base_url to your Okta org URL (e.g. https://acme.okta.com or your custom "
               "domain).");
        return Next::kStop;
    } else if (is_okta_error(org_.okta)) {
        report("okta_org", AH_CHECK_WARN,
               "could not read the org's metadata: " + org_.status.message(),
               "Okta may be busy; run the test again. The next checks still run.");
    } else {
        report("okta_org", AH_CHECK_WARN,
               "could not read the org's metadata: " + describe_answer(org_.response) +
                   " is not an answer from Okta (a proxy or gateway answered?)" +
                   (route_.via_proxy() ? ";" + route_text(base_, route_) : ""),
               "The next checks tell whether Okta itself can be reached.");
    }
    return Next::kContinue;
}

// 4. api_token: the first request of a full sync (configured expand and statuses) also answers
// 5. devices_read. Only an answer with Okta's shape says anything about the token.
ConnectionChecks::Next ConnectionChecks::api_token() {
    probe_ = Pager(config_, device_search(config_.statuses, std::nullopt)).first_url();
    if (!get(probe_, true, dev_)) return Next::kCancelled;
    if (dev_.transport != TransportError::kNone) {
        report("api_token", AH_CHECK_FAIL,
               "GET " + std::string(kDevicesPath) + " failed: " + dev_.status.message(),
               "Check the network path to Okta and run the test again.");
        return Next::kStop;
    }
    if (!okta_answered(dev_)) {
        report_(not_okta("api_token"));
        return Next::kStop;
    }
    if (dev_.http_status == 401) return token_refused();
    if (dev_.http_status == 429 || dev_.http_status >= 500) {
        report("api_token", AH_CHECK_WARN,
               "not verified yet: Okta answered " + describe(dev_.okta) + " before checking it",
               "Run the test again in a minute.");
        return Next::kContinue;
    }
    report("api_token", AH_CHECK_OK, "Okta accepted the API token");
    return Next::kContinue;
}

// 4'. with oauth: the token checks, then the first request of a full sync with the access
// token (its answer is 5. devices_read's).
ConnectionChecks::Next ConnectionChecks::oauth_app() {
    const OAuthChecksEnd end = run_oauth_checks(*auth_.oauth(), config_, report_);
    if (end == OAuthChecksEnd::kCancelled) return Next::kCancelled;
    if (end == OAuthChecksEnd::kStop) return Next::kStop;
    probe_ = Pager(config_, device_search(config_.statuses, std::nullopt)).first_url();
    if (!get(probe_, true, dev_)) return Next::kCancelled;
    if (dev_.transport != TransportError::kNone || dev_.token_error) {
        report("devices_read", AH_CHECK_FAIL,
               "GET " + std::string(kDevicesPath) + " failed: " + dev_.status.message(),
               "Check the network path to Okta and run the test again.");
        return Next::kStop;
    }
    if (!okta_answered(dev_)) {
        report_(not_okta("devices_read"));
        return Next::kStop;
    }
    if (dev_.http_status == 401) {
        report("devices_read", AH_CHECK_FAIL,
               "Okta rejected the access token it had just issued, and a fresh one (" +
                   describe(dev_.okta) + ")",
               "Check that the app is active (Applications → the app) and run the test again.");
        return Next::kStop;
    }
    return Next::kContinue;
}

ConnectionChecks::Next ConnectionChecks::token_refused() {
    const OktaError& e = dev_.okta;
    if (e.error_code == "E0000011" || e.error_code.empty()) {
        report("api_token", AH_CHECK_FAIL,
               "Okta rejected the API token: invalid, revoked or expired (" + describe(e) + ")",
               "Create a new API token (Admin Console → Security → API → Tokens) and update the "
               "reference in the manifest. Okta API tokens expire after 30 days without use and "
               "are revoked when their admin is deactivated.");
    } else {
        report("api_token", AH_CHECK_FAIL, "Okta refused the request: " + describe(e),
               e.error_code == "E0000015"
                   ? "The feature is not enabled for this org: the Devices API needs Okta "
                     "Identity Engine."
                   : "Check the API token and the org's features.");
    }
    return Next::kStop;
}

// A proxy's or gateway's answer (a 502 page, a captive portal) is named as such: it proves
// nothing about the token.
CheckResult ConnectionChecks::not_okta(const char* check) const {
    const std::string unchecked =
        config_.oauth ? " The access token was not checked." : " The API token was not checked.";
    const bool ok_status = dev_.http_status >= 200 && dev_.http_status < 300;
    std::string detail =
        "the answer to GET " + std::string(kDevicesPath) +
        (route_.via_proxy() ? route_text(base_, route_) : "") +
        " did not come from Okta: " + describe_answer(dev_.response) +
        (ok_status ? " without a JSON array of devices" : " without an Okta error body") +
        "; a proxy or gateway answered, not Okta";
    std::string remedy =
        route_.via_proxy()
            ? "The proxy answered instead of Okta: check that it lets this machine reach " +
                  base_.host +
                  " (its allow-list, authentication and upstream), or bypass it "
                  "with no_proxy." +
                  unchecked
            : "Something between this machine and Okta answered (a gateway, a TLS-inspecting "
              "proxy, or a base_url that is not your Okta org): check base_url and the network "
              "path." +
                  unchecked;
    return make(check, AH_CHECK_FAIL, std::move(detail), std::move(remedy));
}

// 5. devices_read: 403 → missing permission; ok → rate-limit headroom
ConnectionChecks::Next ConnectionChecks::devices_read() {
    const OktaError& e = dev_.okta;
    const std::string headroom = client_.rate_limiter().headroom();
    if (dev_.http_status == 403) {
        std::string remedy = permission_remedy(e, config_.oauth.has_value());
        if (config_.expand == ExpandMode::kUser) {
            remedy +=
                " With expand: user the request also embeds full user objects: if the role "
                "may read devices but not users, try expand: userSummary.";
        }
        report("devices_read", AH_CHECK_FAIL,
               "the token may not list devices (" + describe(e) + ")", std::move(remedy));
        return Next::kStop;
    }
    if (dev_.http_status == 404) {
        report("devices_read", AH_CHECK_FAIL,
               "the Devices API is not available on this org (" + describe(e) + ")",
               "The Devices API exists only on Okta Identity Engine orgs.");
        return Next::kStop;
    }
    if (dev_.http_status == 429) {
        report("devices_read", AH_CHECK_WARN,
               "rate limited right now (" + describe(e) + ")" +
                   (headroom.empty() ? "" : "; " + headroom),
               "Other integrations use the whole /api/v1/devices budget; run the test again after "
               "the reset, or raise the org's limit for this bucket.");
        return Next::kContinue;
    }
    if (dev_.http_status < 200 || dev_.http_status >= 300) {
        report("devices_read", AH_CHECK_FAIL, "GET /api/v1/devices failed: " + describe(e),
               "Run the test again; if it persists, quote the Okta request id to Okta support.");
        return Next::kStop;
    }
    const std::size_t n = json_array_size(dev_.response.body).value_or(0);
    report("devices_read", AH_CHECK_OK,
           "Devices API readable with the request a sync makes (GET " +
               Pager::path_and_query(probe_) +
               "): " + (n == 0 ? std::string("no devices") : std::to_string(n) + " devices") +
               " on the first page" + (headroom.empty() ? "" : "; rate limit: " + headroom));
    return Next::kContinue;
}

bool run_connection_checks(const OktaConfig& config, asset_sdk::HttpClient& http, OktaAuth& auth,
                           asset_sdk::Clock& clock, asset_host::Host& host,
                           const CheckReportFn& report) {
    return ConnectionChecks(config, http, auth, clock, host, report).run();
}

}  // namespace okta_device
