#include "okta_sim.h"

namespace testsupport {

using nlohmann::json;

OktaSim::OktaSim(std::vector<std::string> args)
    : process_(ASSET_HOST_OKTA_SIM_BIN, std::move(args)) {}

std::vector<std::string> OktaSim::args(int devices, const std::string& token, int seed,
                                       std::vector<std::string> extra) {
    std::vector<std::string> a{"--devices", std::to_string(devices), "--token", token,
                               "--seed",    std::to_string(seed)};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
}

json OktaSim::stats() const {
    return process_.get_json("/_sim/stats");
}

json OktaSim::devices() const {
    return process_.get_json("/_sim/devices");
}

void OktaSim::config(const json& patch) const {
    process_.post_json("/_sim/config", patch);
}

void OktaSim::faults(const json& list) const {
    process_.post_json("/_sim/faults", json{{"faults", list}});
}

void OktaSim::reset() const {
    process_.post_json("/_sim/reset");
}

json OktaSim::mutate(const json& body) const {
    return process_.post_json("/_sim/mutate", body);
}

void OktaSim::oauth_client(const json& registration) const {
    process_.post_json("/_sim/oauth/clients", registration);
}

void OktaSim::revoke_oauth_tokens() const {
    process_.post_json("/_sim/oauth/revoke");
}

void OktaSim::rotate_oauth_nonces() const {
    process_.post_json("/_sim/oauth/rotate_nonce");
}

std::set<std::string> OktaSim::ids() const {
    std::set<std::string> out;
    for (const auto& d : devices()) {
        if (d.is_object() && d.contains("id") && d["id"].is_string())
            out.insert(d["id"].get<std::string>());
    }
    return out;
}

std::set<std::string> OktaSim::valid_ids(const json& devices) {
    std::set<std::string> out;
    auto text = [](const json& v) { return v.is_string() && !v.get<std::string>().empty(); };
    for (const auto& d : devices) {
        if (!d.is_object() || !text(d.value("id", json()))) continue;
        const json profile = d.value("profile", json());
        if (profile.is_object() && text(profile.value("displayName", json())))
            out.insert(d["id"].get<std::string>());
    }
    return out;
}

std::vector<std::string> OktaSim::device_request_targets() const {
    std::vector<std::string> out;
    const json s = stats();  // kept alive: the loop below reads into it
    for (const auto& r : s["requests_log"]) {
        const std::string t = r["path_and_query"].get<std::string>();
        if (t.rfind("/api/v1/devices", 0) == 0) out.push_back(t);
    }
    return out;
}

}  // namespace testsupport
