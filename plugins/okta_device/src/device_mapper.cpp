#include "device_mapper.h"

#include <asset_sdk/text.h>
#include <asset_sdk/time_util.h>

#include <algorithm>

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

struct DeviceType {
    int id;
    const char* name;  // Sekoia's DeviceTypeStr spelling
};

struct OsType {
    const char* name;  // human name of the OS
    const char* type;  // Sekoia's OSTypeStr (lower case)
    int type_id;       // OCSF os.type_id
};

// Okta's DevicePlatform → OCSF device type. Okta cannot tell a laptop from a desktop, and
// Sekoia's model accepts neither Laptop (3) nor Tablet (4): "Desktop" is the honest class for
// a WINDOWS/MACOS computer, "Mobile" for IOS/ANDROID. A platform Okta adds later is "Unknown"
// (0): we do not know the device class; "Other" (99) would claim we do and it is none of these.
DeviceType device_type_for(const std::optional<std::string_view>& platform) {
    if (platform) {
        if (asset_sdk::iequals(*platform, "WINDOWS") || asset_sdk::iequals(*platform, "MACOS"))
            return {2, "Desktop"};
        if (asset_sdk::iequals(*platform, "IOS") || asset_sdk::iequals(*platform, "ANDROID"))
            return {5, "Mobile"};
    }
    return {0, "Unknown"};
}

std::optional<OsType> os_type_for(const std::optional<std::string_view>& platform,
                                  const std::optional<std::string_view>& model) {
    if (!platform) return std::nullopt;
    if (asset_sdk::iequals(*platform, "WINDOWS")) return OsType{"Windows", "windows", 100};
    if (asset_sdk::iequals(*platform, "MACOS")) return OsType{"macOS", "macos", 300};
    if (asset_sdk::iequals(*platform, "IOS")) {
        // Okta reports iPads as IOS; their OS is iPadOS, which OCSF (and Sekoia) list apart.
        if (model && model->size() >= 4 && asset_sdk::iequals(model->substr(0, 4), "IPAD")) {
            return OsType{"iPadOS", "ipados", 302};
        }
        return OsType{"iOS", "ios", 301};
    }
    if (asset_sdk::iequals(*platform, "ANDROID")) return OsType{"Android", "android", 201};
    if (asset_sdk::iequals(*platform, "LINUX")) return OsType{"Linux", "linux", 200};
    if (asset_sdk::iequals(*platform, "CHROMEOS")) return OsType{"ChromeOS", "other", 99};
    return OsType{nullptr, "other", 99};  // name: Okta's raw value
}

// diskEncryptionType → Sekoia's Storage_encryption.partitions. Okta documents FULL, USER and
// ALL_INTERNAL_VOLUMES as "encryption ON" and everything else as OFF; the partition names say
// what each value covers, so SYSTEM_VOLUME is reported as encrypted system volume with the other
// internal volumes not encrypted (which is why Okta counts it as OFF).
struct Partition {
    const char* name;
    const char* state;
};
struct EncryptionMapping {
    const char* okta;
    Partition parts[2];
    int count;
};
constexpr EncryptionMapping kEncryption[] = {
    {"ALL_INTERNAL_VOLUMES", {{"all_internal_volumes", "Enabled"}, {}}, 1},
    {"SYSTEM_VOLUME", {{"system_volume", "Enabled"}, {"other_internal_volumes", "Disabled"}}, 2},
    {"FULL", {{"full_disk", "Enabled"}, {}}, 1},
    {"USER", {{"user_data", "Enabled"}, {}}, 1},
    {"NONE", {{"all_volumes", "Disabled"}, {}}, 1},
};

const EncryptionMapping* encryption_for(std::string_view okta) {
    for (const auto& m : kEncryption) {
        if (asset_sdk::iequals(okta, m.okta)) return &m;
    }
    return nullptr;
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

// OCSF timestamps in this record are epoch SECONDS (see README: Sekoia's model types them as
// float seconds and its connectors send seconds); milliseconds are kept as the fraction.
void write_seconds(asset_sdk::JsonWriter& w, std::string_view key, std::int64_t ms) {
    w.key(key);
    if (ms % 1000 == 0) {
        w.value(static_cast<std::int64_t>(ms / 1000));
    } else {
        w.value(static_cast<double>(ms) / 1000.0);
    }
}

void write_opt(asset_sdk::JsonWriter& w, std::string_view key,
               const std::optional<std::string_view>& v) {
    if (v) w.field(key, *v);
}

}  // namespace

DeviceMapper::DeviceMapper() {
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
        if (key == "displayName") return read_string(v, v_.display_name, outcome);
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
        if (key == "id") return read_string(v, v_.id, outcome);
        if (key == "status") return read_string(v, v_.status, outcome);
        if (key == "created") return read_string(v, v_.created, outcome);
        if (key == "lastUpdated") return read_string(v, v_.last_updated, outcome);
        if (key == "profile") return read_profile(v, outcome);
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
        outcome.skip_reason = "missing id";
        return outcome;
    }
    if (!v_.display_name) {
        outcome.skipped = true;
        outcome.skip_reason = "missing profile.displayName";
        return outcome;
    }
    outcome.last_updated_ms = epoch_ms(v_.last_updated, outcome);
    write(collected_at, outcome, out);
    return outcome;
}

void DeviceMapper::write(asset_sdk::SystemTime collected_at, MapOutcome& outcome,
                         std::string& out) {
    asset_sdk::JsonWriter w(out);
    w.begin_object();
    // Classification: OCSF Device Inventory Info, activity Collect.
    w.field("activity_id", 2).field("activity_name", "Collect");
    w.field("category_name", "Discovery").field("category_uid", 5);
    w.field("class_name", "Device Inventory Info").field("class_uid", 5001);
    w.field("type_name", "Device Inventory Info: Collect").field("type_uid", 500102);
    w.field("severity", "Informational").field("severity_id", 1);
    // `time`: when this inventory snapshot was collected (the event is the collection).
    write_seconds(w, "time", asset_sdk::to_epoch_millis(collected_at));
    w.key("metadata").begin_object();
    w.key("product").begin_object().field("name", "Okta").field("vendor_name", "Okta").end_object();
    w.field("version", kOcsfVersion);
    w.end_object();

    write_device(w, outcome);
    write_enrichments(w);
    w.end_object();
}

void DeviceMapper::write_device(asset_sdk::JsonWriter& w, MapOutcome& outcome) {
    w.key("device").begin_object();
    w.field("uid", *v_.id);
    w.field("name", *v_.display_name);
    w.field("hostname", *v_.display_name);
    const DeviceType dt = device_type_for(v_.platform);
    w.field("type", dt.name).field("type_id", dt.id);

    if (const auto os = os_type_for(v_.platform, v_.model)) {
        w.key("os").begin_object();
        if (os->name) {
            w.field("name", os->name);
        } else {
            w.field("name", *v_.platform);
        }
        w.field("type", os->type).field("type_id", os->type_id);
        write_opt(w, "version", v_.os_version);
        w.end_object();
    } else if (v_.os_version) {
        w.key("os").begin_object();
        w.field("name", "Unknown").field("type", "unknown").field("type_id", 0);
        w.field("version", *v_.os_version);
        w.end_object();
    }

    write_opt(w, "vendor_name", v_.manufacturer);
    write_opt(w, "model", v_.model);
    // The serial number is the identifier other sources (EDR, MDM, CMDB) also know: uid_alt,
    // as Sekoia's current Okta mapping does, and hw_info.serial_number, OCSF's own place for it.
    write_opt(w, "uid_alt", v_.serial_number);
    if (v_.serial_number) {
        w.key("hw_info").begin_object().field("serial_number", *v_.serial_number).end_object();
    }
    write_opt(w, "udid", v_.udid);
    write_opt(w, "meid", v_.meid);
    if (v_.imei) w.key("imei_list").begin_array().value(*v_.imei).end_array();

    if (auto created = epoch_ms(v_.created, outcome)) {
        // The record's creation in Okta is when Okta first saw the device (enrollment).
        write_seconds(w, "created_time", *created);
        write_seconds(w, "first_seen_time", *created);
    }
    if (outcome.last_updated_ms) write_seconds(w, "modified_time", *outcome.last_updated_ms);

    // is_managed: MDM management. profile.managed when Okta sends it (added in 2025); older orgs
    // only have the per-user managementStatus, which means the same thing.
    std::optional<bool> managed = v_.managed;
    if (!managed) {
        for (std::size_t i = 0; i < v_.user_count; ++i) {
            const auto& s = users_[i].management_status;
            if (!s) continue;
            if (*s == "MANAGED") {
                managed = true;
                break;
            }
            if (*s == "NOT_MANAGED") managed = false;
        }
    }
    if (managed) w.field("is_managed", *managed);

    // owner: OCSF has one owner per device; Okta lists the device's users in no particular
    // order, so the first one is the owner and all of them are in the "users" enrichment.
    for (std::size_t i = 0; i < v_.user_count; ++i) {
        const UserLink& u = users_[i];
        if (!u.id && !u.login) continue;
        w.key("owner").begin_object();
        write_opt(w, "uid", u.id);
        if (u.login) {
            w.field("name", *u.login);
        } else if (u.email) {
            w.field("name", *u.email);
        }
        write_opt(w, "email_addr", u.email);
        if (u.first_name || u.last_name) {
            std::string_view first = u.first_name.value_or(std::string_view{});
            std::string_view last = u.last_name.value_or(std::string_view{});
            std::string full;  // small; owners are one per device
            full.reserve(first.size() + last.size() + 1);
            full.append(first);
            if (!first.empty() && !last.empty()) full.push_back(' ');
            full.append(last);
            w.field("full_name", std::string_view(full));
        }
        w.end_object();
        break;
    }
    w.end_object();
}

void DeviceMapper::write_enrichments(asset_sdk::JsonWriter& w) {
    // Sekoia's DeviceEnrichmentObject: {name, value, data}; its 1.22 SDK requires all three, so
    // `data` is always present ({} when there is nothing structured to add).
    bool open = false;
    auto begin = [&](std::string_view name, std::string_view val) {
        if (!open) {
            w.key("enrichments").begin_array();
            open = true;
        }
        w.begin_object().field("name", name).field("value", val);
    };
    auto simple = [&](std::string_view name, std::string_view val) {
        begin(name, val);
        w.key("data").begin_object().end_object();
        w.end_object();
    };

    if (v_.status) simple("device_status", *v_.status);
    if (v_.registered) simple("registered", *v_.registered ? "true" : "false");
    if (v_.secure_hardware)
        simple("secure_hardware_present", *v_.secure_hardware ? "true" : "false");
    if (v_.disk_encryption) {
        begin("disk_encryption", *v_.disk_encryption);
        w.key("data").begin_object();
        if (const EncryptionMapping* m = encryption_for(*v_.disk_encryption)) {
            w.key("Storage_encryption").begin_object().key("partitions").begin_object();
            for (int i = 0; i < m->count; ++i) w.field(m->parts[i].name, m->parts[i].state);
            w.end_object().end_object();
        }
        w.end_object();
        w.end_object();
    }
    if (v_.jailbreak) simple("jailbroken", *v_.jailbreak ? "true" : "false");
    if (v_.tpm_hash) simple("tpm_public_key_hash", *v_.tpm_hash);
    if (v_.sid) simple("windows_sid", *v_.sid);

    // Users, and the per-user signals grouped by value: {"name":"screen_lock_type",
    // "value":"BIOMETRIC","data":{"Users":["ann@acme.com"]}}.
    auto label = [](const UserLink& u) -> std::optional<std::string_view> {
        if (u.login) return u.login;
        if (u.email) return u.email;
        return u.id;
    };
    if (v_.user_count > 0) {
        names_.clear();
        for (std::size_t i = 0; i < v_.user_count; ++i) {
            if (auto l = label(users_[i])) names_.push_back(*l);
        }
        if (!names_.empty()) {
            begin("users", std::to_string(names_.size()));
            w.key("data").begin_object().key("Users").begin_array();
            for (std::string_view n : names_) w.value(n);
            w.end_array().end_object().end_object();
        }
    }
    auto grouped = [&](std::string_view name, std::optional<std::string_view> UserLink::*member) {
        for (std::size_t i = 0; i < v_.user_count; ++i) {
            const auto& val = users_[i].*member;
            if (!val) continue;
            bool seen = false;  // emitted already for an earlier user with the same value
            for (std::size_t j = 0; j < i && !seen; ++j) seen = users_[j].*member == val;
            if (seen) continue;
            begin(name, *val);
            w.key("data").begin_object().key("Users").begin_array();
            for (std::size_t j = i; j < v_.user_count; ++j) {
                if (users_[j].*member != val) continue;
                if (auto l = label(users_[j])) w.value(*l);
            }
            w.end_array().end_object().end_object();
        }
    };
    grouped("management_status", &UserLink::management_status);
    grouped("screen_lock_type", &UserLink::screen_lock_type);

    if (open) w.end_array();
}

}  // namespace okta_device
