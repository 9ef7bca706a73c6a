// In-memory model of the simulated org's devices. Each device keeps its JSON document (the
// object /api/v1/devices returns without expand) plus its user links, and the serialized forms
// are cached so pages are assembled by concatenation, not re-serialized per request.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace oktasim {

using Json = nlohmann::ordered_json;  // keeps Okta's key order on the wire

enum class ExpandMode { kNone, kUser, kUserSummary };

// One entry of _embedded.users[] (Okta's DeviceUser), pointing into the user pool.
struct DeviceUserLink {
    std::string created;            // ISO-8601
    std::string management_status;  // MANAGED | NOT_MANAGED
    std::string screen_lock_type;   // NONE | PASSCODE | BIOMETRIC
    size_t user_index = 0;
};

struct UserRecord {
    std::string full_json;     // Okta User object (expand=user)
    std::string summary_json;  // {id, realmId, profile{firstName,lastName,login,email}, _links}
};

struct Device {
    std::string sort_key;  // the id for valid devices; a hidden id for devices served without one
    uint64_t index = 0;    // generation index: the variant rules in README.md are functions of it
    bool valid = true;     // false for the --invalid-devices extras
    int64_t last_updated_ms = 0;
    Json doc;  // the Device object without _embedded
    std::vector<DeviceUserLink> users;

    // Caches, rebuilt by DeviceFactory::serialize() after every change.
    std::string json_plain;
    std::string users_full_json;     // JSON array of DeviceUser with full users
    std::string users_summary_json;  // JSON array of DeviceUser with user summaries

    // Appends this device as served with the given expand mode.
    void append_json(ExpandMode mode, std::string& out) const;
};

}  // namespace oktasim
