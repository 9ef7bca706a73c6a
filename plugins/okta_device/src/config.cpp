#include "config.h"

#include <asset_sdk/text.h>
#include <asset_sdk/time_util.h>
#include <asset_sdk/url.h>

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>

namespace okta_device {

namespace {

using asset_sdk::invalid_argument;
using asset_sdk::Millis;
using asset_sdk::Result;
using asset_sdk::Status;

// Okta's own cloud domains. Only on these do we know that "<org>-admin.<domain>" is the Admin
// Console of "<org>.<domain>"; on a custom domain "-admin" may be a real part of the name.
constexpr std::array<std::string_view, 6> kOktaDomains = {
    "okta.com", "oktapreview.com", "okta-emea.com", "okta-gov.com", "okta.mil", "okta-miltest.com"};

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The start of a value, quoted, for an error message. Appended piecewise: GCC 12 at -O3 reports
// a false -Wrestrict inside "'" + std::string (the string's inlined insert at offset 0).
std::string quoted_start(std::string_view text) {
    std::string out(1, '\'');
    out += text.substr(0, 40);
    out += '\'';
    return out;
}

Status key_error(std::string_view key, std::string_view why) {
    return invalid_argument("config." + std::string(key) + ": " + std::string(why));
}

// A duration: a string like "30s" / "1h30m" / "250ms", or a bare integer meaning seconds.
Result<Millis> read_duration(std::string_view key, simdjson::dom::element value, Millis min,
                             Millis max) {
    Millis parsed{0};
    if (value.is_string()) {
        const std::string_view text = value.get_string().value_unsafe();
        const auto d = asset_sdk::parse_duration(text);
        if (!d) {
            return key_error(key, quoted_start(text) +
                                      " is not a duration (use e.g. 30s, 5m, 24h, 1h30m, 250ms)");
        }
        parsed = *d;
    } else if (value.is_int64()) {
        const std::int64_t secs = value.get_int64().value_unsafe();
        if (secs < 0 || secs > 10LL * 365 * 86400) return key_error(key, "must not be negative");
        parsed = Millis(secs * 1000);
    } else {
        return key_error(key, "must be a duration string such as \"30s\" or a number of seconds");
    }
    if (parsed < min || parsed > max) {
        return key_error(key, "must be between " + asset_sdk::format_duration(min) + " and " +
                                  asset_sdk::format_duration(max) + " (got " +
                                  asset_sdk::format_duration(parsed) + ")");
    }
    return parsed;
}

Result<std::string> read_string(std::string_view key, simdjson::dom::element value) {
    if (!value.is_string()) return key_error(key, "must be a string");
    return std::string(value.get_string().value_unsafe());
}

// Reads one config key into the config; the error names the key and the fix.
using KeyReader = Status (*)(std::string_view key, simdjson::dom::element value, OktaConfig& cfg);

Status read_api_token(std::string_view key, simdjson::dom::element value, OktaConfig& cfg) {
    // Never quote the value, not even partly.
    if (!value.is_string()) return key_error(key, "must be a string");
    const std::string_view token = asset_sdk::trim(value.get_string().value_unsafe());
    if (token.empty())
        return key_error(key,
                         "is empty; set it to an Okta API token reference such as "
                         "${env:OKTA_API_TOKEN}");
    if (token.size() >= 5 && (token.substr(0, 5) == "SSWS " || token.substr(0, 5) == "ssws ")) {
        return key_error(key, "must be the bare token, without the 'SSWS ' prefix");
    }
    for (char c : token) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x21 || u == 0x7f) {
            return key_error(key,
                             "contains spaces or control characters (check the referenced "
                             "file or variable)");
        }
    }
    cfg.api_token = std::string(token);
    return Status::ok();
}

Status read_page_size(std::string_view key, simdjson::dom::element value, OktaConfig& cfg) {
    std::int64_t n = 0;
    if (!value.is_int64() || (n = value.get_int64().value_unsafe()) < 1 || n > 200) {
        return key_error(key, "must be an integer between 1 and 200");
    }
    cfg.page_size = static_cast<int>(n);
    return Status::ok();
}

std::string accepted_statuses() {
    std::string out;
    for (std::string_view s : kDeviceStatuses) out += (out.empty() ? "" : ", ") + std::string(s);
    return out;
}

// A non-empty list of distinct device statuses, each one Okta knows (kDeviceStatuses).
Status read_statuses(std::string_view key, simdjson::dom::element value, OktaConfig& cfg) {
    simdjson::dom::array list;
    if (value.get_array().get(list) || list.size() == 0) {
        return key_error(key,
                         "must be a non-empty list of device statuses, e.g. [ACTIVE]; "
                         "leave the key out to sync every status");
    }
    cfg.statuses.clear();
    for (simdjson::dom::element item : list) {
        std::string_view status;
        if (item.get_string().get(status)) {
            return key_error(key, "must list statuses as strings, e.g. [ACTIVE, SUSPENDED]");
        }
        if (std::find(std::begin(kDeviceStatuses), std::end(kDeviceStatuses), status) ==
            std::end(kDeviceStatuses)) {
            return key_error(
                key, quoted_start(status) +
                         " is not a device status; accepted (upper case): " + accepted_statuses());
        }
        if (std::find(cfg.statuses.begin(), cfg.statuses.end(), status) != cfg.statuses.end()) {
            return key_error(key, "lists " + std::string(status) + " twice");
        }
        cfg.statuses.emplace_back(status);
    }
    return Status::ok();
}

// A string key that takes one of a few words, each naming an enum value.
template <typename Enum>
struct Choice {
    std::string_view word;
    Enum value;
};

template <typename Enum, std::size_t N>
Status read_choice(std::string_view key, simdjson::dom::element value,
                   const Choice<Enum> (&choices)[N], std::string_view expected, Enum& out) {
    auto s = read_string(key, value);
    if (!s) return s.status();
    for (const Choice<Enum>& c : choices) {
        if (*s == c.word) {
            out = c.value;
            return Status::ok();
        }
    }
    return key_error(key, expected);
}

Status read_expand(std::string_view key, simdjson::dom::element value, OktaConfig& cfg) {
    static constexpr Choice<ExpandMode> kExpand[] = {{"user", ExpandMode::kUser},
                                                     {"userSummary", ExpandMode::kUserSummary},
                                                     {"none", ExpandMode::kNone}};
    return read_choice(key, value, kExpand, "must be one of: user, userSummary, none", cfg.expand);
}

Status read_time_unit(std::string_view key, simdjson::dom::element value, OktaConfig& cfg) {
    static constexpr Choice<TimeUnit> kUnits[] = {{"seconds", TimeUnit::kSeconds},
                                                  {"milliseconds", TimeUnit::kMilliseconds}};
    return read_choice(key, value, kUnits,
                       "must be seconds (what Sekoia reads) or milliseconds (OCSF's timestamp_t)",
                       cfg.time_unit);
}

Status read_rate_limit_reserve(std::string_view key, simdjson::dom::element value,
                               OktaConfig& cfg) {
    double r = -1;
    if (value.is_double()) {
        r = value.get_double().value_unsafe();
    } else if (value.is_int64()) {
        r = static_cast<double>(value.get_int64().value_unsafe());
    } else {
        return key_error(key, "must be a number between 0 and 0.9");
    }
    if (!std::isfinite(r) || r < 0 || r > 0.9) {
        return key_error(key,
                         "must be a number between 0 and 0.9 (the share of each rate-limit "
                         "window left to other integrations)");
    }
    cfg.rate_limit_reserve = r;
    return Status::ok();
}

// A string key stored as given (base_url is normalised once every key is read).
template <std::string OktaConfig::*Field>
Status read_text(std::string_view key, simdjson::dom::element value, OktaConfig& cfg) {
    auto s = read_string(key, value);
    if (!s) return s.status();
    cfg.*Field = std::move(s).value();
    return Status::ok();
}

template <Millis OktaConfig::*Field, std::int64_t kMinMs, std::int64_t kMaxMs>
Status read_duration_key(std::string_view key, simdjson::dom::element value, OktaConfig& cfg) {
    auto d = read_duration(key, value, Millis(kMinMs), Millis(kMaxMs));
    if (!d) return d.status();
    cfg.*Field = *d;
    return Status::ok();
}

Status read_oauth(std::string_view, simdjson::dom::element value, OktaConfig& cfg) {
    auto oauth = parse_oauth_config(value);
    if (!oauth) return oauth.status();
    cfg.oauth = std::move(oauth).value();
    return Status::ok();
}

Status read_allow_insecure_http(std::string_view key, simdjson::dom::element value,
                                OktaConfig& cfg) {
    if (!value.is_bool()) return key_error(key, "must be true or false");
    cfg.allow_insecure_http = value.get_bool().value_unsafe();
    return Status::ok();
}

constexpr std::int64_t kDayMs = 86'400'000;

struct KeySpec {
    std::string_view key;
    KeyReader read;
};

// Every key the plugin accepts (the README documents each).
constexpr std::array<KeySpec, 15> kKeys = {{
    {"base_url", read_text<&OktaConfig::base_url>},
    {"api_token", read_api_token},
    {"oauth", read_oauth},
    {"page_size", read_page_size},
    {"expand", read_expand},
    {"statuses", read_statuses},
    {"time_unit", read_time_unit},
    {"timeout", read_duration_key<&OktaConfig::timeout, 100, 3'600'000>},
    {"ca_file", read_text<&OktaConfig::ca_file>},
    {"proxy", read_text<&OktaConfig::proxy>},
    {"allow_insecure_http", read_allow_insecure_http},
    {"rate_limit_reserve", read_rate_limit_reserve},
    {"incremental_overlap", read_duration_key<&OktaConfig::incremental_overlap, 0, 7 * kDayMs>},
    {"full_sync_every", read_duration_key<&OktaConfig::full_sync_every, 0, 365 * kDayMs>},
    {"max_retry_time", read_duration_key<&OktaConfig::max_retry_time, 0, kDayMs>},
}};

Status read_key(std::string_view key, simdjson::dom::element value, OktaConfig& cfg) {
    for (const KeySpec& spec : kKeys) {
        if (spec.key == key) return spec.read(key, value, cfg);
    }
    return invalid_argument("config: unknown key '" + std::string(key.substr(0, 64)) +
                            "' (see the okta_device README for the accepted keys)");
}

}  // namespace

std::string_view expand_param(ExpandMode mode) {
    switch (mode) {
        case ExpandMode::kUser:
            return "user";
        case ExpandMode::kUserSummary:
            return "userSummary";
        case ExpandMode::kNone:
            return "";
    }
    return "";
}

Result<std::string> normalise_base_url(std::string_view raw, bool allow_insecure_http,
                                       std::vector<std::string>& notes) {
    std::string_view text = asset_sdk::trim(raw);
    if (text.empty())
        return key_error("base_url",
                         "is empty; set it to your org URL, e.g. https://acme.okta.com");
    if (text.find('#') != std::string_view::npos) {
        return key_error(
            "base_url",
            "must not contain a fragment ('#'); use the org URL, e.g. https://acme.okta.com");
    }
    if (text.find('?') != std::string_view::npos) {
        return key_error(
            "base_url",
            "must not contain a query ('?...'); use the org URL, e.g. https://acme.okta.com");
    }
    const std::size_t authority = text.find("://");
    if (authority != std::string_view::npos &&
        text.substr(authority + 3, text.find('/', authority + 3) - authority - 3).find('@') !=
            std::string_view::npos) {
        return key_error("base_url",
                         "must not contain credentials (user:pass@); write the org URL alone, "
                         "e.g. https://acme.okta.com (the connector signs in with api_token)");
    }
    auto parsed = asset_sdk::parse_url(text);
    if (!parsed) {
        return key_error("base_url", parsed.status().message() +
                                         "; expected the org URL, e.g. https://acme.okta.com");
    }
    asset_sdk::Url url = std::move(parsed).value();

    // Paths people paste from the browser: "/", "/admin", "/admin/", "/admin/dashboard" is not
    // accepted (it says something we would be guessing at).
    std::string path = url.path;
    while (!path.empty() && path.back() == '/') path.pop_back();
    if (ends_with(path, "/admin")) {
        path.resize(path.size() - 6);
        while (!path.empty() && path.back() == '/') path.pop_back();
    }
    if (!path.empty()) {
        return key_error("base_url", "must be the org URL without a path (got path '" +
                                         url.path.substr(0, 60) + "'); e.g. https://acme.okta.com");
    }

    if (url.scheme == "http" && !allow_insecure_http) {
        return key_error("base_url",
                         "uses http://, which would send credentials in clear text; use "
                         "https:// (allow_insecure_http: true is only for local simulators)");
    }

    for (std::string_view domain : kOktaDomains) {
        std::string suffix(1, '.');  // not "." + std::string: see quoted_start()
        suffix += domain;
        if (!ends_with(url.host, suffix)) continue;
        const std::string_view label =
            std::string_view(url.host).substr(0, url.host.size() - suffix.size());
        if (label.find('.') == std::string_view::npos && ends_with(label, "-admin") &&
            label.size() > 6) {
            const std::string org_host = std::string(label.substr(0, label.size() - 6)) + suffix;
            notes.push_back("base_url " + url.host +
                            " is the Admin Console host; using the org host " + org_host +
                            " for API calls");
            url.host = org_host;
        }
        break;
    }
    return url.origin();
}

Result<OktaConfig> parse_config(std::string_view json) {
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(json);
    simdjson::dom::element root;
    if (auto err = parser.parse(padded).get(root)) {
        return invalid_argument(std::string("config is not valid JSON: ") +
                                simdjson::error_message(err));
    }
    simdjson::dom::object obj;
    if (root.get_object().get(obj)) return invalid_argument("config must be a JSON object");

    OktaConfig cfg;
    bool have_base = false, have_token = false;
    for (auto field : obj) {
        ASSET_RETURN_IF_ERROR(read_key(field.key, field.value, cfg));
        have_base = have_base || field.key == "base_url";
        have_token = have_token || field.key == "api_token";
    }
    if (!have_base)
        return invalid_argument(
            "config.base_url: missing; set it to your org URL, e.g. https://acme.okta.com");
    if (have_token && cfg.oauth) {
        return invalid_argument(
            "config: api_token and oauth are both set; keep one: api_token for an Okta API token, "
            "oauth for an OAuth 2.0 service app");
    }
    if (!have_token && !cfg.oauth) {
        return invalid_argument(
            "config.api_token: missing; set it to a reference such as ${env:OKTA_API_TOKEN}, or "
            "configure oauth (an OAuth 2.0 service app) instead");
    }

    auto base = normalise_base_url(cfg.base_url, cfg.allow_insecure_http, cfg.notes);
    if (!base) return base.status();
    cfg.base_url = std::move(base).value();
    return cfg;
}

}  // namespace okta_device
