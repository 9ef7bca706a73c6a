// Internal to config/json_schema.cpp: walking a JSON Schema document alongside the instance it
// validates, to find the schema node behind a valijson error (for messages) or a value (for
// "x-secret"). Not a general JSON Schema implementation: valijson validates.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace asset_host::schema_detail {

using json = nlohmann::json;

// Navigates a schema document alongside an instance: properties, patternProperties,
// additionalProperties, items and local "$ref"s. Composition keywords (allOf, anyOf, ...) are
// not followed; messages then fall back to valijson's wording.
class SchemaNav {
public:
    explicit SchemaNav(const json& root) : root_(root) {}

    // The node behind local "$ref"s; nullptr for a remote or broken reference or a non-object.
    const json* deref(const json* s) const;
    const json* root() const { return deref(&root_); }
    // The schema of `key` in object schema `s`: properties, patternProperties, then
    // additionalProperties.
    const json* property(const json* s, const std::string& key) const;
    // Is `key` declared (by name or pattern) in object schema `s`?
    bool declares(const json* s, const std::string& key) const;
    // The names under "properties" of `s`.
    std::vector<std::string> property_names(const json* s) const;
    // The schema of item `index` of array schema `s`: items (one schema, or one per position),
    // then additionalItems.
    const json* item(const json* s, std::size_t index) const;

private:
    const json& root_;
};

// Where a valijson error points: the instance node, its schema, and the display path.
struct Located {
    const json* instance = nullptr;
    const json* schema = nullptr;
    std::string path;
};

// Follows a valijson error context ("<root>", "[config]", "[0]", ...) through `doc` and the
// schema; the path is prefixed with `prefix` ("config.page_size").
Located locate(const std::vector<std::string>& context, const json& doc, const SchemaNav& nav,
               const std::string& prefix);

}  // namespace asset_host::schema_detail
