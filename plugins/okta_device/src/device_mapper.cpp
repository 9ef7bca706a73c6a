// The reading half of DeviceMapper: one Okta device, walked with simdjson On-Demand, into the
// View that device_record.cpp writes as OCSF.
#include "device_mapper.h"

#include <asset_sdk/time_util.h>

namespace okta_device {

namespace {

using simdjson::error_code;
using simdjson::SUCCESS;
using simdjson::ondemand::json_type;
using simdjson::ondemand::value;

// ---- tolerant readers: a wrong JSON type is counted and the field dropped, never fatal ----

error_code read_string(value v, std::optional<std::string_view>& out, MapOutcome& outcome) {
    out.reset();
    json_type type;
    if (auto err = v.type().get(type)) return err;
    if (type == json_type::string) {
        std::string_view s;
        if (auto err = v.get_string().get(s)) return err;
        if (!s.empty()) out = s;  // "" carries no information: treated as absent
    } else if (type != json_type::null) {
        ++outcome.tolerated;
    }
    return SUCCESS;
}

error_code read_bool(value v, std::optional<bool>& out, MapOutcome& outcome) {
    out.reset();
    json_type type;
    if (auto err = v.type().get(type)) return err;
    if (type == json_type::boolean) {
        bool b = false;
        if (auto err = v.get_bool().get(b)) return err;
        out = b;
    } else if (type != json_type::null) {
        ++outcome.tolerated;
    }
    return SUCCESS;
}

// A required string: a wrong JSON type is remembered as `problem` (the reason to skip).
error_code read_required(value v, std::optional<std::string_view>& out, std::string_view& problem,
                         std::string_view wrong_type, MapOutcome& outcome) {
    const int tolerated = outcome.tolerated;
    if (auto err = read_string(v, out, outcome)) return err;
    problem = outcome.tolerated != tolerated ? wrong_type : std::string_view();
    return SUCCESS;
}

bool is_present_non_object(value v) {
    json_type type;
    return !v.type().get(type) && type != json_type::object && type != json_type::null;
}

// Runs `on_field(key, value)` for each field of an object value. Not an object: counted as
// tolerated (null silently) and nothing runs.
template <typename OnField>
error_code for_each_field(value v, MapOutcome& outcome, OnField&& on_field) {
    json_type type;
    if (auto err = v.type().get(type)) return err;
    if (type != json_type::object) {
        if (type != json_type::null) ++outcome.tolerated;
        return SUCCESS;
    }
    simdjson::ondemand::object obj;
    if (auto err = v.get_object().get(obj)) return err;
    for (auto field : obj) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        value fv;
        if (auto err = field.value().get(fv)) return err;
        if (auto err = on_field(key, fv)) return err;
    }
    return SUCCESS;
}

std::optional<std::int64_t> epoch_ms(const std::optional<std::string_view>& iso,
                                     MapOutcome& outcome) {
    if (!iso) return std::nullopt;
    const auto t = asset_sdk::parse_iso8601(*iso);
    if (!t) {
        ++outcome.tolerated;
        return std::nullopt;
    }
    return asset_sdk::to_epoch_millis(*t);
}

}  // namespace

// OCSF Device Inventory Info, activity Collect, from Okta.
DeviceMapper::DeviceMapper(TimeUnit time_unit)
    : envelope_({asset_sdk::ocsf::kDeviceInventoryInfo,
                 asset_sdk::ocsf::kActivityCollect,
                 asset_sdk::ocsf::Severity::kInformational,
                 {"Okta", "Okta", ""},
                 kOcsfVersion,
                 time_unit}) {
    users_.reserve(8);
    names_.reserve(8);
}

error_code DeviceMapper::read_user(value user, UserLink& link, MapOutcome& outcome) {
    return for_each_field(user, outcome, [&](std::string_view key, value v) -> error_code {
        if (key == "id") return read_string(v, link.id, outcome);
        if (key == "profile") {
            return for_each_field(v, outcome, [&](std::string_view k, value pv) -> error_code {
                if (k == "login") return read_string(pv, link.login, outcome);
                if (k == "email") return read_string(pv, link.email, outcome);
                if (k == "firstName") return read_string(pv, link.first_name, outcome);
                if (k == "lastName") return read_string(pv, link.last_name, outcome);
                return SUCCESS;
            });
        }
        return SUCCESS;
    });
}

error_code DeviceMapper::read_user_link(value v, UserLink& link, MapOutcome& outcome) {
    return for_each_field(v, outcome, [&](std::string_view key, value fv) -> error_code {
        if (key == "managementStatus") return read_string(fv, link.management_status, outcome);
        if (key == "screenLockType") return read_string(fv, link.screen_lock_type, outcome);
        if (key == "user") return read_user(fv, link, outcome);
        if (key == "created") {  // when the user was linked: decides the owner
            std::optional<std::string_view> created;
            if (auto err = read_string(fv, created, outcome)) return err;
            link.linked_ms = epoch_ms(created, outcome);
        }
        return SUCCESS;
    });
}

error_code DeviceMapper::read_embedded(value embedded, MapOutcome& outcome) {
    return for_each_field(embedded, outcome, [&](std::string_view key, value v) -> error_code {
        if (key != "users") return SUCCESS;
        json_type type;
        if (auto err = v.type().get(type)) return err;
        if (type != json_type::array) {
            if (type != json_type::null) ++outcome.tolerated;
            return SUCCESS;
        }
        simdjson::ondemand::array arr;
        if (auto err = v.get_array().get(arr)) return err;
        v_.user_count = 0;
        for (auto element : arr) {
            value ev;
            if (auto err = element.get(ev)) return err;
            if (v_.user_count == users_.size()) users_.emplace_back();
            UserLink& link = users_[v_.user_count];
            link = UserLink{};
            if (auto err = read_user_link(ev, link, outcome)) return err;
            // A link without any user identity says nothing we can map.
            if (link.id || link.login || link.email || link.management_status ||
                link.screen_lock_type) {
                ++v_.user_count;
            }
        }
        return SUCCESS;
    });
}

error_code DeviceMapper::read_profile(value profile, MapOutcome& outcome) {
    return for_each_field(profile, outcome, [&](std::string_view key, value v) -> error_code {
        if (key == "displayName") {
            return read_required(v, v_.display_name, v_.name_problem,
                                 "profile.displayName is not a string", outcome);
        }
        if (key == "platform") return read_string(v, v_.platform, outcome);
        if (key == "manufacturer") return read_string(v, v_.manufacturer, outcome);
        if (key == "model") return read_string(v, v_.model, outcome);
        if (key == "osVersion") return read_string(v, v_.os_version, outcome);
        if (key == "serialNumber") return read_string(v, v_.serial_number, outcome);
        if (key == "imei") return read_string(v, v_.imei, outcome);
        if (key == "meid") return read_string(v, v_.meid, outcome);
        if (key == "udid") return read_string(v, v_.udid, outcome);
        if (key == "sid") return read_string(v, v_.sid, outcome);
        if (key == "tpmPublicKeyHash") return read_string(v, v_.tpm_hash, outcome);
        if (key == "diskEncryptionType") return read_string(v, v_.disk_encryption, outcome);
        if (key == "registered") return read_bool(v, v_.registered, outcome);
        if (key == "secureHardwarePresent") return read_bool(v, v_.secure_hardware, outcome);
        if (key == "integrityJailbreak") return read_bool(v, v_.jailbreak, outcome);
        if (key == "managed") return read_bool(v, v_.managed, outcome);
        return SUCCESS;
    });
}

error_code DeviceMapper::read_device(value device, MapOutcome& outcome) {
    return for_each_field(device, outcome, [&](std::string_view key, value v) -> error_code {
        if (key == "id")
            return read_required(v, v_.id, v_.id_problem, "id is not a string", outcome);
        if (key == "status") return read_string(v, v_.status, outcome);
        if (key == "created") return read_string(v, v_.created, outcome);
        if (key == "lastUpdated") return read_string(v, v_.last_updated, outcome);
        if (key == "profile") {
            if (is_present_non_object(v)) v_.name_problem = "profile is not an object";
            return read_profile(v, outcome);
        }
        if (key == "_embedded") return read_embedded(v, outcome);
        return SUCCESS;
    });
}

MapOutcome DeviceMapper::map(value device, asset_sdk::SystemTime collected_at, std::string& out) {
    MapOutcome outcome;
    out.clear();
    v_ = View{};

    json_type type;
    if (auto err = device.type().get(type)) {
        outcome.fatal = err;
        return outcome;
    }
    if (type != json_type::object) {
        outcome.skipped = true;
        outcome.skip_reason = "not a JSON object";
        return outcome;
    }
    if (auto err = read_device(device, outcome)) {
        outcome.fatal = err;
        return outcome;
    }
    if (v_.id) outcome.id = v_.id->substr(0, 64);
    if (!v_.id) {
        outcome.skipped = true;
        outcome.skip_reason = v_.id_problem.empty() ? "missing id" : v_.id_problem;
        return outcome;
    }
    if (!v_.display_name) {
        outcome.skipped = true;
        outcome.skip_reason =
            v_.name_problem.empty() ? "missing profile.displayName" : v_.name_problem;
        return outcome;
    }
    outcome.last_updated_ms = epoch_ms(v_.last_updated, outcome);
    v_.created_ms = epoch_ms(v_.created, outcome);
    os_ = os_facts_for(v_.platform, v_.model, v_.os_version);
    owner_ = pick_owner(users_, v_.user_count);
    write(collected_at, outcome.last_updated_ms, out);
    return outcome;
}

}  // namespace okta_device
