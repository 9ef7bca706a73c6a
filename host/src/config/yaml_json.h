// YAML documents as JSON values, typed by the YAML 1.2 core schema:
//   plain null, Null, NULL, ~ and empty     -> null
//   plain true/false (any case)             -> boolean
//   plain 12, -3, 0x1F, 0o17                -> integer
//   plain 1.5, -2e3, .5                     -> number
//   any other plain scalar                  -> string
//   quoted or block scalars, and !!str      -> always string
// Duplicate keys in a mapping are an error (yaml-cpp 0.7 silently accepts them), and so are
// non-scalar keys, several documents in one file, and .inf/.nan (no JSON equivalent).
// Errors name the origin and position: "manifests/a.yaml:3:5: duplicate key \"name\"".
#pragma once

#include <asset_sdk/status.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <string_view>

namespace asset_host {

// Parses one YAML document (an empty text gives null). `origin` prefixes messages.
asset_sdk::Result<nlohmann::json> yaml_to_json(std::string_view text, const std::string& origin);

// Reads and parses a file; messages are prefixed with display_path(file).
asset_sdk::Result<nlohmann::json> load_yaml_file(const std::filesystem::path& file);

}  // namespace asset_host
