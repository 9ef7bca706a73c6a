#include "config/host_schemas.h"

#include <cstdlib>

namespace asset_host {
namespace {

// Connector names become file names in the state directory: keep them plain.
constexpr const char* kManifestSchema = R"json({
  "type": "object",
  "additionalProperties": false,
  "required": ["name", "plugin"],
  "properties": {
    "name": {
      "type": "string",
      "pattern": "^[a-z0-9][a-z0-9_-]{0,63}$",
      "x-pattern-message": "must be 1 to 64 lower-case letters, digits, '-' or '_', starting with a letter or digit"
    },
    "plugin": {
      "type": "string",
      "pattern": "^[a-z0-9_]+$",
      "x-pattern-message": "must be a plugin id: lower-case letters, digits and '_' (see asset-host plugins)"
    },
    "enabled": {"type": "boolean"},
    "log_level": {"enum": ["trace", "debug", "info", "warn", "error"]},
    "schedule": {
      "type": "object",
      "additionalProperties": false,
      "properties": {"every": {"type": ["string", "integer"]}}
    },
    "config": {"type": "object"},
    "isolation": {"enum": ["process", "thread"]},
    "limits": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "memory": {"type": ["string", "integer"]},
        "cycle_timeout": {"type": ["string", "integer"]}
      }
    },
    "destination": {
      "type": "object",
      "required": ["type"],
      "properties": {"type": {"enum": ["sekoia", "file", "stdout"]}}
    }
  }
})json";

constexpr const char* kSekoiaSchema = R"json({
  "type": "object",
  "additionalProperties": false,
  "required": ["type", "api_key", "connector_uuid"],
  "properties": {
    "type": {"const": "sekoia"},
    "base_url": {"type": "string", "minLength": 1},
    "api_key": {"type": "string", "minLength": 1, "x-secret": true},
    "connector_uuid": {
      "type": "string",
      "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
      "x-pattern-message": "must be a UUID (8-4-4-4-12 hexadecimal digits, e.g. 00000000-0000-0000-0000-000000000000)"
    },
    "allow_insecure_http": {"type": "boolean"},
    "batch_size": {"type": "integer", "minimum": 1, "maximum": 1000},
    "max_in_flight": {"type": "integer", "minimum": 1, "maximum": 64},
    "max_record_bytes": {"type": "integer", "minimum": 1024, "maximum": 67108864},
    "request_timeout": {"type": ["string", "integer"]},
    "retry_budget": {"type": ["string", "integer"]},
    "ca_file": {"type": "string", "minLength": 1},
    "proxy": {"type": "string"}
  }
})json";

constexpr const char* kFileSchema = R"json({
  "type": "object",
  "additionalProperties": false,
  "required": ["type", "path"],
  "properties": {
    "type": {"const": "file"},
    "path": {"type": "string", "minLength": 1}
  }
})json";

constexpr const char* kStdoutSchema = R"json({
  "type": "object",
  "additionalProperties": false,
  "required": ["type"],
  "properties": {
    "type": {"const": "stdout"}
  }
})json";

std::shared_ptr<const JsonSchema> compiled(const char* text) {
    auto schema = JsonSchema::compile(text);
    if (!schema) std::abort();  // a bug in the constants above, caught by any test
    return std::move(schema).value();
}

}  // namespace

const JsonSchema& manifest_schema() {
    static const std::shared_ptr<const JsonSchema> schema = compiled(kManifestSchema);
    return *schema;
}

const JsonSchema* destination_schema(std::string_view type) {
    static const std::shared_ptr<const JsonSchema> sekoia = compiled(kSekoiaSchema);
    static const std::shared_ptr<const JsonSchema> file = compiled(kFileSchema);
    static const std::shared_ptr<const JsonSchema> stdout_schema = compiled(kStdoutSchema);
    if (type == "sekoia") return sekoia.get();
    if (type == "file") return file.get();
    if (type == "stdout") return stdout_schema.get();
    return nullptr;
}

}  // namespace asset_host
