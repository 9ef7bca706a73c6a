#include "sim_config.h"

namespace oktasim {

Json SimConfig::to_json() const {
    return Json{{"devices", devices},
                {"seed", seed},
                {"token_is_default", token == "sim-token"},
                {"engine", engine},
                {"rate_limit", rate_limit},
                {"rate_window_ms", rate_window_ms},
                {"page_cap", page_cap},
                {"forbidden", forbidden},
                {"assurances_forbidden", assurances_forbidden},
                {"drop_expand_in_next", drop_expand_in_next},
                {"invalid_devices", invalid_devices},
                {"clock_skew_ms", clock_skew_ms},
                {"latency_ms", latency_ms},
                {"verbose", verbose},
                {"oauth_token_lifetime_s", oauth_token_lifetime_s},
                {"oauth_token_nonce", oauth_token_nonce},
                {"oauth_resource_nonce", oauth_resource_nonce}};
}

std::string apply_config_patch(const Json& patch, SimConfig& config, ConfigChange& change) {
    if (!patch.is_object()) return "config body must be a JSON object";
    SimConfig next = config;
    ConfigChange ch;
    for (const auto& [key, v] : patch.items()) {
        auto need_uint = [&](const char* what) -> std::string {
            return v.is_number_unsigned() ? ""
                                          : key + " must be a non-negative integer (" + what + ")";
        };
        auto need_int = [&]() -> std::string {
            return v.is_number_integer() ? "" : key + " must be an integer";
        };
        auto need_bool = [&]() -> std::string {
            return v.is_boolean() ? "" : key + " must be true or false";
        };
        std::string err;
        if (key == "devices") {
            if ((err = need_uint("device count")).empty()) {
                next.devices = v.get<size_t>();
                ch.regenerate = true;
            }
        } else if (key == "seed") {
            if ((err = need_uint("seed")).empty()) {
                next.seed = v.get<uint64_t>();
                ch.regenerate = true;
            }
        } else if (key == "invalid_devices") {
            if ((err = need_uint("count")).empty()) {
                next.invalid_devices = v.get<size_t>();
                ch.regenerate = true;
            }
        } else if (key == "token") {
            if (!v.is_string() || v.get<std::string>().empty())
                err = "token must be a non-empty string";
            else
                next.token = v.get<std::string>();
        } else if (key == "engine") {
            if (!v.is_string() || (v != "idx" && v != "v1"))
                err = "engine must be \"idx\" or \"v1\"";
            else
                next.engine = v.get<std::string>();
        } else if (key == "rate_limit") {
            if ((err = need_uint("requests per window")).empty()) {
                next.rate_limit = v.get<int64_t>();
                ch.rate_window_reset = true;
            }
        } else if (key == "rate_window_ms") {
            if ((err = need_uint("milliseconds")).empty()) {
                if (v.get<int64_t>() < 1) err = "rate_window_ms must be >= 1";
                next.rate_window_ms = v.get<int64_t>();
                ch.rate_window_reset = true;
            }
        } else if (key == "page_cap") {
            if ((err = need_uint("page size")).empty()) {
                if (v.get<size_t>() < 1) err = "page_cap must be >= 1";
                next.page_cap = v.get<size_t>();
            }
        } else if (key == "forbidden") {
            if ((err = need_bool()).empty()) next.forbidden = v.get<bool>();
        } else if (key == "assurances_forbidden") {
            if ((err = need_bool()).empty()) next.assurances_forbidden = v.get<bool>();
        } else if (key == "drop_expand_in_next") {
            if ((err = need_bool()).empty()) next.drop_expand_in_next = v.get<bool>();
        } else if (key == "clock_skew_ms") {
            if ((err = need_int()).empty()) next.clock_skew_ms = v.get<int64_t>();
        } else if (key == "latency_ms") {
            if ((err = need_uint("milliseconds")).empty()) next.latency_ms = v.get<int64_t>();
        } else if (key == "verbose") {
            if ((err = need_bool()).empty()) next.verbose = v.get<bool>();
        } else if (key == "oauth_token_lifetime_s") {
            if ((err = need_uint("seconds")).empty()) {
                if (v.get<int64_t>() < 1) err = "oauth_token_lifetime_s must be >= 1";
                next.oauth_token_lifetime_s = v.get<int64_t>();
            }
        } else if (key == "oauth_token_nonce") {
            if ((err = need_bool()).empty()) next.oauth_token_nonce = v.get<bool>();
        } else if (key == "oauth_resource_nonce") {
            if ((err = need_bool()).empty()) next.oauth_resource_nonce = v.get<bool>();
        } else {
            err = "unknown config key '" + key + "'";
        }
        if (!err.empty()) return err;
    }
    config = next;
    change = ch;
    return "";
}

}  // namespace oktasim
