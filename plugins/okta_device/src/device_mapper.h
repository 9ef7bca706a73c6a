// One Okta device (an element of GET /api/v1/devices, read with simdjson On-Demand straight from
// the page buffer) → one OCSF 1.6 "Device Inventory Info" record (class 5001, activity Collect),
// written with JsonWriter into a caller-owned buffer that is reused for every device.
//
// Tolerance rules (Okta marks only id, profile.displayName, platform and registered as
// required, and enums grow): any optional field that is absent, null, of an unexpected JSON type
// or carries an unknown enum value still yields a record — the field is omitted (never written
// as null) or, for enums, passed through as Okta's raw value where that is honest. A device
// without a usable `id` or `profile.displayName` (absent, null, empty or not a string; or a
// `profile` that is not an object) is skipped with a reason naming the field (the caller warns
// and counts).
// Only a JSON document that is structurally broken is fatal: the error is returned and the
// whole page is retried by the caller.
//
// The field-by-field mapping and the reasons are in ../README.md ("Mapping"). Reading is in
// device_mapper.cpp, the record in device_record.cpp, the enrichments in device_enrichments.cpp;
// the OS and owner rules in device_os.* and device_owner.*.
#pragma once

#include "config.h"
#include "device_os.h"
#include "device_owner.h"

#include <asset_sdk/clock.h>
#include <asset_sdk/json_writer.h>
#include <asset_sdk/ocsf.h>

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace okta_device {

inline constexpr char kOcsfVersion[] = "1.6.0";

struct MapOutcome {
    // SUCCESS, or a structural JSON error (the page is unusable).
    simdjson::error_code fatal = simdjson::SUCCESS;
    bool skipped = false;          // no record: see skip_reason
    std::string_view skip_reason;  // static text naming the field, e.g. "missing id"
    // The device id when known (for logs and duplicate detection), else "". A view into the
    // page being parsed: valid until the next device is read (no copy per device).
    std::string_view id;
    std::optional<std::int64_t> last_updated_ms;  // parsed lastUpdated, for the watermark
    int tolerated = 0;  // fields dropped for a wrong type or a bad timestamp
};

class EnrichmentList;

class DeviceMapper {
public:
    // `time_unit`: how the record's time fields are written (config key time_unit).
    explicit DeviceMapper(TimeUnit time_unit = TimeUnit::kSeconds);

    // Maps `device` into `out` (cleared first). `collected_at` becomes the record's `time`.
    MapOutcome map(simdjson::ondemand::value device, asset_sdk::SystemTime collected_at,
                   std::string& out);

private:
    struct View {
        std::optional<std::string_view> id, status, created, last_updated;
        std::optional<std::string_view> display_name, platform, manufacturer, model, os_version,
            serial_number, imei, meid, udid, sid, tpm_hash, disk_encryption;
        std::optional<bool> registered, secure_hardware, jailbreak, managed;
        std::optional<std::int64_t> created_ms;  // `created` parsed, when valid
        std::size_t user_count = 0;              // valid entries of users_
        // Why a required field is unusable beyond being absent (static text, "" when absent).
        std::string_view id_problem, name_problem;
    };

    simdjson::error_code read_device(simdjson::ondemand::value device, MapOutcome& outcome);
    simdjson::error_code read_profile(simdjson::ondemand::value profile, MapOutcome& outcome);
    simdjson::error_code read_embedded(simdjson::ondemand::value embedded, MapOutcome& outcome);
    simdjson::error_code read_user_link(simdjson::ondemand::value link, UserLink& user,
                                        MapOutcome& outcome);
    simdjson::error_code read_user(simdjson::ondemand::value user, UserLink& link,
                                   MapOutcome& outcome);
    // Writing (device_record.cpp, device_enrichments.cpp).
    void write(asset_sdk::SystemTime collected_at, std::optional<std::int64_t> last_updated_ms,
               std::string& out);
    void write_device(asset_sdk::JsonWriter& w, std::optional<std::int64_t> last_updated_ms);
    void write_identifiers(asset_sdk::JsonWriter& w);
    void write_os(asset_sdk::JsonWriter& w);
    std::optional<bool> is_managed() const;
    void write_owner(asset_sdk::JsonWriter& w);
    void write_device_signals(EnrichmentList& list);
    void write_user_enrichments(EnrichmentList& list);

    asset_sdk::ocsf::Envelope envelope_;  // classification, metadata, and the time unit
    View v_;
    std::optional<OsFacts> os_;            // from the platform, model and osVersion
    std::optional<std::size_t> owner_;     // index into users_, chosen by pick_owner()
    std::vector<UserLink> users_;          // reused across devices: no per-device allocation
    std::vector<std::string_view> names_;  // scratch for grouping users by a value
    std::string text_;                     // scratch for composed strings (OS name, owner)
    std::string entry_;                    // scratch for one enrichment entry (EnrichmentList)
};

}  // namespace okta_device
