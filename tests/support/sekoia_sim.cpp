#include "sekoia_sim.h"

#include <stdexcept>

namespace testsupport {

using nlohmann::json;

SekoiaSim::SekoiaSim(std::vector<std::string> args)
    : process_(ASSET_HOST_SEKOIA_SIM_BIN, std::move(args)) {}

std::vector<std::string> SekoiaSim::args(const std::string& api_key,
                                         std::vector<std::string> extra) {
    std::vector<std::string> a{"--api-key", api_key};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
}

json SekoiaSim::stats() const {
    return process_.get_json("/_sim/stats");
}

void SekoiaSim::faults(const json& list) const {
    process_.post_json("/_sim/faults", json{{"faults", list}});
}

void SekoiaSim::key_rights(const json& rights) const {
    process_.post_json("/_sim/auth", rights);
}

void SekoiaSim::refusals(const json& rules) const {
    process_.post_json("/_sim/refusals", rules);
}

void SekoiaSim::reset() const {
    process_.post_json("/_sim/reset");
}

std::set<std::string> SekoiaSim::uids() const {
    auto u = try_uids();
    if (!u) throw std::runtime_error("GET /_sim/uids on sekoia-sim failed");
    return *u;
}

std::optional<std::set<std::string>> SekoiaSim::try_uids() const {
    const auto r = process_.get("/_sim/uids");
    if (r.status != 200) return std::nullopt;
    const json doc = json::parse(r.body, nullptr, false);
    if (!doc.is_object() || !doc.contains("uids")) return std::nullopt;
    std::set<std::string> out;
    for (const auto& u : doc["uids"]) out.insert(u.get<std::string>());
    return out;
}

int SekoiaSim::items_received() const {
    const auto r = process_.get("/_sim/stats");
    const json doc = json::parse(r.body, nullptr, false);
    return doc.is_object() ? doc.value("items_received", 0) : 0;
}

std::vector<json> SekoiaSim::items(bool kept) const {
    std::vector<json> out;
    for (int offset = 0;;) {
        const json page = process_.get_json("/_sim/items?offset=" + std::to_string(offset) +
                                            "&limit=1000" + (kept ? "&view=kept" : ""));
        for (const auto& item : page["items"]) out.push_back(item);
        offset += static_cast<int>(page["items"].size());
        if (page["items"].empty() || offset >= page["total"].get<int>()) break;
    }
    return out;
}

}  // namespace testsupport
