#include <asset_sdk/link_header.h>
#include <asset_sdk/text.h>

namespace asset_sdk {

namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t';
}

void skip_space(std::string_view s, std::size_t& pos) {
    while (pos < s.size() && is_space(s[pos])) ++pos;
}

// A parameter value: a quoted-string (with \-escapes) or a token, which ends at ';' or ','.
std::string read_param_value(std::string_view s, std::size_t& pos) {
    std::string out;
    if (pos < s.size() && s[pos] == '"') {
        ++pos;
        while (pos < s.size() && s[pos] != '"') {
            if (s[pos] == '\\' && pos + 1 < s.size()) ++pos;
            out.push_back(s[pos++]);
        }
        if (pos < s.size()) ++pos;  // closing quote
        return out;
    }
    const std::size_t start = pos;
    while (pos < s.size() && s[pos] != ';' && s[pos] != ',') ++pos;
    return std::string(trim(s.substr(start, pos - start)));
}

void add_rels(std::string_view value, std::vector<std::string>& rels) {
    // rel="next last": a space-separated list. Relation types compare case-insensitively
    // (RFC 8288 §2.1.1), so registered ones are stored lower-case.
    std::size_t pos = 0;
    while (pos < value.size()) {
        while (pos < value.size() && (is_space(value[pos]) || value[pos] == '\n')) ++pos;
        const std::size_t start = pos;
        while (pos < value.size() && !is_space(value[pos]) && value[pos] != '\n') ++pos;
        if (pos > start) {
            std::string rel(value.substr(start, pos - start));
            for (char& c : rel) {
                if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            }
            rels.push_back(std::move(rel));
        }
    }
}

}  // namespace

std::vector<Link> parse_link_header(std::string_view s) {
    std::vector<Link> links;
    std::size_t pos = 0;
    while (pos < s.size()) {
        skip_space(s, pos);
        if (pos >= s.size()) break;
        if (s[pos] == ',') {  // empty list element
            ++pos;
            continue;
        }
        if (s[pos] != '<') {
            // Not a link: skip to the next element. A malformed element must not take its
            // valid neighbours down with it.
            while (pos < s.size() && s[pos] != ',') ++pos;
            continue;
        }
        // The target runs to '>': commas and semicolons inside <...> belong to the URL.
        const std::size_t close = s.find('>', pos + 1);
        if (close == std::string_view::npos) break;
        Link link;
        link.url = std::string(trim(s.substr(pos + 1, close - pos - 1)));
        pos = close + 1;

        // Parameters: *( OWS ";" OWS name [ OWS "=" OWS value ] ), up to the next ','.
        bool seen_rel = false;
        for (;;) {
            skip_space(s, pos);
            if (pos >= s.size() || s[pos] == ',') break;
            if (s[pos] != ';') {  // junk: skip to the next parameter or link
                while (pos < s.size() && s[pos] != ';' && s[pos] != ',') ++pos;
                continue;
            }
            ++pos;
            skip_space(s, pos);
            const std::size_t name_start = pos;
            while (pos < s.size() && s[pos] != '=' && s[pos] != ';' && s[pos] != ',' &&
                   !is_space(s[pos])) {
                ++pos;
            }
            const std::string_view name = s.substr(name_start, pos - name_start);
            skip_space(s, pos);
            std::string value;
            if (pos < s.size() && s[pos] == '=') {
                ++pos;
                skip_space(s, pos);
                value = read_param_value(s, pos);
            }
            // Only the first rel counts (RFC 8288 §3.3).
            if (iequals(name, "rel") && !seen_rel) {
                seen_rel = true;
                add_rels(value, link.rels);
            }
        }
        if (!link.url.empty()) links.push_back(std::move(link));
    }
    return links;
}

std::optional<std::string> find_link(const std::vector<std::string_view>& header_values,
                                     std::string_view rel) {
    for (std::string_view value : header_values) {
        for (Link& link : parse_link_header(value)) {
            for (const std::string& r : link.rels) {
                if (iequals(r, rel)) return std::move(link.url);
            }
        }
    }
    return std::nullopt;
}

}  // namespace asset_sdk
