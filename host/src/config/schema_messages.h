// Internal to config/json_schema.cpp: one valijson error description turned into messages a
// person can act on ("must be ≤ 200", "unknown key (did you mean page_size?)"). Messages never
// contain the value that was checked (it may be a secret), only what the schema allows.
#pragma once

#include "config/json_schema.h"
#include "config/schema_nav.h"

#include <string>
#include <vector>

namespace asset_host::schema_detail {

// kType: the value has the wrong type (the root cause: other errors at its path are dropped).
// kComposite: anyOf/oneOf/not/...; dropped when a leaf error under it explains it.
enum class Kind { kLeaf, kType, kComposite };

struct Translated {
    Kind kind = Kind::kLeaf;
    std::vector<SchemaIssue> issues;
};

Translated translate_error(const SchemaNav& nav, const Located& at, const std::string& desc);

}  // namespace asset_host::schema_detail
