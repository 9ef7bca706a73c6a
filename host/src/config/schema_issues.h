// How JsonSchema::validate chooses, among the translated valijson results, the issues a person
// sees: leaves rather than their composites, the root cause rather than its consequences, and
// a schema's own "x-composite-message" instead of the branch noise of a oneOf / anyOf / allOf /
// not / if-then-else. Private to the config library (json_schema.cpp is the only user).
#pragma once

#include "config/json_schema.h"
#include "config/schema_messages.h"

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace asset_host {

using IssueKind = schema_detail::Kind;

// Translated results in valijson's order, and what select_issues needs to choose among them.
struct CollectedIssues {
    std::vector<std::pair<IssueKind, SchemaIssue>> ordered;
    std::set<std::string> type_error_paths;
    // Object paths whose failed composites carry their own message, with the keys it covers.
    std::map<std::string, std::set<std::string>> overridden;

    // A "required key missing" that an overriding composite message already speaks about.
    bool covered(const SchemaIssue& issue) const;
};

// Leaf issues, grouped by key; a composite only when no leaf under it explains it (or when it
// has its own message); a wrong type alone for its key. Duplicates dropped.
std::vector<SchemaIssue> select_issues(CollectedIssues c);

// Whether valijson's description is the failure of oneOf / anyOf / allOf / not / if-then-else
// (not of a property's own schema).
bool from_branches(const std::string& description);

// The keys that the composite constraints of object schema `s` require in one of their
// branches: what an "x-composite-message" already speaks about.
std::set<std::string> branch_required_keys(const nlohmann::json* s);

// The "x-composite-message" of a schema node, or "".
std::string composite_override(const nlohmann::json* s);

}  // namespace asset_host
