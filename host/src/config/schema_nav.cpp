#include "config/schema_nav.h"

#include "config/references.h"

#include <algorithm>
#include <cctype>
#include <regex>

namespace asset_host::schema_detail {

const json* SchemaNav::deref(const json* s) const {
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

const json* SchemaNav::property(const json* s, const std::string& key) const {
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

bool SchemaNav::declares(const json* s, const std::string& key) const {
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

std::vector<std::string> SchemaNav::property_names(const json* s) const {
    std::vector<std::string> names;
    s = deref(s);
    if (!s) return names;
    if (const auto props = s->find("properties"); props != s->end() && props->is_object()) {
        for (auto it = props->begin(); it != props->end(); ++it) names.push_back(it.key());
    }
    return names;
}

const json* SchemaNav::item(const json* s, std::size_t index) const {
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

}  // namespace asset_host::schema_detail
