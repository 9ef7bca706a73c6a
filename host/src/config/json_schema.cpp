#include "config/json_schema.h"

#include "config/references.h"
#include "config/schema_issues.h"
#include "config/schema_messages.h"
#include "config/schema_nav.h"

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <algorithm>
#include <cctype>

namespace asset_host {
namespace {

using nlohmann::json;
using schema_detail::Kind;
using schema_detail::locate;
using schema_detail::Located;
using schema_detail::SchemaNav;
using schema_detail::translate_error;
using schema_detail::Translated;

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                              std::tolower(static_cast<unsigned char>(b[j - 1]));
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string squashed(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c != '_' && c != '-')
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

void collect_secrets(const SchemaNav& nav, const json* schema, const json& value,
                     const std::string& path, std::vector<SecretValue>& out) {
    schema = nav.deref(schema);
    if (!schema) return;
    const auto flag = schema->find("x-secret");
    if (flag != schema->end() && flag->is_boolean() && flag->get<bool>()) {
        if (value.is_string()) out.push_back({path, value.get<std::string>()});
        return;
    }
    if (value.is_object()) {
        for (auto it = value.begin(); it != value.end(); ++it) {
            collect_secrets(nav, nav.property(schema, it.key()), it.value(),
                            join_key_path(path, it.key()), out);
        }
    } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i) {
            collect_secrets(nav, nav.item(schema, i), value[i], join_index_path(path, i), out);
        }
    }
}

}  // namespace

std::string closest_key(const std::string& key, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_distance = std::string::npos;
    const std::size_t limit = std::max<std::size_t>(1, key.size() / 3);
    for (const std::string& c : candidates) {
        if (c == key) continue;
        std::size_t d = squashed(c) == squashed(key) ? 0 : edit_distance(key, c);
        if (d <= limit && d < best_distance) {
            best = c;
            best_distance = d;
        }
    }
    return best;
}

JsonSchema::~JsonSchema() = default;

asset_sdk::Result<std::shared_ptr<const JsonSchema>> JsonSchema::compile(std::string_view text) {
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::exception& e) {
        std::string what = e.what();
        // "[json.exception.parse_error.101] parse error at ...": keep the human part.
        const auto bracket = what.find("] ");
        if (bracket != std::string::npos) what = what.substr(bracket + 2);
        return asset_sdk::invalid_argument("config schema is not valid JSON: " + what);
    }
    return compile_document(std::move(doc));
}

asset_sdk::Result<std::shared_ptr<const JsonSchema>> JsonSchema::compile_document(
    nlohmann::json schema) {
    if (!schema.is_object()) {
        return asset_sdk::invalid_argument("config schema must be a JSON object");
    }
    std::shared_ptr<JsonSchema> out(new JsonSchema());
    out->doc_ = std::move(schema);
    out->compiled_ = std::make_unique<valijson::Schema>();
    try {
        valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
        valijson::adapters::NlohmannJsonAdapter adapter(out->doc_);
        parser.populateSchema(adapter, *out->compiled_);
    } catch (const std::exception& e) {
        return asset_sdk::invalid_argument(
            std::string("config schema is not a usable JSON Schema: ") + e.what());
    }
    return std::shared_ptr<const JsonSchema>(std::move(out));
}

std::vector<SchemaIssue> JsonSchema::validate(const nlohmann::json& doc,
                                              const std::string& prefix) const {
    valijson::Validator validator(valijson::Validator::kStrongTypes);
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter target(doc);
    bool ok = false;
    try {
        ok = validator.validate(*compiled_, target, &results);
    } catch (const std::exception& e) {
        return {{prefix, std::string("cannot be validated: ") + e.what()}};
    }
    if (ok) return {};

    const SchemaNav nav(doc_);
    CollectedIssues c;
    for (const auto& error : results) {
        const Located at = locate(error.context, doc, nav, prefix);
        Translated t = translate_error(nav, at, error.description);
        const std::string custom = composite_override(at.schema);
        if (t.kind == Kind::kComposite && !custom.empty() && from_branches(error.description)) {
            c.overridden.emplace(at.path, branch_required_keys(at.schema));
            for (auto& issue : t.issues) issue.message = custom;
        }
        for (auto& issue : t.issues) {
            if (t.kind == Kind::kType) c.type_error_paths.insert(issue.path);
            c.ordered.emplace_back(t.kind, std::move(issue));
        }
    }
    return select_issues(std::move(c));
}

std::vector<SecretValue> JsonSchema::secrets(const nlohmann::json& doc,
                                             const std::string& prefix) const {
    const SchemaNav nav(doc_);
    std::vector<SecretValue> out;
    collect_secrets(nav, nav.root(), doc, prefix, out);
    return out;
}

}  // namespace asset_host
