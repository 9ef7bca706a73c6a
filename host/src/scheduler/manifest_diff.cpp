#include "scheduler/manifest_diff.h"

#include <map>

namespace asset_host::scheduler {

namespace {

bool same_destination(const DestinationSpec& a, const DestinationSpec& b) {
    const SekoiaDestinationSpec& s = a.sekoia;
    const SekoiaDestinationSpec& t = b.sekoia;
    return a.type == b.type && a.batch_size == b.batch_size && a.max_in_flight == b.max_in_flight &&
           s.base_url == t.base_url && s.api_key == t.api_key &&
           s.connector_uuid == t.connector_uuid && s.allow_insecure_http == t.allow_insecure_http &&
           s.ca_file == t.ca_file && s.proxy == t.proxy && s.request_timeout == t.request_timeout &&
           s.retry_budget == t.retry_budget && a.file.path == b.file.path;
}

}  // namespace

bool same_manifest(const Manifest& a, const Manifest& b) {
    return a.file == b.file && a.name == b.name && a.plugin == b.plugin && a.enabled == b.enabled &&
           a.schedule.every == b.schedule.every && a.config == b.config &&
           same_destination(a.destination, b.destination) && a.isolation == b.isolation &&
           a.limits.memory == b.limits.memory && a.limits.cycle_timeout == b.limits.cycle_timeout &&
           a.secret_values == b.secret_values;
}

ManifestDiff diff_manifests(const std::vector<Manifest>& current,
                            const std::vector<Manifest>& next) {
    std::map<std::string, const Manifest*> before;
    for (const auto& m : current) before[m.name] = &m;
    ManifestDiff diff;
    std::map<std::string, bool> seen;
    for (const auto& m : next) {
        seen[m.name] = true;
        auto it = before.find(m.name);
        if (it == before.end()) {
            diff.added.push_back(m);
        } else if (!same_manifest(*it->second, m)) {
            diff.changed.push_back(m);
        }
    }
    for (const auto& m : current) {
        if (!seen.count(m.name)) diff.removed.push_back(m.name);
    }
    return diff;
}

}  // namespace asset_host::scheduler
