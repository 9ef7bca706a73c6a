#include "poison.h"

#include <algorithm>
#include <array>

#include "device_model.h"

namespace oktasim {

namespace {

constexpr std::array<const char*, 6> kVariants = {"lone_surrogate",  "invalid_utf8",
                                                  "control_char",    "wrong_types",
                                                  "name_not_string", "id_not_string"};

// Stands in for the poisoned string while the page is serialized: nlohmann refuses to write
// invalid UTF-8, so the raw bytes are put in afterwards.
constexpr char kPlaceholder[] = "\"okta-sim-poison-placeholder\"";

// The displayName's JSON text followed by the poison, for the byte-level variants.
std::string poisoned_name(const Json& name, const std::string& variant) {
    std::string text = name.is_string() ? name.dump() : "\"device\"";
    text.pop_back();  // the closing quote
    if (variant == "lone_surrogate") {
        text += " \\ud83d";  // Jackson cutting a string inside an emoji (U+1F4BB)
    } else if (variant == "invalid_utf8") {
        text += " \xc3\x28 \xff";     // a broken two-byte sequence and a byte never in UTF-8
    } else {                          // control_char
        text += "\x01\x1b[31m\tred";  // raw, unescaped
    }
    return text + "\"";
}

// Wrong JSON types in every optional field Okta documents; id and displayName stay usable.
void wrong_types(Json& device) {
    device["status"] = 7;
    device["created"] = true;
    device["lastUpdated"] = Json{{"when", "yesterday"}};
    Json& profile = device["profile"];
    profile["platform"] = Json::array({"WINDOWS"});
    profile["manufacturer"] = 1;
    profile["model"] = Json::object();
    profile["osVersion"] = 10.5;
    profile["serialNumber"] = Json{{"a", 1}};
    profile["imei"] = false;
    profile["registered"] = "yes";
    profile["secureHardwarePresent"] = Json::object();
    profile["managed"] = 1;
    profile["diskEncryptionType"] = Json::array();
}

}  // namespace

bool is_poison_variant(const std::string& variant) {
    for (const char* v : kVariants) {
        if (variant == v) return true;
    }
    return false;
}

std::string poison_page(const std::string& page, const std::string& variant, uint64_t device) {
    // A page another fault already made unparsable is left as it is (one poison per page).
    Json devices = Json::parse(page, nullptr, /*allow_exceptions=*/false);
    if (!devices.is_array() || devices.empty()) return page;
    Json& target = devices[std::min<size_t>(device, devices.size() - 1)];
    if (variant == "wrong_types") {
        wrong_types(target);
        if (target.contains("_embedded")) target["_embedded"]["users"] = "everyone";
        return devices.dump();
    }
    if (variant == "name_not_string") {
        target["profile"]["displayName"] = Json{{"text", target["profile"]["displayName"]}};
        return devices.dump();
    }
    if (variant == "id_not_string") {
        target["id"] = 12345;
        return devices.dump();
    }
    const std::string name = poisoned_name(target["profile"]["displayName"], variant);
    target["profile"]["displayName"] = "okta-sim-poison-placeholder";
    std::string text = devices.dump();
    const size_t at = text.find(kPlaceholder);
    if (at != std::string::npos) text.replace(at, sizeof kPlaceholder - 1, name);
    return text;
}

}  // namespace oktasim
