// The simulator's control API (/_sim/*): plain JSON, no auth, same port as the Okta API.
// README.md "Control API" documents every endpoint.
#include "exchange.h"
#include "time_format.h"

namespace oktasim {

namespace {

void control_error(httplib::Response& res, int status, const std::string& message) {
    set_json(res, status, Json{{"error", message}}.dump());
}

// Parses the request body; an empty body counts as {}.
bool parse_body(const httplib::Request& req, httplib::Response& res, Json& out) {
    if (req.body.empty()) {
        out = Json::object();
        return true;
    }
    out = Json::parse(req.body, nullptr, false);
    if (out.is_discarded()) {
        control_error(res, 400, "body is not valid JSON");
        return false;
    }
    return true;
}

}  // namespace

void Simulator::serve_control(const httplib::Request& req, httplib::Response& res,
                              const std::string& path) {
    const bool get = req.method == "GET" || req.method == "HEAD";
    const bool post = req.method == "POST";
    Json body;

    if (path == "/_sim/config" && (get || post)) {
        if (post) {
            if (!parse_body(req, res, body)) return;
            ConfigChange change;
            SimConfig updated;
            {
                std::lock_guard lock(config_mu_);
                const std::string error = apply_config_patch(body, config_, change);
                if (!error.empty()) {
                    control_error(res, 400, error);
                    return;
                }
                updated = config_;
            }
            if (change.regenerate) regenerate_locked_config(updated);
            if (change.rate_window_reset) {
                std::lock_guard lock(control_mu_);
                limiter_.configure(updated.rate_limit, updated.rate_window_ms, real_now_ms());
            }
        }
        Json out = config_snapshot().to_json();
        out["port"] = port_;
        out["tls"] = tls_.enabled();
        out["decoy_port"] = decoy_port_;
        out["decoy_evil_bound"] = decoy_evil_bound_;
        if (!decoy_evil_bound_) out["decoy_evil_error"] = decoy_evil_error_;
        out["device_count"] = org_.size();
        set_json(res, 200, out.dump());
        return;
    }
    if (path == "/_sim/faults" && (get || post)) {
        std::lock_guard lock(control_mu_);
        if (post) {
            if (!parse_body(req, res, body)) return;
            const std::string error = faults_.arm(body, stats_.device_requests);
            if (error.empty()) {
                set_json(res, 200, Json{{"faults", faults_.to_json()}}.dump());
            } else {
                control_error(res, 400, error);
            }
            return;
        }
        set_json(res, 200, Json{{"faults", faults_.to_json()}}.dump());
        return;
    }
    if (path == "/_sim/mutate" && post) {
        if (!parse_body(req, res, body)) return;
        auto result = org_.mutate(body, sim_now_ms());
        if (!result.ok) {
            control_error(res, 400, result.error);
            return;
        }
        set_json(res, 200, result.result.dump());
        return;
    }
    if (path == "/_sim/stats" && get) {
        std::lock_guard lock(control_mu_);
        Json out = stats_.to_json();
        out["rate_limit"] = limiter_.to_json(real_now_ms(), config_snapshot().clock_skew_ms);
        out["faults"] = faults_.to_json();
        out["oauth"] = oauth_.stats_json();
        set_json(res, 200, out.dump());
        return;
    }
    if (path == "/_sim/reset" && post) {
        const SimConfig config = config_snapshot();
        std::lock_guard lock(control_mu_);
        faults_.clear();
        stats_.clear();
        limiter_.configure(config.rate_limit, config.rate_window_ms, real_now_ms());
        limiter_.clear_stats();
        oauth_.clear_stats();
        set_json(res, 200, R"({"reset":true})");
        return;
    }
    if (path.rfind("/_sim/oauth/", 0) == 0) {
        serve_oauth_control(req, res, path);
        return;
    }
    if (path == "/_sim/devices" && get) {
        set_json(res, 200, org_.all_devices_json());
        return;
    }
    control_error(res, 404, "no control endpoint " + req.method + " " + path);
}

// /_sim/oauth/*: register service-app clients, revoke issued tokens, rotate DPoP nonces.
void Simulator::serve_oauth_control(const httplib::Request& req, httplib::Response& res,
                                    const std::string& path) {
    const bool post = req.method == "POST";
    if (path == "/_sim/oauth/clients" && (post || req.method == "GET")) {
        if (post) {
            Json body;
            if (!parse_body(req, res, body)) return;
            const std::string error = oauth_.register_client(body);
            if (!error.empty()) {
                control_error(res, 400, error);
                return;
            }
        }
        set_json(res, 200, Json{{"clients", oauth_.clients_json()}}.dump());
        return;
    }
    if (path == "/_sim/oauth/revoke" && post) {
        oauth_.revoke_tokens();
        set_json(res, 200, R"({"revoked":true})");
        return;
    }
    if (path == "/_sim/oauth/rotate_nonce" && post) {
        oauth_.rotate_nonces();
        set_json(res, 200, R"({"rotated":true})");
        return;
    }
    control_error(res, 404, "no control endpoint " + req.method + " " + path);
}

}  // namespace oktasim
