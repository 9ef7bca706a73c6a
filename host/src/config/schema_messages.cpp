#include "config/schema_messages.h"

#include "config/references.h"

#include <cctype>
#include <optional>

namespace asset_host::schema_detail {

namespace {

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

void unknown_keys(const SchemaNav& nav, const Located& at, const std::string& desc, Translated& t) {
    // valijson names only the first unexpected key; report every one of them.
    std::vector<std::string> unknown;
    if (at.instance && at.instance->is_object() && at.schema) {
        for (auto it = at.instance->begin(); it != at.instance->end(); ++it) {
            if (!nav.declares(at.schema, it.key())) unknown.push_back(it.key());
        }
    }
    if (unknown.empty()) unknown.push_back(quoted_name(desc));
    const std::vector<std::string> known = nav.property_names(at.schema);
    for (const std::string& key : unknown) {
        std::string message = "unknown key";
        const std::string guess = closest_key(key, known);
        if (!guess.empty()) message += " (did you mean " + guess + "?)";
        t.issues.push_back({join_key_path(at.path, key), message});
    }
}

std::string type_message(const Located& at) {
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

std::string enum_message(const json* s) {
    if (!s || !s->contains("enum") || !(*s)["enum"].is_array()) {
        return "must be one of the allowed values";
    }
    std::vector<std::string> values;
    for (const auto& v : (*s)["enum"]) values.push_back(dump(v));
    return "must be one of " + join_alternatives(values, ", ");
}

std::string pattern_message(const json* s) {
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

std::string composite_message(const std::string& desc) {
    if (desc.find("anyOf") != std::string::npos) return "does not match any of the allowed forms";
    if (desc.find("exactly one") != std::string::npos) {
        return "must match exactly one of the allowed forms";
    }
    if (desc.find("conditional") != std::string::npos) {
        return "does not satisfy the schema's conditions";
    }
    if (desc.find("'contains'") != std::string::npos) {
        return "must contain at least one matching item";
    }
    if (desc.find("'not'") != std::string::npos || desc.starts_with("Target should not")) {
        return "matches a form that is not allowed";
    }
    std::string lowered = desc;
    if (!lowered.empty()) lowered[0] = static_cast<char>(std::tolower(lowered[0]));
    if (!lowered.empty() && lowered.back() == '.') lowered.pop_back();
    return lowered;
}

// A failed bound: valijson's description starts with `prefix`; the bound is the schema's `key`
// (or `alt_key` when `key` holds no number, as with draft-04's boolean exclusiveMaximum).
struct BoundRule {
    std::string_view prefix;
    const char* key;
    const char* alt_key;
    const char* before;
    const char* after;
};

// In order: "... or equal to" comes before the strict comparison it starts like.
constexpr BoundRule kBoundRules[] = {
    {"Expected number less than or equal to", "maximum", nullptr, "must be ≤ ", ""},
    {"Expected number less than", "exclusiveMaximum", "maximum", "must be < ", ""},
    {"Expected number greater than or equal to", "minimum", nullptr, "must be ≥ ", ""},
    {"Expected number greater than", "exclusiveMinimum", "minimum", "must be > ", ""},
    {"String should be no more than", "maxLength", nullptr, "must be at most ", " characters long"},
    {"String should be no fewer than", "minLength", nullptr, "must be at least ",
     " characters long"},
    {"Array should contain no more than", "maxItems", nullptr, "must have at most ", " items"},
    {"Array should contain no fewer than", "minItems", nullptr, "must have at least ", " items"},
    {"Object should have no more than", "maxProperties", nullptr, "must have at most ", " keys"},
    {"Object should have no fewer than", "minProperties", nullptr, "must have at least ", " keys"},
    {"Value should be a multiple of", "multipleOf", nullptr, "must be a multiple of ", ""},
};

// The message of a failed bound (numbers, lengths, item and key counts, multiples).
std::optional<std::string> bound_message(const json* s, const std::string& desc) {
    for (const BoundRule& rule : kBoundRules) {
        if (!desc.starts_with(rule.prefix)) continue;
        const bool has_key = s && s->contains(rule.key) && (*s)[rule.key].is_number();
        const std::string n = bound(s, rule.alt_key && !has_key ? rule.alt_key : rule.key, desc);
        if (std::string_view(rule.key) == "minLength" && n == "1") return "must not be empty";
        return rule.before + n + rule.after;
    }
    return std::nullopt;
}

}  // namespace

Translated translate_error(const SchemaNav& nav, const Located& at, const std::string& desc) {
    Translated t;
    const json* s = at.schema;
    auto leaf = [&](std::string path, std::string message) {
        t.issues.push_back({std::move(path), std::move(message)});
    };
    if (desc.starts_with("Missing required property")) {
        leaf(join_key_path(at.path, quoted_name(desc)), "required key missing");
    } else if (desc.starts_with("Missing dependency")) {
        leaf(join_key_path(at.path, quoted_name(desc)), "required key missing");
    } else if (desc.starts_with("Object contains a property that could not be validated")) {
        unknown_keys(nav, at, desc, t);
    } else if (desc.starts_with("Value type not permitted")) {
        t.kind = Kind::kType;
        leaf(at.path, type_message(at));
    } else if (desc.starts_with("Failed to match against any enum values")) {
        leaf(at.path, enum_message(s));
    } else if (auto bounded = bound_message(s, desc)) {
        leaf(at.path, std::move(*bounded));
    } else if (desc.starts_with("Failed to match regex specified by 'pattern'")) {
        leaf(at.path, pattern_message(s));
    } else if (desc.starts_with("String should be a valid ")) {
        leaf(at.path,
             "must be a valid " + desc.substr(std::string("String should be a valid ").size()));
    } else if (desc.starts_with("Failed to match expected value set by 'const'")) {
        leaf(at.path, s && s->contains("const") ? "must be " + dump((*s)["const"])
                                                : "must be the one allowed value");
    } else if (desc.starts_with("Elements at indexes")) {
        leaf(at.path, "must not contain duplicate items");
    } else if (desc.starts_with("Failed to") || desc.starts_with("Cannot validate") ||
               desc.starts_with("Target should not validate")) {
        t.kind = Kind::kComposite;
        leaf(at.path, composite_message(desc));
    } else {
        leaf(at.path, desc);  // an unusual constraint: valijson's own words
    }
    return t;
}

}  // namespace asset_host::schema_detail
