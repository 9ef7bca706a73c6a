#include "delivery/destination_factory.h"

#include "common/paths.h"
#include "common/redactor.h"

#include "delivery/file_destination.h"
#include "delivery/sekoia_response.h"

#include <asset_sdk/http_client.h>
#include <asset_sdk/url.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include <unistd.h>

namespace asset_host::delivery {

namespace {

CheckResult check(std::string name, ah_check_status status, std::string detail,
                  std::string remedy = {}) {
    CheckResult result;
    result.source = "destination";
    result.name = std::move(name);
    result.status = status;
    result.detail = std::move(detail);
    result.remedy = std::move(remedy);
    return result;
}

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
                   "bundle that signs it, or fix the system trust store";
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

// The connector UUID and the API key, as configured (neither can be verified without a push).
bool sekoia_config_checks(const SekoiaDestinationSpec& spec,
                          const std::function<void(const CheckResult&)>& on_check) {
    bool ok = true;
    if (is_well_formed_uuid(spec.connector_uuid)) {
        on_check(check("destination.connector_uuid", AH_CHECK_OK,
                       "connector UUID " + spec.connector_uuid + " is well formed"));
    } else {
        ok = false;
        on_check(check(
            "destination.connector_uuid", AH_CHECK_FAIL,
            "connector_uuid '" + mask_secret(spec.connector_uuid, spec.api_key) + "' is not a UUID",
            "set destination.connector_uuid to the asset connector's configuration "
            "UUID (8-4-4-4-12 hex digits) shown in Sekoia"));
    }
    if (!spec.api_key.empty()) {
        on_check(check("destination.api_key", AH_CHECK_OK,
                       "API key present (" + std::to_string(spec.api_key.size()) +
                           " characters; validity is only known on the first push)"));
    } else {
        ok = false;
        on_check(check("destination.api_key", AH_CHECK_FAIL, "destination.api_key is empty",
                       "set destination.api_key, e.g. api_key: ${env:SEKOIA_API_KEY}, and make "
                       "sure the variable or file it refers to is set"));
    }
    return ok;
}

// One GET of the base URL without credentials: any HTTP answer proves DNS, TCP and the
// certificate.
bool sekoia_reachability_check(const SekoiaDestinationSpec& spec,
                               const std::function<void(const CheckResult&)>& on_check,
                               const asset_sdk::CancelCheck& cancelled) {
    auto url = asset_sdk::parse_url(spec.base_url);
    if (!url.is_ok()) {
        on_check(check("destination.reachability", AH_CHECK_FAIL,
                       "destination.base_url is not a valid URL: " + url.status().message(),
                       "set destination.base_url to an https:// URL, e.g. https://api.sekoia.io"));
        return false;
    }
    const bool tls = url->scheme == "https";
    if (!tls && !spec.allow_insecure_http) {
        on_check(check("destination.reachability", AH_CHECK_FAIL,
                       "destination.base_url uses plain http",
                       "use https://, or set allow_insecure_http: true for a loopback "
                       "simulator"));
        return false;
    }

    asset_sdk::HttpClientOptions options = sekoia_client_options(spec);
    options.cancelled = cancelled;
    auto client = asset_sdk::make_curl_client(std::move(options));
    asset_sdk::HttpRequest request;
    request.method = "GET";
    request.url = url->origin() + url->path;  // no credentials, nothing posted
    request.timeout = std::min(spec.request_timeout, asset_sdk::Millis(15'000));
    const asset_sdk::HttpResult res = client->perform(request);
    if (!res.ok()) {
        on_check(check("destination.reachability", AH_CHECK_FAIL,
                       "cannot reach " + spec.base_url + ": " +
                           asset_sdk::transport_error_text(res.error) + " (" +
                           mask_secret(res.error_message, spec.api_key) + ")",
                       transport_remedy(res.error)));
        return false;
    }
    const std::string answered =
        " (answered HTTP " + std::to_string(res.response.status) + " to GET " + request.url + ")";
    if (tls) {
        on_check(check("destination.reachability", AH_CHECK_OK,
                       "reached " + spec.base_url + " over TLS, certificate trusted" + answered));
    } else {
        on_check(check("destination.reachability", AH_CHECK_WARN,
                       "reached " + spec.base_url + " over plain HTTP" + answered,
                       "allow_insecure_http is for loopback simulators only: the API key "
                       "travels unencrypted; use https:// in production"));
    }
    return true;
}

bool sekoia_checks(const SekoiaDestinationSpec& spec,
                   const std::function<void(const CheckResult&)>& on_check,
                   const asset_sdk::CancelCheck& cancelled) {
    const bool configured = sekoia_config_checks(spec, on_check);
    const bool reachable = sekoia_reachability_check(spec, on_check, cancelled);
    return configured && reachable;
}

bool file_checks(const FileDestinationSpec& spec,
                 const std::function<void(const CheckResult&)>& on_check) {
    if (spec.path.empty()) {
        on_check(check("destination.file", AH_CHECK_FAIL, "destination.path is empty",
                       "set destination.path to the NDJSON file to append records to"));
        return false;
    }
    std::error_code ec;
    const std::filesystem::path dir =
        spec.path.has_parent_path() ? spec.path.parent_path() : std::filesystem::path(".");
    if (!std::filesystem::is_directory(dir, ec)) {
        on_check(check("destination.file", AH_CHECK_FAIL,
                       "directory " + dir.string() + " does not exist",
                       "create it or change destination.path"));
        return false;
    }
    const bool exists = std::filesystem::exists(spec.path, ec);
    const auto& probe = exists ? spec.path : dir;
    if (::access(probe.c_str(), W_OK) != 0) {
        on_check(check("destination.file", AH_CHECK_FAIL,
                       "cannot write " + probe.string() + ": " + errno_message(errno),
                       "fix the permissions or change destination.path"));
        return false;
    }
    on_check(check("destination.file", AH_CHECK_OK,
                   std::string("records will be appended to ") + spec.path.string() +
                       (exists ? " (exists)" : " (will be created)")));
    return true;
}

}  // namespace

asset_sdk::Result<std::unique_ptr<Destination>> make_destination(
    const DestinationSpec& spec, asset_sdk::Clock& clock, std::shared_ptr<spdlog::logger> log,
    SekoiaRetryPolicy sekoia_policy) {
    switch (spec.type) {
        case DestinationSpec::Type::kSekoia:
            return std::unique_ptr<Destination>(new SekoiaDestination(
                spec.sekoia, spec.batch_size, clock, std::move(log), sekoia_policy));
        case DestinationSpec::Type::kFile:
            if (spec.file.path.empty()) {
                return asset_sdk::invalid_argument("destination.path is required for type file");
            }
            return std::unique_ptr<Destination>(new FileDestination(spec.file.path));
        case DestinationSpec::Type::kStdout:
            return std::unique_ptr<Destination>(new StdoutDestination());
    }
    return asset_sdk::internal_error("unknown destination type");
}

bool destination_checks(const DestinationSpec& spec,
                        const std::function<void(const CheckResult&)>& on_check,
                        const asset_sdk::CancelCheck& cancelled) {
    switch (spec.type) {
        case DestinationSpec::Type::kSekoia:
            return sekoia_checks(spec.sekoia, on_check, cancelled);
        case DestinationSpec::Type::kFile:
            return file_checks(spec.file, on_check);
        case DestinationSpec::Type::kStdout:
            on_check(check("destination.stdout", AH_CHECK_OK,
                           "records will be written to standard output as NDJSON"));
            return true;
    }
    return false;
}

}  // namespace asset_host::delivery
