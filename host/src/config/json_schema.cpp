#include "config/json_schema.h"

#include "config/references.h"

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <set>

namespace asset_host {
namespace {

using nlohmann::json;

bool starts_with(const std::string& s, std::string_view prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

// Navigates a schema document alongside an instance: properties, patternProperties,
// additionalProperties, items and local "$ref"s. Composition keywords (allOf, anyOf, ...) are
// not followed; messages then fall back to valijson's wording.
class SchemaNav {
public:
    explicit SchemaNav(const json& root) : root_(root) {}

    const json* deref(const json* s) const {
        for (int hops = 0; s && s->is_object() && hops < 16; ++hops) {
            const auto ref = s->find("$ref");
            if (ref == s->end() || !ref->is_string()) return s;
            const std::string& r = ref->get_ref<const std::string&>();
            if (r.empty() || r[0] != '#') return nullptr;
            try {
                const json::json_pointer ptr(r.substr(1));
                s = root_.contains(ptr) ? &root_.at(ptr) : nullptr;
            } catch (const std::exception&) {
                return nullptr;
            }
        }
        return (s && s->is_object()) ? s : nullptr;
    }

    const json* root() const { return deref(&root_); }

    const json* property(const json* s, const std::string& key) const {
        s = deref(s);
        if (!s) return nullptr;
        if (const auto props = s->find("properties"); props != s->end() && props->is_object()) {
            if (const auto p = props->find(key); p != props->end()) return deref(&*p);
        }
        if (const auto pats = s->find("patternProperties"); pats != s->end() && pats->is_object()) {
            for (auto it = pats->begin(); it != pats->end(); ++it) {
                try {
                    if (std::regex_search(key, std::regex(it.key()))) return deref(&it.value());
                } catch (const std::regex_error&) {
                }
            }
        }
        if (const auto add = s->find("additionalProperties"); add != s->end() && add->is_object()) {
            return deref(&*add);
        }
        return nullptr;
    }

    // Is `key` declared (by name or pattern) in object schema `s`?
    bool declares(const json* s, const std::string& key) const {
        s = deref(s);
        if (!s) return false;
        if (const auto props = s->find("properties"); props != s->end() && props->is_object()) {
            if (props->contains(key)) return true;
        }
        if (const auto pats = s->find("patternProperties"); pats != s->end() && pats->is_object()) {
            for (auto it = pats->begin(); it != pats->end(); ++it) {
                try {
                    if (std::regex_search(key, std::regex(it.key()))) return true;
                } catch (const std::regex_error&) {
                }
            }
        }
        return false;
    }

    std::vector<std::string> property_names(const json* s) const {
        std::vector<std::string> names;
        s = deref(s);
        if (!s) return names;
        if (const auto props = s->find("properties"); props != s->end() && props->is_object()) {
            for (auto it = props->begin(); it != props->end(); ++it) names.push_back(it.key());
        }
        return names;
    }

    const json* item(const json* s, std::size_t index) const {
        s = deref(s);
        if (!s) return nullptr;
        const auto items = s->find("items");
        if (items == s->end()) return nullptr;
        if (items->is_object()) return deref(&*items);
        if (items->is_array()) {
            if (index < items->size()) return deref(&(*items)[index]);
            const auto extra = s->find("additionalItems");
            if (extra != s->end() && extra->is_object()) return deref(&*extra);
        }
        return nullptr;
    }

private:
    const json& root_;
};

// Where a valijson error points: the instance node, its schema, and the display path.
struct Located {
    const json* instance = nullptr;
    const json* schema = nullptr;
    std::string path;
};

Located locate(const std::vector<std::string>& context, const json& doc, const SchemaNav& nav,
               const std::string& prefix) {
    Located at{&doc, nav.root(), prefix};
    for (std::size_t i = 0; i < context.size(); ++i) {
        std::string token = context[i];
        if (i == 0 && token == "<root>") continue;
        if (token.size() >= 2 && token.front() == '[' && token.back() == ']') {
            token = token.substr(1, token.size() - 2);
        }
        const bool numeric = !token.empty() && std::all_of(token.begin(), token.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c));
        });
        if (at.instance && at.instance->is_array() && numeric) {
            const std::size_t index = std::stoul(token);
            at.schema = nav.item(at.schema, index);
            at.instance = index < at.instance->size() ? &(*at.instance)[index] : nullptr;
            at.path = join_index_path(at.path, index);
        } else {
            const json* next = nullptr;
            if (at.instance && at.instance->is_object()) {
                const auto it = at.instance->find(token);
                if (it != at.instance->end()) next = &*it;
            }
            at.schema = nav.property(at.schema, token);
            at.instance = next;
            at.path = join_key_path(at.path, token);
        }
    }
    return at;
}

std::string json_type_name(const json& v) {
    switch (v.type()) {
        case json::value_t::null:
            return "null";
        case json::value_t::boolean:
            return "boolean";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
            return "integer";
        case json::value_t::number_float:
            return "number";
        case json::value_t::string:
            return "string";
        case json::value_t::array:
            return "array";
        case json::value_t::object:
            return "object";
        default:
            return "unknown";
    }
}

std::string with_article(const std::string& type) {
    if (type == "null") return "null";
    if (type == "integer" || type == "object" || type == "array") return "an " + type;
    return "a " + type;
}

std::string join_alternatives(const std::vector<std::string>& items, const std::string& last_sep) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += (i + 1 == items.size()) ? last_sep : ", ";
        out += items[i];
    }
    return out;
}

std::string dump(const json& v) {
    return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

// valijson prints bounds with std::to_string ("200.000000"); used only when the schema node
// cannot be found.
std::string tidy_number(std::string s) {
    if (s.find('.') != std::string::npos) {
        while (!s.empty() && s.back() == '0') s.pop_back();
        if (!s.empty() && s.back() == '.') s.pop_back();
    }
    return s;
}

std::string trailing_number(const std::string& desc) {
    std::size_t end = desc.size();
    while (end > 0 && (desc[end - 1] == '.' || desc[end - 1] == ' ')) --end;
    std::size_t start = end;
    while (start > 0 && (std::isdigit(static_cast<unsigned char>(desc[start - 1])) ||
                         desc[start - 1] == '.' || desc[start - 1] == '-')) {
        --start;
    }
    return tidy_number(desc.substr(start, end - start));
}

// The number stored under `key` in the schema node, or the one at the end of valijson's text.
std::string bound(const json* schema, const char* key, const std::string& desc) {
    if (schema) {
        const auto it = schema->find(key);
        if (it != schema->end() && it->is_number()) return dump(*it);
    }
    return trailing_number(desc);
}

std::string quoted_name(const std::string& desc) {
    const auto last = desc.rfind('\'');
    if (last == std::string::npos || last == 0) return {};
    const auto first = desc.rfind('\'', last - 1);
    if (first == std::string::npos) return {};
    return desc.substr(first + 1, last - first - 1);
}

enum class Kind { kLeaf, kType, kComposite };

struct Translated {
    Kind kind = Kind::kLeaf;
    std::vector<SchemaIssue> issues;
};

class Translator {
public:
    Translator(const SchemaNav& nav) : nav_(nav) {}

    Translated translate(const Located& at, const std::string& desc) const {
        Translated t;
        const json* s = at.schema;
        auto leaf = [&](std::string path, std::string message) {
            t.issues.push_back({std::move(path), std::move(message)});
        };
        if (starts_with(desc, "Missing required property")) {
            leaf(join_key_path(at.path, quoted_name(desc)), "required key missing");
        } else if (starts_with(desc, "Missing dependency")) {
            leaf(join_key_path(at.path, quoted_name(desc)), "required key missing");
        } else if (starts_with(desc, "Object contains a property that could not be validated")) {
            unknown_keys(at, desc, t);
        } else if (starts_with(desc, "Value type not permitted")) {
            t.kind = Kind::kType;
            leaf(at.path, type_message(at));
        } else if (starts_with(desc, "Failed to match against any enum values")) {
            leaf(at.path, enum_message(s));
        } else if (starts_with(desc, "Expected number less than or equal to")) {
            leaf(at.path, "must be ≤ " + bound(s, "maximum", desc));
        } else if (starts_with(desc, "Expected number less than")) {
            const bool num =
                s && s->contains("exclusiveMaximum") && (*s)["exclusiveMaximum"].is_number();
            leaf(at.path, "must be < " + bound(s, num ? "exclusiveMaximum" : "maximum", desc));
        } else if (starts_with(desc, "Expected number greater than or equal to")) {
            leaf(at.path, "must be ≥ " + bound(s, "minimum", desc));
        } else if (starts_with(desc, "Expected number greater than")) {
            const bool num =
                s && s->contains("exclusiveMinimum") && (*s)["exclusiveMinimum"].is_number();
            leaf(at.path, "must be > " + bound(s, num ? "exclusiveMinimum" : "minimum", desc));
        } else if (starts_with(desc, "String should be no more than")) {
            leaf(at.path, "must be at most " + bound(s, "maxLength", desc) + " characters long");
        } else if (starts_with(desc, "String should be no fewer than")) {
            const std::string n = bound(s, "minLength", desc);
            leaf(at.path,
                 n == "1" ? "must not be empty" : "must be at least " + n + " characters long");
        } else if (starts_with(desc, "Array should contain no more than")) {
            leaf(at.path, "must have at most " + bound(s, "maxItems", desc) + " items");
        } else if (starts_with(desc, "Array should contain no fewer than")) {
            leaf(at.path, "must have at least " + bound(s, "minItems", desc) + " items");
        } else if (starts_with(desc, "Object should have no more than")) {
            leaf(at.path, "must have at most " + bound(s, "maxProperties", desc) + " keys");
        } else if (starts_with(desc, "Object should have no fewer than")) {
            leaf(at.path, "must have at least " + bound(s, "minProperties", desc) + " keys");
        } else if (starts_with(desc, "Failed to match regex specified by 'pattern'")) {
            leaf(at.path, pattern_message(s));
        } else if (starts_with(desc, "String should be a valid ")) {
            leaf(at.path,
                 "must be a valid " + desc.substr(std::string("String should be a valid ").size()));
        } else if (starts_with(desc, "Value should be a multiple of")) {
            leaf(at.path, "must be a multiple of " + bound(s, "multipleOf", desc));
        } else if (starts_with(desc, "Failed to match expected value set by 'const'")) {
            leaf(at.path, s && s->contains("const") ? "must be " + dump((*s)["const"])
                                                    : "must be the one allowed value");
        } else if (starts_with(desc, "Elements at indexes")) {
            leaf(at.path, "must not contain duplicate items");
        } else if (starts_with(desc, "Failed to") || starts_with(desc, "Cannot validate")) {
            t.kind = Kind::kComposite;
            leaf(at.path, composite_message(desc));
        } else {
            leaf(at.path, desc);  // an unusual constraint: valijson's own words
        }
        return t;
    }

private:
    void unknown_keys(const Located& at, const std::string& desc, Translated& t) const {
        // valijson names only the first unexpected key; report every one of them.
        std::vector<std::string> unknown;
        if (at.instance && at.instance->is_object() && at.schema) {
            for (auto it = at.instance->begin(); it != at.instance->end(); ++it) {
                if (!nav_.declares(at.schema, it.key())) unknown.push_back(it.key());
            }
        }
        if (unknown.empty()) unknown.push_back(quoted_name(desc));
        const std::vector<std::string> known = nav_.property_names(at.schema);
        for (const std::string& key : unknown) {
            std::string message = "unknown key";
            const std::string guess = closest_key(key, known);
            if (!guess.empty()) message += " (did you mean " + guess + "?)";
            t.issues.push_back({join_key_path(at.path, key), message});
        }
    }

    static std::string type_message(const Located& at) {
        std::vector<std::string> expected;
        if (at.schema) {
            const auto it = at.schema->find("type");
            if (it != at.schema->end() && it->is_string()) {
                expected.push_back(with_article(it->get<std::string>()));
            } else if (it != at.schema->end() && it->is_array()) {
                for (const auto& t : *it) {
                    if (t.is_string()) expected.push_back(with_article(t.get<std::string>()));
                }
            }
        }
        const std::string got = at.instance ? json_type_name(*at.instance) : "another type";
        if (expected.empty()) return "has the wrong type (got " + got + ")";
        return "must be " + join_alternatives(expected, " or ") + ", got " + got;
    }

    static std::string enum_message(const json* s) {
        if (!s || !s->contains("enum") || !(*s)["enum"].is_array()) {
            return "must be one of the allowed values";
        }
        std::vector<std::string> values;
        for (const auto& v : (*s)["enum"]) values.push_back(dump(v));
        return "must be one of " + join_alternatives(values, ", ");
    }

    static std::string pattern_message(const json* s) {
        if (s) {
            const auto custom = s->find("x-pattern-message");
            if (custom != s->end() && custom->is_string()) return custom->get<std::string>();
            const auto pattern = s->find("pattern");
            if (pattern != s->end() && pattern->is_string()) {
                return "must match the pattern " + pattern->get<std::string>();
            }
        }
        return "does not have the expected format";
    }

    static std::string composite_message(const std::string& desc) {
        if (desc.find("anyOf") != std::string::npos)
            return "does not match any of the allowed forms";
        if (desc.find("exactly one") != std::string::npos) {
            return "must match exactly one of the allowed forms";
        }
        if (desc.find("conditional") != std::string::npos) {
            return "does not satisfy the schema's conditions";
        }
        if (desc.find("'contains'") != std::string::npos) {
            return "must contain at least one matching item";
        }
        if (desc.find("'not'") != std::string::npos) return "matches a form that is not allowed";
        std::string lowered = desc;
        if (!lowered.empty()) lowered[0] = static_cast<char>(std::tolower(lowered[0]));
        if (!lowered.empty() && lowered.back() == '.') lowered.pop_back();
        return lowered;
    }

    const SchemaNav& nav_;
};

bool is_under(const std::string& path, const std::string& parent) {
    if (parent.empty()) return true;
    if (path == parent) return true;
    return path.size() > parent.size() && path.compare(0, parent.size(), parent) == 0 &&
           (path[parent.size()] == '.' || path[parent.size()] == '[');
}

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
    const Translator translator(nav);
    std::vector<SchemaIssue> leaves;
    std::set<std::string> type_error_paths;
    std::vector<std::pair<Kind, SchemaIssue>> ordered;
    for (const auto& error : results) {
        const Located at = locate(error.context, doc, nav, prefix);
        Translated t = translator.translate(at, error.description);
        for (auto& issue : t.issues) {
            if (t.kind == Kind::kType) type_error_paths.insert(issue.path);
            ordered.emplace_back(t.kind, std::move(issue));
        }
    }
    for (const auto& [kind, issue] : ordered) {
        if (kind != Kind::kComposite) leaves.push_back(issue);
    }

    // Grouped by key, in key order, so a long list reads like the manifest's structure.
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const auto& a, const auto& b) { return a.second.path < b.second.path; });
    std::vector<SchemaIssue> out;
    std::set<std::string> seen;
    auto add = [&](const SchemaIssue& issue) {
        if (seen.insert(issue.str()).second) out.push_back(issue);
    };
    for (const auto& [kind, issue] : ordered) {
        if (kind == Kind::kLeaf && type_error_paths.count(issue.path)) continue;  // root cause wins
        if (kind == Kind::kComposite) {
            const bool explained = std::any_of(leaves.begin(), leaves.end(), [&](const auto& l) {
                return is_under(l.path, issue.path);
            });
            if (explained) continue;
        }
        add(issue);
    }
    return out;
}

std::vector<SecretValue> JsonSchema::secrets(const nlohmann::json& doc,
                                             const std::string& prefix) const {
    const SchemaNav nav(doc_);
    std::vector<SecretValue> out;
    collect_secrets(nav, nav.root(), doc, prefix, out);
    return out;
}

}  // namespace asset_host
