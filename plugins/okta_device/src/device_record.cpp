// The writing half of DeviceMapper: the View read from one Okta device → its OCSF record.
// device_mapper.cpp reads; this file and device_enrichments.cpp decide what each field becomes
// (../README.md "Mapping").
#include "device_mapper.h"
#include "enrichment_list.h"

#include <asset_sdk/text.h>
#include <asset_sdk/time_util.h>

namespace okta_device {

namespace {

using namespace asset_sdk::json_literals;

void write_opt(asset_sdk::JsonWriter& w, asset_sdk::JsonKey key,
               const std::optional<std::string_view>& v) {
    if (v) w.field(key, *v);
}

}  // namespace

void DeviceMapper::write(asset_sdk::SystemTime collected_at,
                         std::optional<std::int64_t> last_updated_ms, std::string& out) {
    asset_sdk::JsonWriter w(out);
    // Classification, severity and metadata; `time`: when this inventory snapshot was collected
    // (the event is the collection). OCSF times in this record are epoch SECONDS by default
    // (README "Time fields": Sekoia's model types them as float seconds and its connectors send
    // seconds; milliseconds are kept as the fraction), or epoch milliseconds, OCSF's
    // timestamp_t, with time_unit: milliseconds.
    envelope_.begin(w, asset_sdk::to_epoch_millis(collected_at));

    write_device(w, last_updated_ms);
    {
        EnrichmentList list(w, entry_);
        write_device_signals(list);
        write_user_enrichments(list);
    }
    w.end_object();
}

void DeviceMapper::write_device(asset_sdk::JsonWriter& w,
                                std::optional<std::int64_t> last_updated_ms) {
    w.key("device"_key).begin_object();
    w.field("uid"_key, *v_.id);
    w.field("name"_key, *v_.display_name);
    w.field("hostname"_key, *v_.display_name);
    const DeviceClass dc = device_class_for(v_.platform);
    w.field("type"_key, dc.type).field("type_id"_key, dc.type_id);
    write_os(w);

    write_opt(w, "vendor_name"_key, v_.manufacturer);
    write_opt(w, "model"_key, v_.model);
    write_identifiers(w);

    if (v_.created_ms) {
        // The record's creation in Okta is when Okta first saw the device (enrollment).
        envelope_.write_time(w, "created_time"_key, *v_.created_ms);
        envelope_.write_time(w, "first_seen_time"_key, *v_.created_ms);
    }
    if (last_updated_ms) {
        // Okta has no last-seen time. lastUpdated moves when Okta collects the device's signals
        // at a sign-in (or its lifecycle changes): the recency Sekoia keeps, as its own Okta
        // connector sends it; modified_time is OCSF's exact meaning of it.
        envelope_.write_time(w, "last_seen_time"_key, *last_updated_ms);
        envelope_.write_time(w, "modified_time"_key, *last_updated_ms);
    }
    if (const std::optional<bool> managed = is_managed()) w.field("is_managed"_key, *managed);
    write_owner(w);
    w.end_object();
}

void DeviceMapper::write_identifiers(asset_sdk::JsonWriter& w) {
    // The serial number is the identifier other sources (EDR, MDM, CMDB) also know: uid_alt,
    // as Sekoia's current Okta mapping does, and hw_info.serial_number, OCSF's own place for it.
    write_opt(w, "uid_alt"_key, v_.serial_number);
    // profile.udid is Apple's UDID on MACOS/IOS (OCSF device.udid); elsewhere a hardware UUID
    // (Windows: the SMBIOS system UUID), OCSF's hw_info.uuid.
    const bool apple = is_apple_platform(v_.platform);
    const bool hw_uuid = v_.udid && !apple;
    if (v_.serial_number || hw_uuid) {
        w.key("hw_info"_key).begin_object();
        write_opt(w, "serial_number"_key, v_.serial_number);
        if (hw_uuid) w.field("uuid"_key, *v_.udid);
        w.end_object();
    }
    if (apple) write_opt(w, "udid"_key, v_.udid);
    write_opt(w, "meid"_key, v_.meid);
    if (v_.imei) w.key("imei_list"_key).begin_array().value(*v_.imei).end_array();
}

// os.name carries the version (device_os.h says why); os.version keeps Okta's value whole, as
// OCSF defines it (Android's patch level included).
void DeviceMapper::write_os(asset_sdk::JsonWriter& w) {
    if (!os_) return;
    text_.clear();
    append_os_name(*os_, text_);
    w.key("os"_key).begin_object();
    w.field("name"_key, std::string_view(text_));
    w.field("type"_key, os_->type).field("type_id"_key, os_->type_id);
    write_opt(w, "version"_key, v_.os_version);
    w.end_object();
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

// OCSF's device.owner (Sekoia drops it; the "owner" enrichment carries the same facts there).
void DeviceMapper::write_owner(asset_sdk::JsonWriter& w) {
    if (!owner_) return;
    const UserLink& u = users_[*owner_];
    w.key("owner"_key).begin_object();
    write_opt(w, "uid"_key, u.id);
    if (u.login) {
        w.field("name"_key, *u.login);
    } else if (u.email) {
        w.field("name"_key, *u.email);
    }
    write_opt(w, "email_addr"_key, u.email);
    if (full_name(u, text_)) w.field("full_name"_key, std::string_view(text_));
    w.end_object();
}

}  // namespace okta_device
