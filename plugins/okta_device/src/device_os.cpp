#include "device_os.h"

#include <asset_sdk/text.h>

namespace okta_device {

namespace {

using asset_sdk::iequals;

bool is(const std::optional<std::string_view>& platform, std::string_view value) {
    return platform && iequals(*platform, value);
}

// Okta reports iPads as IOS; their OS is iPadOS, which OCSF (and Sekoia) list apart.
bool is_ipad(const std::optional<std::string_view>& model) {
    return model && model->size() >= 4 && iequals(model->substr(0, 4), "IPAD");
}

}  // namespace

// Okta cannot tell a laptop from a desktop, and Sekoia's model accepts neither Laptop (3) nor
// Tablet (4): "Desktop" is the honest class for a WINDOWS/MACOS computer, "Mobile" for
// IOS/ANDROID. A platform Okta adds later is "Unknown" (0): we do not know the device class;
// "Other" (99) would claim we do and it is none of these.
DeviceClass device_class_for(const std::optional<std::string_view>& platform) {
    if (is(platform, "WINDOWS") || is(platform, "MACOS")) return {2, "Desktop"};
    if (is(platform, "IOS") || is(platform, "ANDROID")) return {5, "Mobile"};
    return {0, "Unknown"};
}

std::optional<OsFacts> os_facts_for(const std::optional<std::string_view>& platform,
                                    const std::optional<std::string_view>& model,
                                    const std::optional<std::string_view>& os_version) {
    OsFacts os{};
    if (is(platform, "WINDOWS")) {
        os = {"Windows", "windows", 100, {}, {}};
    } else if (is(platform, "MACOS")) {
        os = {"macOS", "macos", 300, {}, {}};
    } else if (is(platform, "IOS")) {
        os = is_ipad(model) ? OsFacts{"iPadOS", "ipados", 302, {}, {}}
                            : OsFacts{"iOS", "ios", 301, {}, {}};
    } else if (is(platform, "ANDROID")) {
        os = {"Android", "android", 201, {}, {}};
    } else if (is(platform, "LINUX")) {
        os = {"Linux", "linux", 200, {}, {}};
    } else if (is(platform, "CHROMEOS")) {
        os = {"ChromeOS", "other", 99, {}, {}};
    } else if (platform) {
        os = {*platform, "other", 99, {}, {}};  // a platform we do not know: Okta's own word
    } else if (os_version) {
        os = {"Unknown", "unknown", 0, {}, {}};  // a version without a platform
    } else {
        return std::nullopt;
    }
    if (os_version) {
        os.version = *os_version;
        // Android: "14:2024-05-01" is the version, then the security patch level.
        const std::size_t colon = os_version->find(':');
        if (os.type_id == 201 && colon != std::string_view::npos) {
            os.version = os_version->substr(0, colon);
            os.patch_level = os_version->substr(colon + 1);
        }
    }
    return os;
}

void append_os_name(const OsFacts& os, std::string& out) {
    out.append(os.family);
    if (!os.version.empty()) {
        out.push_back(' ');
        out.append(os.version);
    }
}

bool is_apple_platform(const std::optional<std::string_view>& platform) {
    return is(platform, "MACOS") || is(platform, "IOS");
}

}  // namespace okta_device
