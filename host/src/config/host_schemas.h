// The JSON Schemas the host itself owns: the manifest's top level and each destination type.
// They go through the same validator as plugin config schemas so every message reads the same.
#pragma once

#include "config/json_schema.h"

#include <memory>
#include <string_view>

namespace asset_host {

// name, plugin, enabled, schedule, config, destination (destination.type only: the rest is
// checked by the schema of that type).
const JsonSchema& manifest_schema();
// The schema for destination.type = "sekoia" | "file" | "stdout"; nullptr for another type.
const JsonSchema* destination_schema(std::string_view type);

}  // namespace asset_host
