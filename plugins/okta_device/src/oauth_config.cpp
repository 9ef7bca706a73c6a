#include "oauth_config.h"

#include <asset_sdk/text.h>

#include <algorithm>
#include <array>

namespace okta_device {

namespace {

using asset_sdk::invalid_argument;
using asset_sdk::Status;
using asset_sdk::oauth::DpopMode;

Status oauth_error(std::string_view key, std::string_view why) {
    return invalid_argument("config.oauth." + std::string(key) + ": " + std::string(why));
}

// Printable ASCII without spaces: client ids, key ids and scope names.
bool is_token(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u < 0x7f;
    });
}

Status read_client_id(simdjson::dom::element value, OAuthConfig& cfg) {
    std::string_view s;
    if (value.get_string().get(s)) return oauth_error("client_id", "must be a string");
    s = asset_sdk::trim(s);
    if (!is_token(s)) {
        return oauth_error("client_id",
                           "must be the service app's Client ID (Admin Console → Applications → "
                           "your API Services app → General), e.g. 0oa1b2c3d4e5f6g7h8i9");
    }
    cfg.client_id = std::string(s);
    return Status::ok();
}

// A value that is a file name rather than key material: the user forgot ${file:...}.
bool looks_like_path(std::string_view s) {
    if (s.find('\n') != std::string_view::npos || s.find('{') != std::string_view::npos) {
        return false;
    }
    auto ends_with = [&](std::string_view suffix) {
        return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
    };
    return s.rfind('/', 0) == 0 || s.rfind("./", 0) == 0 || ends_with(".pem") ||
           ends_with(".key") || ends_with(".json");
}

Status read_private_key(simdjson::dom::element value, OAuthConfig& cfg) {
    std::string_view text;
    if (value.get_string().get(text)) return oauth_error("private_key", "must be a string");
    const std::string_view trimmed = asset_sdk::trim(text);
    if (looks_like_path(trimmed)) {
        return oauth_error("private_key",
                           "looks like a file name, not a key: reference the file as "
                           "${file:/path/to/key.pem} so the host reads it");
    }
    auto key = asset_sdk::oauth::SigningKey::load_private(trimmed);
    if (!key) {
        return invalid_argument("config.oauth.private_key " + key.status().message());
    }
    cfg.private_key = std::make_shared<const asset_sdk::oauth::SigningKey>(std::move(key).value());
    return Status::ok();
}

Status read_key_id(simdjson::dom::element value, OAuthConfig& cfg) {
    std::string_view s;
    if (value.get_string().get(s)) return oauth_error("key_id", "must be a string");
    s = asset_sdk::trim(s);
    if (!s.empty() && !is_token(s)) {
        return oauth_error("key_id", "must be the key's kid as Okta shows it (no spaces)");
    }
    cfg.key_id = std::string(s);
    return Status::ok();
}

Status read_scopes(simdjson::dom::element value, OAuthConfig& cfg) {
    simdjson::dom::array array;
    if (value.get_array().get(array) || array.size() == 0) {
        return oauth_error("scopes", "must be a non-empty list, e.g. [okta.devices.read]");
    }
    cfg.scopes.clear();
    for (simdjson::dom::element item : array) {
        std::string_view s;
        if (item.get_string().get(s) || !is_token(s)) {
            return oauth_error("scopes", "must list scope names such as okta.devices.read");
        }
        if (std::find(cfg.scopes.begin(), cfg.scopes.end(), s) == cfg.scopes.end()) {
            cfg.scopes.emplace_back(s);
        }
    }
    const bool reads = std::any_of(cfg.scopes.begin(), cfg.scopes.end(), [](const std::string& s) {
        return s == kDevicesReadScope || s == "okta.devices.manage";
    });
    if (!reads) {
        return oauth_error("scopes",
                           "must include okta.devices.read, the scope that lets the app list "
                           "devices");
    }
    return Status::ok();
}

Status read_dpop(simdjson::dom::element value, OAuthConfig& cfg) {
    std::string_view s;
    if (value.get_string().get(s)) return oauth_error("dpop", "must be auto, always or never");
    if (s == "auto") {
        cfg.dpop = DpopMode::kAuto;
    } else if (s == "always") {
        cfg.dpop = DpopMode::kAlways;
    } else if (s == "never") {
        cfg.dpop = DpopMode::kNever;
    } else {
        return oauth_error("dpop", "must be auto, always or never");
    }
    return Status::ok();
}

struct OAuthKey {
    std::string_view key;
    Status (*read)(simdjson::dom::element, OAuthConfig&);
};

constexpr std::array<OAuthKey, 5> kOAuthKeys = {{{"client_id", read_client_id},
                                                 {"private_key", read_private_key},
                                                 {"key_id", read_key_id},
                                                 {"scopes", read_scopes},
                                                 {"dpop", read_dpop}}};

}  // namespace

const char* dpop_mode_name(DpopMode mode) {
    switch (mode) {
        case DpopMode::kAlways:
            return "always";
        case DpopMode::kNever:
            return "never";
        case DpopMode::kAuto:
            break;
    }
    return "auto";
}

asset_sdk::Result<OAuthConfig> parse_oauth_config(simdjson::dom::element value) {
    simdjson::dom::object obj;
    if (value.get_object().get(obj)) {
        return invalid_argument(
            "config.oauth: must be an object with client_id and private_key (see the okta_device "
            "README, \"OAuth 2.0 service app\")");
    }
    OAuthConfig cfg;
    for (auto field : obj) {
        const auto spec = std::find_if(kOAuthKeys.begin(), kOAuthKeys.end(),
                                       [&](const OAuthKey& k) { return k.key == field.key; });
        if (spec == kOAuthKeys.end()) {
            return invalid_argument("config.oauth: unknown key '" +
                                    std::string(field.key.substr(0, 64)) +
                                    "' (accepted: client_id, private_key, key_id, scopes, dpop)");
        }
        ASSET_RETURN_IF_ERROR(spec->read(field.value, cfg));
    }
    if (cfg.client_id.empty()) {
        return oauth_error("client_id",
                           "missing; set it to the service app's Client ID (Admin Console → "
                           "Applications → your API Services app → General)");
    }
    if (!cfg.private_key) {
        return oauth_error("private_key",
                           "missing; reference the app's private key file, e.g. "
                           "${file:/etc/asset-host/okta-service-app.pem}");
    }
    return cfg;
}

}  // namespace okta_device
