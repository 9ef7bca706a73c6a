// What Okta's profile.platform, profile.model and profile.osVersion say about a device: its OCSF
// device class and its operating system, in the spellings Sekoia's device model accepts.
// Pure functions of the three strings (no allocation), unit tested per platform.
//
// The OS name carries the version ("Windows 10.0.22631.3447", "macOS 14.4.1"), as Sekoia's own
// SentinelOne and CrowdStrike connectors write it: Sekoia's OperatingSystem model keeps only
// name, type and type_id, so a separate os.version never reaches it. Android reports
// "<version>:<security patch level>" ("14:2024-05-01"): the name gets the version only
// ("Android 14") and the patch level is returned apart, for an enrichment.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace okta_device {

struct DeviceClass {
    int type_id;
    const char* type;  // Sekoia's DeviceTypeStr spelling
};

// WINDOWS/MACOS → Desktop (2), IOS/ANDROID → Mobile (5), anything else → Unknown (0).
DeviceClass device_class_for(const std::optional<std::string_view>& platform);

struct OsFacts {
    std::string_view family;   // "Windows", "iPadOS", ...; Okta's raw value for an unknown platform
    const char* type;          // Sekoia's OSTypeStr (lower case)
    int type_id;               // OCSF os.type_id
    std::string_view version;  // the OS version for the name ("" when unknown)
    std::string_view patch_level;  // Android's security patch level ("" when none)
};

// nullopt when Okta says nothing about the OS (no platform and no osVersion).
std::optional<OsFacts> os_facts_for(const std::optional<std::string_view>& platform,
                                    const std::optional<std::string_view>& model,
                                    const std::optional<std::string_view>& os_version);

// "<family> <version>", or the family alone when the version is unknown; appended to `out`.
void append_os_name(const OsFacts& os, std::string& out);

// MACOS and IOS: the platforms whose profile.udid is Apple's UDID (OCSF device.udid). On the
// others (Windows: the SMBIOS system UUID) it is a hardware UUID (OCSF hw_info.uuid).
bool is_apple_platform(const std::optional<std::string_view>& platform);

}  // namespace okta_device
