#include "sim_org.h"

#include <algorithm>
#include <mutex>
#include <set>

#include "time_format.h"

namespace oktasim {

namespace {

bool key_less(const Device& d, const std::string& key) {
    return d.sort_key < key;
}

// Reads {"count": n} or {"ids": [...]} (the selector of "update" and "delete").
bool read_selector(const Json& sel, const char* what, std::optional<size_t>& count,
                   std::vector<std::string>& ids, std::string& error) {
    if (!sel.is_object()) {
        error = std::string(what) + " must be an object {\"count\": n} or {\"ids\": [...]}";
        return false;
    }
    for (const auto& [key, value] : sel.items()) {
        if (key == "count") {
            if (!value.is_number_unsigned()) {
                error = std::string(what) + ".count must be a non-negative integer";
                return false;
            }
            count = value.get<size_t>();
        } else if (key == "ids") {
            if (!value.is_array()) {
                error = std::string(what) + ".ids must be an array of strings";
                return false;
            }
            for (const auto& id : value) {
                if (!id.is_string()) {
                    error = std::string(what) + ".ids must be an array of strings";
                    return false;
                }
                ids.push_back(id.get<std::string>());
            }
        } else {
            error = std::string(what) + ": unknown key '" + key + "'";
            return false;
        }
    }
    if (!count && ids.empty()) {
        error = std::string(what) + " needs \"count\" or \"ids\"";
        return false;
    }
    return true;
}

}  // namespace

void SimOrg::regenerate(const OrgShape& shape) {
    auto factory =
        std::make_unique<DeviceFactory>(shape.seed, shape.origin, shape.anchor_ms, shape.devices);
    std::vector<Device> devices;
    devices.reserve(shape.devices + shape.invalid_devices);
    std::set<std::string> seen;
    int64_t max_updated = 0;
    for (uint64_t i = 0; i < shape.devices; ++i) {
        Device d = factory->make_device(i);
        if (!seen.insert(d.sort_key).second) continue;  // 62^17 ids: never happens in practice
        max_updated = std::max(max_updated, d.last_updated_ms);
        devices.push_back(std::move(d));
    }
    for (uint64_t k = 0; k < shape.invalid_devices; ++k) {
        Device d = factory->make_invalid_device(k);
        if (!seen.insert(d.sort_key).second) continue;
        max_updated = std::max(max_updated, d.last_updated_ms);
        devices.push_back(std::move(d));
    }
    std::unique_lock lock(mu_);
    factory_ = std::move(factory);
    devices_ = std::move(devices);
    next_index_ = shape.devices;
    mutation_round_ = 0;
    max_last_updated_ms_ = max_updated;
    resort();
}

void SimOrg::resort() {
    std::sort(devices_.begin(), devices_.end(),
              [](const Device& a, const Device& b) { return a.sort_key < b.sort_key; });
}

Page SimOrg::page(const PageQuery& q, std::string buffer) const {
    std::shared_lock lock(mu_);
    Page page;
    page.body = std::move(buffer);
    page.body.clear();
    auto it = devices_.begin();
    if (q.after_key) {
        it = std::upper_bound(
            devices_.begin(), devices_.end(), *q.after_key,
            [](const std::string& key, const Device& d) { return key < d.sort_key; });
    }
    page.body.reserve(q.limit * (q.expand == ExpandMode::kUser ? 4000 : 1500));
    page.body += '[';
    for (; it != devices_.end() && page.count < q.limit; ++it) {
        if (q.filter && !q.filter->matches(*it)) continue;
        if (page.count > 0) page.body += ',';
        it->append_json(q.expand, page.body);
        page.last_key = it->sort_key;
        ++page.count;
    }
    for (; it != devices_.end(); ++it) {
        if (!q.filter || q.filter->matches(*it)) {
            page.more = true;
            break;
        }
    }
    page.body += ']';
    return page;
}

std::optional<std::string> SimOrg::device_json(const std::string& id) const {
    std::shared_lock lock(mu_);
    const auto it = std::lower_bound(devices_.begin(), devices_.end(), id, key_less);
    if (it == devices_.end() || it->sort_key != id || !it->valid) return std::nullopt;
    return it->json_plain;
}

std::optional<std::string> SimOrg::device_users_json(const std::string& id, ExpandMode mode) const {
    std::shared_lock lock(mu_);
    const auto it = std::lower_bound(devices_.begin(), devices_.end(), id, key_less);
    if (it == devices_.end() || it->sort_key != id || !it->valid) return std::nullopt;
    return mode == ExpandMode::kUserSummary ? it->users_summary_json : it->users_full_json;
}

std::string SimOrg::all_devices_json() const {
    std::shared_lock lock(mu_);
    std::string out;
    out.reserve(devices_.size() * 4000);
    out += '[';
    for (size_t k = 0; k < devices_.size(); ++k) {
        if (k > 0) out += ',';
        devices_[k].append_json(ExpandMode::kUser, out);
    }
    out += ']';
    return out;
}

size_t SimOrg::size() const {
    std::shared_lock lock(mu_);
    return devices_.size();
}

std::vector<size_t> SimOrg::pick_valid(size_t count) {
    std::vector<size_t> candidates;
    for (size_t k = 0; k < devices_.size(); ++k) {
        if (devices_[k].valid) candidates.push_back(k);
    }
    count = std::min(count, candidates.size());
    // Partial Fisher-Yates driven by the seed and the mutation round: deterministic, spread
    // over the whole id range (so changes land on many pages).
    for (size_t k = 0; k < count; ++k) {
        const size_t j = k + factory_->mix(0xC0FFEE + mutation_round_, k) % (candidates.size() - k);
        std::swap(candidates[k], candidates[j]);
    }
    candidates.resize(count);
    return candidates;
}

int64_t SimOrg::next_stamp(int64_t now_ms) {
    max_last_updated_ms_ = std::max(now_ms, max_last_updated_ms_ + 1);
    return max_last_updated_ms_;
}

SimOrg::MutateResult SimOrg::mutate(const Json& body, int64_t now_ms) {
    MutateResult out;
    auto fail = [&](std::string message) {
        out.ok = false;
        out.error = std::move(message);
        return out;
    };
    if (!body.is_object()) return fail("body must be a JSON object");
    std::optional<size_t> update_count, delete_count;
    std::vector<std::string> update_ids, delete_ids;
    size_t add = 0;
    const Json* set = nullptr;
    const Json* unset = nullptr;
    std::string error;
    for (const auto& [key, value] : body.items()) {
        if (key == "update") {
            if (!read_selector(value, "update", update_count, update_ids, error))
                return fail(error);
        } else if (key == "delete") {
            if (!read_selector(value, "delete", delete_count, delete_ids, error))
                return fail(error);
        } else if (key == "add") {
            if (!value.is_number_unsigned()) return fail("add must be a non-negative integer");
            add = value.get<size_t>();
        } else if (key == "set") {
            if (!value.is_object()) return fail("set must be an object");
            set = &value;
        } else if (key == "unset") {
            if (!value.is_array()) return fail("unset must be an array of profile property names");
            unset = &value;
        } else {
            return fail("unknown key '" + key + "' (expected update, set, unset, add, delete)");
        }
    }
    const auto& names = profile_field_names();
    auto is_profile_field = [&](const std::string& n) {
        return std::find(names.begin(), names.end(), n) != names.end();
    };
    if ((set || unset) && !update_count && update_ids.empty()) {
        return fail("set/unset need an update selector");
    }
    if (set) {
        for (const auto& [key, value] : set->items()) {
            if (key != "status" && !is_profile_field(key)) {
                return fail("set: '" + key + "' is neither status nor a profile property");
            }
            if (key == "status" && !value.is_string()) return fail("set.status must be a string");
        }
    }
    if (unset) {
        for (const auto& v : *unset) {
            if (!v.is_string() || !is_profile_field(v.get<std::string>())) {
                return fail("unset: entries must be profile property names");
            }
        }
    }

    std::unique_lock lock(mu_);
    ++mutation_round_;
    Json deleted = Json::array(), updated = Json::array(), added = Json::array(),
         not_found = Json::array();

    // 1. delete (Okta lists no DELETED devices: they simply vanish)
    std::set<std::string> delete_keys(delete_ids.begin(), delete_ids.end());
    if (delete_count) {
        for (size_t pos : pick_valid(*delete_count)) delete_keys.insert(devices_[pos].sort_key);
    }
    for (const auto& id : delete_ids) {
        const auto it = std::lower_bound(devices_.begin(), devices_.end(), id, key_less);
        if (it == devices_.end() || it->sort_key != id) not_found.push_back(id);
    }
    std::erase_if(devices_, [&](const Device& d) {
        if (!delete_keys.count(d.sort_key)) return false;
        deleted.push_back(d.sort_key);
        return true;
    });

    // 2. update: bump lastUpdated (strictly increasing), apply set/unset
    std::vector<size_t> targets;
    if (update_count) targets = pick_valid(*update_count);
    for (const auto& id : update_ids) {
        const auto it = std::lower_bound(devices_.begin(), devices_.end(), id, key_less);
        if (it == devices_.end() || it->sort_key != id) {
            not_found.push_back(id);
        } else {
            const size_t pos = static_cast<size_t>(it - devices_.begin());
            if (std::find(targets.begin(), targets.end(), pos) == targets.end())
                targets.push_back(pos);
        }
    }
    for (size_t pos : targets) {
        Device& d = devices_[pos];
        if (set) {
            for (const auto& [key, value] : set->items()) {
                if (key == "status") {
                    d.doc["status"] = value;
                } else {
                    if (!d.doc.contains("profile") || !d.doc["profile"].is_object()) {
                        d.doc["profile"] = Json::object();
                    }
                    d.doc["profile"][key] = value;
                    if (key == "displayName") d.doc["resourceDisplayName"]["value"] = value;
                }
            }
        }
        if (unset && d.doc.contains("profile") && d.doc["profile"].is_object()) {
            for (const auto& v : *unset) d.doc["profile"].erase(v.get<std::string>());
        }
        d.last_updated_ms = next_stamp(now_ms);
        d.doc["lastUpdated"] = iso8601_ms(d.last_updated_ms);
        factory_->serialize(d);
        updated.push_back(d.sort_key);
    }

    // 3. add: new devices, created = lastUpdated = now
    for (size_t k = 0; k < add; ++k) {
        Device d = factory_->make_added_device(next_index_++, next_stamp(now_ms));
        added.push_back(d.sort_key);
        devices_.push_back(std::move(d));
    }
    if (add > 0) resort();

    out.result = {{"updated", updated},
                  {"added", added},
                  {"deleted", deleted},
                  {"not_found", not_found},
                  {"device_count", devices_.size()},
                  {"max_last_updated", iso8601_ms(max_last_updated_ms_)}};
    return out;
}

}  // namespace oktasim
