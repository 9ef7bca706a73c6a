// The enrichments of a device record: the device-trust signals OCSF's device has no field for,
// and the facts Sekoia's device model would drop from their OCSF place (it keeps enrichments):
// the Android security patch level, a non-Apple hardware UUID, the owner. Order and shapes are
// in ../README.md ("Mapping").
#include "device_mapper.h"
#include "enrichment_list.h"

#include <asset_sdk/text.h>

namespace okta_device {

namespace {

using namespace asset_sdk::json_literals;

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

}  // namespace

void DeviceMapper::write_device_signals(EnrichmentList& list) {
    if (v_.status) list.simple("device_status"_entry, *v_.status);
    if (v_.registered) list.flag("registered"_entry, *v_.registered);
    if (v_.secure_hardware) list.flag("secure_hardware_present"_entry, *v_.secure_hardware);
    if (v_.disk_encryption) {
        asset_sdk::JsonWriter& w = list.begin("disk_encryption", *v_.disk_encryption);
        if (const EncryptionMapping* m = encryption_for(*v_.disk_encryption)) {
            w.key("Storage_encryption"_key).begin_object().key("partitions"_key).begin_object();
            for (int i = 0; i < m->count; ++i) w.field(m->parts[i].name, m->parts[i].state);
            w.end_object().end_object();
        }
        list.end();
    }
    if (v_.jailbreak) list.flag("jailbroken"_entry, *v_.jailbreak);
    if (v_.tpm_hash) list.simple("tpm_public_key_hash"_entry, *v_.tpm_hash);
    if (v_.sid) list.simple("windows_sid"_entry, *v_.sid);
    // Android's "14:2024-05-01": the version went into os.name, the patch level comes here.
    if (os_ && !os_->patch_level.empty())
        list.simple("security_patch_level"_entry, os_->patch_level);
    // hw_info.uuid is OCSF's place for it, but Sekoia's model has no hw_info.
    if (v_.udid && !is_apple_platform(v_.platform)) list.simple("hardware_uuid"_entry, *v_.udid);
}

// The owner, the users, and the per-user signals grouped by value: {"name":"screen_lock_type",
// "value":"BIOMETRIC","data":{"Users":["ann@acme.com"]}}. Users are named by user_label().
void DeviceMapper::write_user_enrichments(EnrichmentList& list) {
    if (owner_) {
        // Sekoia's device model has no owner: this entry is what reaches it. The value is for a
        // person ("Ann Lee <ann.lee@acme.com>"), Users holds the login (the key the other user
        // enrichments and Sekoia's Okta user assets use).
        const UserLink& owner = users_[*owner_];
        owner_display(owner, text_);
        names_.assign(1, *user_label(owner));
        list.users("owner"_entry, text_, names_);
    }
    names_.clear();
    for (std::size_t i = 0; i < v_.user_count; ++i) {
        if (auto l = user_label(users_[i])) names_.push_back(*l);
    }
    if (!names_.empty()) list.users("users"_entry, std::to_string(names_.size()), names_);

    const auto grouped = [&](EntryName name, std::optional<std::string_view> UserLink::*member) {
        for (std::size_t i = 0; i < v_.user_count; ++i) {
            const auto& val = users_[i].*member;
            if (!val) continue;
            bool seen = false;  // emitted already for an earlier user with the same value
            for (std::size_t j = 0; j < i && !seen; ++j) seen = users_[j].*member == val;
            if (seen) continue;
            names_.clear();
            for (std::size_t j = i; j < v_.user_count; ++j) {
                if (users_[j].*member != val) continue;
                if (auto l = user_label(users_[j])) names_.push_back(*l);
            }
            list.users(name, *val, names_);
        }
    };
    grouped("management_status"_entry, &UserLink::management_status);
    grouped("screen_lock_type"_entry, &UserLink::screen_lock_type);
}

}  // namespace okta_device
