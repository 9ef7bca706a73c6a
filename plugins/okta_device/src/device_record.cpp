// The writing half of DeviceMapper: the View read from one Okta device → its OCSF record.
// device_mapper.cpp reads; this file decides what each field becomes (../README.md "Mapping").
#include "device_mapper.h"

#include <asset_sdk/text.h>
#include <asset_sdk/time_util.h>

namespace okta_device {

namespace {

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

// Sekoia's DeviceEnrichmentObject list: {name, value, data}. Its 1.22 SDK requires all three, so
// `data` is always present ({} when there is nothing structured to add). The array is opened by
// the first entry, so a device without enrichments has no "enrichments" key.
class DeviceMapper::EnrichmentList {
public:
    explicit EnrichmentList(asset_sdk::JsonWriter& w) : w_(w) {}
    ~EnrichmentList() {
        if (open_) w_.end_array();
    }
    EnrichmentList(const EnrichmentList&) = delete;
    EnrichmentList& operator=(const EnrichmentList&) = delete;

    // Opens an entry and its "data" object; the caller fills data and calls end().
    asset_sdk::JsonWriter& begin(std::string_view name, std::string_view value) {
        if (!open_) {
            w_.key("enrichments").begin_array();
            open_ = true;
        }
        return w_.begin_object()
            .field("name", name)
            .field("value", value)
            .key("data")
            .begin_object();
    }
    void end() { w_.end_object().end_object(); }
    void simple(std::string_view name, std::string_view value) {
        begin(name, value);
        end();
    }
    void flag(std::string_view name, bool value) { simple(name, value ? "true" : "false"); }
    // {"name": name, "value": value, "data": {"Users": [labels...]}}
    void users(std::string_view name, std::string_view value,
               const std::vector<std::string_view>& labels) {
        begin(name, value).key("Users").begin_array();
        for (std::string_view l : labels) w_.value(l);
        w_.end_array();
        end();
    }

private:
    asset_sdk::JsonWriter& w_;
    bool open_ = false;
};

void DeviceMapper::write(asset_sdk::SystemTime collected_at,
                         std::optional<std::int64_t> last_updated_ms, std::string& out) {
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

    write_device(w, last_updated_ms);
    {
        EnrichmentList list(w);
        write_device_signals(list);
        write_user_enrichments(list);
    }
    w.end_object();
}

void DeviceMapper::write_device(asset_sdk::JsonWriter& w,
                                std::optional<std::int64_t> last_updated_ms) {
    w.key("device").begin_object();
    w.field("uid", *v_.id);
    w.field("name", *v_.display_name);
    w.field("hostname", *v_.display_name);
    const DeviceType dt = device_type_for(v_.platform);
    w.field("type", dt.name).field("type_id", dt.id);
    write_os(w);

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

    if (v_.created_ms) {
        // The record's creation in Okta is when Okta first saw the device (enrollment).
        write_seconds(w, "created_time", *v_.created_ms);
        write_seconds(w, "first_seen_time", *v_.created_ms);
    }
    if (last_updated_ms) write_seconds(w, "modified_time", *last_updated_ms);
    if (const std::optional<bool> managed = is_managed()) w.field("is_managed", *managed);
    write_owner(w);
    w.end_object();
}

void DeviceMapper::write_os(asset_sdk::JsonWriter& w) {
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
}

// is_managed: MDM management. profile.managed when Okta sends it (added in 2025); older orgs only
// have the per-user managementStatus, which means the same thing.
std::optional<bool> DeviceMapper::is_managed() const {
    std::optional<bool> managed = v_.managed;
    if (managed) return managed;
    for (std::size_t i = 0; i < v_.user_count; ++i) {
        const auto& s = users_[i].management_status;
        if (!s) continue;
        if (*s == "MANAGED") return true;
        if (*s == "NOT_MANAGED") managed = false;
    }
    return managed;
}

// owner: OCSF has one owner per device; Okta lists the device's users in no particular order, so
// the first one is the owner and all of them are in the "users" enrichment.
void DeviceMapper::write_owner(asset_sdk::JsonWriter& w) {
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
        return;
    }
}

void DeviceMapper::write_device_signals(EnrichmentList& list) {
    if (v_.status) list.simple("device_status", *v_.status);
    if (v_.registered) list.flag("registered", *v_.registered);
    if (v_.secure_hardware) list.flag("secure_hardware_present", *v_.secure_hardware);
    if (v_.disk_encryption) {
        asset_sdk::JsonWriter& w = list.begin("disk_encryption", *v_.disk_encryption);
        if (const EncryptionMapping* m = encryption_for(*v_.disk_encryption)) {
            w.key("Storage_encryption").begin_object().key("partitions").begin_object();
            for (int i = 0; i < m->count; ++i) w.field(m->parts[i].name, m->parts[i].state);
            w.end_object().end_object();
        }
        list.end();
    }
    if (v_.jailbreak) list.flag("jailbroken", *v_.jailbreak);
    if (v_.tpm_hash) list.simple("tpm_public_key_hash", *v_.tpm_hash);
    if (v_.sid) list.simple("windows_sid", *v_.sid);
}

// Users, and the per-user signals grouped by value: {"name":"screen_lock_type",
// "value":"BIOMETRIC","data":{"Users":["ann@acme.com"]}}.
void DeviceMapper::write_user_enrichments(EnrichmentList& list) {
    const auto label = [](const UserLink& u) -> std::optional<std::string_view> {
        if (u.login) return u.login;
        if (u.email) return u.email;
        return u.id;
    };
    names_.clear();
    for (std::size_t i = 0; i < v_.user_count; ++i) {
        if (auto l = label(users_[i])) names_.push_back(*l);
    }
    if (!names_.empty()) list.users("users", std::to_string(names_.size()), names_);

    const auto grouped = [&](std::string_view name,
                             std::optional<std::string_view> UserLink::*member) {
        for (std::size_t i = 0; i < v_.user_count; ++i) {
            const auto& val = users_[i].*member;
            if (!val) continue;
            bool seen = false;  // emitted already for an earlier user with the same value
            for (std::size_t j = 0; j < i && !seen; ++j) seen = users_[j].*member == val;
            if (seen) continue;
            names_.clear();
            for (std::size_t j = i; j < v_.user_count; ++j) {
                if (users_[j].*member != val) continue;
                if (auto l = label(users_[j])) names_.push_back(*l);
            }
            list.users(name, *val, names_);
        }
    };
    grouped("management_status", &UserLink::management_status);
    grouped("screen_lock_type", &UserLink::screen_lock_type);
}

}  // namespace okta_device
