#include "config/schema_issues.h"

#include "config/references.h"

#include <algorithm>

namespace asset_host {

namespace {

using nlohmann::json;

bool is_under(const std::string& path, const std::string& parent) {
    if (parent.empty()) return true;
    if (path == parent) return true;
    return path.size() > parent.size() && path.compare(0, parent.size(), parent) == 0 &&
           (path[parent.size()] == '.' || path[parent.size()] == '[');
}

}  // namespace

std::set<std::string> branch_required_keys(const json* s) {
    std::set<std::string> keys;
    if (!s) return keys;
    auto add_required = [&](const json& branch) {
        const auto req = branch.find("required");
        if (!branch.is_object() || req == branch.end() || !req->is_array()) return;
        for (const auto& k : *req) {
            if (k.is_string()) keys.insert(k.get<std::string>());
        }
    };
    for (const char* word : {"oneOf", "anyOf", "allOf"}) {
        const auto list = s->find(word);
        if (list == s->end() || !list->is_array()) continue;
        for (const auto& branch : *list) add_required(branch);
    }
    for (const char* word : {"not", "if", "then", "else"}) {
        const auto branch = s->find(word);
        if (branch != s->end()) add_required(*branch);
    }
    return keys;
}

bool from_branches(const std::string& desc) {
    for (const char* word : {"child schema", "oneOf", "anyOf", "allOf", "exactly one", "'not'",
                             "conditional", "Target should not"}) {
        if (desc.find(word) != std::string::npos) return true;
    }
    return false;
}

std::string composite_override(const json* s) {
    if (!s) return {};
    const auto it = s->find("x-composite-message");
    return it != s->end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool CollectedIssues::covered(const SchemaIssue& issue) const {
    if (issue.message != "required key missing") return false;
    for (const auto& [path, keys] : overridden) {
        for (const std::string& key : keys) {
            if (issue.path == join_key_path(path, key)) return true;
        }
    }
    return false;
}

std::vector<SchemaIssue> select_issues(CollectedIssues c) {
    std::vector<SchemaIssue> leaves;
    for (const auto& [kind, issue] : c.ordered) {
        if (kind != IssueKind::kComposite) leaves.push_back(issue);
    }
    // Grouped by key, in key order, so a long list reads like the manifest's structure.
    std::stable_sort(c.ordered.begin(), c.ordered.end(),
                     [](const auto& a, const auto& b) { return a.second.path < b.second.path; });
    std::vector<SchemaIssue> out;
    std::set<std::string> seen;
    auto add = [&](const SchemaIssue& issue) {
        if (seen.insert(issue.str()).second) out.push_back(issue);
    };
    for (const auto& [kind, issue] : c.ordered) {
        if (kind == IssueKind::kLeaf && c.type_error_paths.count(issue.path))
            continue;  // root cause
        if (kind == IssueKind::kLeaf && c.covered(issue))
            continue;  // the composite's message says it
        if (kind == IssueKind::kComposite && !c.overridden.count(issue.path)) {
            // A named copy of the path: clang 14 cannot capture a structured binding.
            const std::string& composite = issue.path;
            const bool explained = std::any_of(leaves.begin(), leaves.end(), [&](const auto& l) {
                return is_under(l.path, composite);
            });
            if (explained) continue;
        }
        add(issue);
    }
    return out;
}

}  // namespace asset_host
