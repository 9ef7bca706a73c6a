// What the fake Sekoia checks in a push body, and what it keeps of each item: Sekoia parses
// items with its SDK's pydantic models (sekoia_automation/asset_connector/models/ocsf/), which
// validate the fields they declare and silently drop every other key. One table of those
// models (item_validation.cpp) is the single source of truth for both questions:
//  - validation: the {"version": 1, "items": [...]} envelope, then each item as a Device
//    Inventory Info event (class_uid 5001): required fields, JSON types, enumerations (OS types
//    lower-case); null is accepted for optional fields only;
//  - what is kept: the item with only the declared fields (nulls left out), and the paths of the
//    keys the models drop ("device.os.version", "device.owner"): tests assert on the kept view.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace sekoiasim {

struct ValidationError {
    std::string code;     // "INVALID_BODY" | "VALIDATION_ERROR"
    std::string message;  // names the item index and field: "items[3].device.uid: field required"
};

// nullopt when the body is acceptable. `dropped`, when given, receives for every item the
// paths of the keys Sekoia's models drop (array elements as "enrichments[]").
std::optional<ValidationError> validate_body(
    const nlohmann::json& body, std::vector<std::vector<std::string>>* dropped = nullptr);
std::optional<ValidationError> validate_item(const nlohmann::json& item, std::size_t index,
                                             std::vector<std::string>* dropped = nullptr);

// The item as Sekoia keeps it: only the fields its models declare, nulls left out. For an item
// that validates (anything else gives what could be read).
nlohmann::json kept_view(const nlohmann::json& item);

}  // namespace sekoiasim
