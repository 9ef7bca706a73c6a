#include "delivery/sekoia_checks.h"

#include "common/redactor.h"

#include "delivery/sekoia_destination.h"
#include "delivery/sekoia_response.h"

#include <asset_sdk/http_client.h>
#include <asset_sdk/proxy.h>
#include <asset_sdk/url.h>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace asset_host::delivery {

namespace {

constexpr char kReachability[] = "destination.reachability";
constexpr char kApiKey[] = "destination.api_key";
constexpr char kConnector[] = "destination.connector";

// What to do about a transport failure when reaching the Sekoia base URL.
std::string transport_remedy(asset_sdk::TransportError error) {
    using asset_sdk::TransportError;
    switch (error) {
        case TransportError::kInvalidUrl:
            return "fix destination.base_url (an absolute https:// URL)";
        case TransportError::kDnsFailed:
            return "check the host name in destination.base_url and the machine's DNS";
        case TransportError::kConnectionRefused:
            return "nothing listens there: check the host and port of destination.base_url";
        case TransportError::kConnectFailed:
        case TransportError::kTimeout:
            return "check network access from this machine to destination.base_url (firewall, "
                   "routes, proxy)";
        case TransportError::kTlsUntrusted:
            return "the server certificate is not trusted: set destination.ca_file to the CA "
                   "bundle that signs it (it is added to the system trust store), or fix the "
                   "system trust store";
        case TransportError::kTlsExpired:
            return "the server certificate is expired or not yet valid: check the server and "
                   "this machine's clock";
        case TransportError::kTlsHostMismatch:
            return "the certificate does not name this host: use the host name the certificate "
                   "was issued for in destination.base_url";
        case TransportError::kProxy:
            return "check destination.proxy and the *_proxy environment variables";
        default:
            return "check destination.base_url and network access to it";
    }
}

constexpr const char* kKeyRemedy =
    "create an API key in Sekoia (Settings > Workspace > API keys) with the asset permissions "
    "(ASSETMANAGEMENT_CREATE_ASSET, ASSETMANAGEMENT_UPDATE_ASSET) and update the reference in "
    "destination.api_key";

// Runs the checks in order; each decides whether the next ones still mean something.
class SekoiaChecks {
public:
    SekoiaChecks(const SekoiaDestinationSpec& spec,
                 const std::function<void(const CheckResult&)>& on_check,
                 const asset_sdk::CancelCheck& cancelled)
        : spec_(spec), on_check_(on_check), cancelled_(cancelled) {}

    bool run() {
        const bool uuid_ok = connector_uuid();
        const bool reachable = reachability();
        const bool key_ok = api_key(reachable);
        return uuid_ok && reachable && key_ok && connector();
    }

private:
    bool connector_uuid();
    bool reachability();
    bool api_key(bool reachable);
    bool connector();
    bool connector_refused(const asset_sdk::HttpResponse& r);
    // The answer came from something in between (a proxy, gateway or captive portal).
    void not_sekoia(const char* check, const std::string& request,
                    const asset_sdk::HttpResponse& response);
    // Sekoia answered, but with a status that proves nothing now (5xx, 429, ...).
    void unverified(const char* check, const asset_sdk::HttpResponse& response,
                    const std::string& what);
    asset_sdk::HttpResult perform(asset_sdk::HttpRequest request, const std::string& user_agent);
    std::string said(const asset_sdk::HttpResponse& r) const {
        return describe_sekoia_error(r.status, r.body, spec_.api_key);  // masked, then cut
    }
    // A transport failure through a proxy is most often the proxy's: it is named first.
    std::string proxy_remedy(std::string remedy) const {
        if (!route_.via_proxy()) return remedy;
        return "requests go through the proxy " + asset_sdk::proxy_for_display(route_.proxy) +
               ": check that it runs and is reachable from here, or bypass it with no_proxy; "
               "otherwise " +
               remedy;
    }
    void report(const char* name, ah_check_status status, std::string detail, std::string remedy) {
        on_check_(destination_check(name, status, std::move(detail), std::move(remedy)));
    }

    const SekoiaDestinationSpec& spec_;
    const std::function<void(const CheckResult&)>& on_check_;
    const asset_sdk::CancelCheck& cancelled_;
    asset_sdk::ProxyRoute route_;
    asset_sdk::HttpResult validate_;  // the answer to the token check
};

asset_sdk::HttpResult SekoiaChecks::perform(asset_sdk::HttpRequest request,
                                            const std::string& user_agent) {
    asset_sdk::HttpClientOptions options = sekoia_client_options(spec_);
    options.cancelled = cancelled_;
    options.user_agent = user_agent;
    auto client = asset_sdk::make_curl_client(std::move(options));
    request.timeout = std::min(spec_.request_timeout, asset_sdk::Millis(15'000));
    return client->perform(request);
}

bool SekoiaChecks::connector_uuid() {
    if (!is_well_formed_uuid(spec_.connector_uuid)) {
        report("destination.connector_uuid", AH_CHECK_FAIL,
               "connector_uuid '" + mask_secret(spec_.connector_uuid, spec_.api_key) +
                   "' is not a UUID",
               "set destination.connector_uuid to the UUID of the asset connector created in "
               "Sekoia (8-4-4-4-12 hex digits)");
        return false;
    }
    report("destination.connector_uuid", AH_CHECK_OK,
           "connector UUID " + spec_.connector_uuid + " is well formed", {});
    return true;
}

// The token check's request proves DNS, TCP, the certificate and the proxy route.
bool SekoiaChecks::reachability() {
    auto url = asset_sdk::parse_url(spec_.base_url);
    if (!url.is_ok()) {
        report(kReachability, AH_CHECK_FAIL,
               "destination.base_url is not a valid URL: " + url.status().message(),
               "set destination.base_url to an https:// URL, e.g. https://api.sekoia.io");
        return false;
    }
    const bool tls = url->scheme == "https";
    if (!tls && !spec_.allow_insecure_http) {
        report(kReachability, AH_CHECK_FAIL, "destination.base_url uses plain http",
               "use https://, or set allow_insecure_http: true for a loopback simulator");
        return false;
    }
    route_ = asset_sdk::proxy_route(*url, spec_.proxy);
    asset_sdk::HttpRequest request;
    request.url = sekoia_api_root(spec_) + kSekoiaValidatePath;
    if (!spec_.api_key.empty()) request.headers = {{"Authorization", "Bearer " + spec_.api_key}};
    validate_ = perform(std::move(request), {});
    const std::string route = asset_sdk::describe_route(*url, route_);
    if (!validate_.ok()) {
        report(kReachability, AH_CHECK_FAIL,
               "cannot reach " + spec_.base_url + route + ": " +
                   asset_sdk::transport_error_text(validate_.error) + " (" +
                   mask_secret(validate_.error_message, spec_.api_key) + ")",
               proxy_remedy(transport_remedy(validate_.error)));
        return false;
    }
    const std::string reached = "reached " + spec_.base_url + route;
    if (tls) {
        report(kReachability, AH_CHECK_OK, reached + " over TLS, certificate trusted", {});
    } else {
        report(kReachability, AH_CHECK_WARN, reached + " over plain HTTP",
               "allow_insecure_http is for loopback simulators only: the API key travels "
               "unencrypted; use https:// in production");
    }
    return true;
}

// Sekoia's token check: 200 with the token's claims, 401 with {"message", "code"}. False when
// the key is known bad or the answer did not come from Sekoia: the push probe would prove
// nothing more.
bool SekoiaChecks::api_key(bool reachable) {
    if (spec_.api_key.empty()) {
        report(kApiKey, AH_CHECK_FAIL, "destination.api_key is empty",
               "set destination.api_key, e.g. api_key: ${env:SEKOIA_API_KEY}, and make sure the "
               "variable or file it refers to is set");
        return false;
    }
    if (!reachable) return false;  // reachability said why
    const asset_sdk::HttpResponse& r = validate_.response;
    const std::string request = std::string("GET ") + kSekoiaValidatePath;
    if (r.status == 200 && nlohmann::json::parse(r.body, nullptr, false).contains("identity")) {
        report(kApiKey, AH_CHECK_OK, "Sekoia's token check accepted the API key (" + request + ")",
               {});
        return true;
    }
    if (r.status == 404) {
        report(kApiKey, AH_CHECK_WARN,
               "this API root has no token check (" + request +
                   " answered HTTP 404): destination.connector below checks the key",
               "check destination.base_url: the API root of your Sekoia region, e.g. "
               "https://api.sekoia.io");
        return true;
    }
    if (r.status == 200 || !is_sekoia_error_body(r.body)) {
        not_sekoia(kApiKey, request, r);
        return false;
    }
    if (r.status == 401) {
        report(kApiKey, AH_CHECK_FAIL,
               "Sekoia rejected the API key: invalid, expired or revoked (" + said(r) + ")",
               kKeyRemedy);
        return false;
    }
    unverified(kApiKey, r, "the API key");
    return true;
}

// The push a cycle makes, with no asset: proves that this key may push to this connector.
bool SekoiaChecks::connector() {
    asset_sdk::HttpRequest request = sekoia_push_request(spec_);
    request.body = R"({"version":1,"items":[]})";
    const asset_sdk::HttpResult res = perform(request, sekoia_user_agent(spec_));
    const std::string what =
        "POST " + request.url.substr(sekoia_api_root(spec_).size()) + " with no asset";
    if (!res.ok()) {
        report(kConnector, AH_CHECK_FAIL,
               what + " failed: " + asset_sdk::transport_error_text(res.error) + " (" +
                   mask_secret(res.error_message, spec_.api_key) + ")",
               transport_remedy(res.error));
        return false;
    }
    const asset_sdk::HttpResponse& r = res.response;
    const bool success = r.status >= 200 && r.status < 300;
    if (success && (is_json_object(r.body) || (r.status == 204 && r.body.empty()))) {
        report(kConnector, AH_CHECK_OK,
               "Sekoia's asset API accepted an empty push to asset connector " +
                   spec_.connector_uuid + " with this API key (" + what + ": HTTP " +
                   std::to_string(r.status) + ")",
               {});
        return true;
    }
    if (success || !is_sekoia_error_body(r.body)) {
        not_sekoia(kConnector, what, r);
        return false;
    }
    return connector_refused(r);
}

// Sekoia's error answer to the empty push: which of key, permission or connector is wrong.
bool SekoiaChecks::connector_refused(const asset_sdk::HttpResponse& r) {
    switch (r.status) {
        case 401:
            report(kConnector, AH_CHECK_FAIL,
                   "Sekoia's asset API rejected the API key (" + said(r) + ")", kKeyRemedy);
            return false;
        case 403:
            report(kConnector, AH_CHECK_FAIL,
                   "the API key may not push assets to asset connector " + spec_.connector_uuid +
                       " (" + said(r) + ")",
                   "give the API key Sekoia's asset permissions (ASSETMANAGEMENT_CREATE_ASSET, "
                   "ASSETMANAGEMENT_UPDATE_ASSET: Settings > Workspace > API keys), or use a key "
                   "that has them");
            return false;
        case 404:
            report(kConnector, AH_CHECK_FAIL,
                   "Sekoia has no asset connector " + spec_.connector_uuid + " (" + said(r) + ")",
                   "set destination.connector_uuid to the UUID of the asset connector created in "
                   "Sekoia (shown on its page), not the UUID of the connector type; and check "
                   "that destination.base_url is the API of the region it was created in");
            return false;
        default:
            unverified(kConnector, r, "asset connector " + spec_.connector_uuid);
            return true;
    }
}

void SekoiaChecks::not_sekoia(const char* check, const std::string& request,
                              const asset_sdk::HttpResponse& response) {
    const bool via_proxy = route_.via_proxy();
    std::string detail =
        "the answer to " + request +
        " did not come from Sekoia's API: " + asset_sdk::describe_answer(response) +
        (response.status >= 200 && response.status < 300 ? " without Sekoia's JSON answer"
                                                         : " without Sekoia's JSON error") +
        "; a proxy, gateway or captive portal answered, not Sekoia";
    std::string remedy =
        via_proxy ? "the proxy " + asset_sdk::proxy_for_display(route_.proxy) +
                        " answered instead of Sekoia: check that it lets this machine reach " +
                        spec_.base_url +
                        " (its allow-list, authentication, upstream), or bypass it with no_proxy"
                  : "something between this machine and Sekoia answered (a gateway, a "
                    "TLS-inspecting proxy, or a destination.base_url that is not Sekoia's API "
                    "root, e.g. https://api.sekoia.io): check base_url and the network path";
    report(check, AH_CHECK_FAIL, mask_secret(std::move(detail), spec_.api_key),
           remedy + ". The API key and connector were not checked.");
}

void SekoiaChecks::unverified(const char* check, const asset_sdk::HttpResponse& response,
                              const std::string& what) {
    report(check, AH_CHECK_WARN,
           "Sekoia could not answer for " + what + " now (" + said(response) +
               "): the first push verifies it",
           "run the test again later; if it persists, check Sekoia's status page and "
           "destination.base_url");
}

}  // namespace

CheckResult destination_check(std::string name, ah_check_status status, std::string detail,
                              std::string remedy) {
    CheckResult result;
    result.source = "destination";
    result.name = std::move(name);
    result.status = status;
    result.detail = std::move(detail);
    result.remedy = std::move(remedy);
    return result;
}

bool sekoia_checks(const SekoiaDestinationSpec& spec,
                   const std::function<void(const CheckResult&)>& on_check,
                   const asset_sdk::CancelCheck& cancelled) {
    return SekoiaChecks(spec, on_check, cancelled).run();
}

}  // namespace asset_host::delivery
