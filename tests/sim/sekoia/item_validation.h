// What the fake Sekoia checks in a push body, modelled on the pydantic models of Sekoia's
// asset-connector SDK (README.md here lists the rules): the {"version": 1, "items": [...]}
// envelope, then each item as a Device Inventory Info event (class_uid 5001) — the required
// fields, their JSON types and the enumerations (OS types lower-case). Unknown fields are
// ignored, as pydantic does; null is accepted for optional fields only.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace sekoiasim {

struct ValidationError {
    std::string code;     // "INVALID_BODY" | "VALIDATION_ERROR"
    std::string message;  // names the item index and field: "items[3].device.uid: field required"
};

// nullopt when the body is acceptable.
std::optional<ValidationError> validate_body(const nlohmann::json& body);
std::optional<ValidationError> validate_item(const nlohmann::json& item, std::size_t index);

}  // namespace sekoiasim
