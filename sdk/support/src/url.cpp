#include <asset_sdk/url.h>

#include <algorithm>

namespace asset_sdk {

namespace {

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string to_lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), lower);
    return out;
}

bool is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_unreserved(char c) {
    return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int default_port(std::string_view scheme) {
    return scheme == "https" ? 443 : 80;
}

// Error messages never quote the URL: it may carry a token in its query string.
Status bad_url(std::string why) {
    return invalid_argument("invalid URL: " + std::move(why));
}

Status parse_port(std::string_view text, int& port) {
    if (text.empty()) return Status::ok();  // "host:" means the default port (RFC 3986 §3.2.3)
    if (text.size() > 5) return bad_url("port out of range");
    int v = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return bad_url("port is not a number");
        v = v * 10 + (c - '0');
    }
    if (v < 1 || v > 65535) return bad_url("port out of range");
    port = v;
    return Status::ok();
}

Status parse_host(std::string_view authority, Url& url) {
    std::string_view port_text;
    if (!authority.empty() && authority.front() == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) return bad_url("unterminated IPv6 address");
        const std::string_view literal = authority.substr(1, close - 1);
        if (literal.empty() ||
            !std::all_of(literal.begin(), literal.end(),
                         [](char c) { return hex_value(c) >= 0 || c == ':' || c == '.'; }) ||
            literal.find(':') == std::string_view::npos) {
            return bad_url("malformed IPv6 address");
        }
        const std::string_view rest = authority.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return bad_url("unexpected text after IPv6 address");
            port_text = rest.substr(1);
        }
        url.host = to_lower(authority.substr(0, close + 1));  // brackets kept, as in URLs
    } else {
        const std::size_t colon = authority.rfind(':');
        std::string_view host = authority.substr(0, colon);
        if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
        if (host.empty()) return bad_url("missing host");
        for (char c : host) {
            // reg-name per RFC 3986, minus sub-delims that no real API host uses.
            if (!is_unreserved(c) && c != '%') return bad_url("invalid character in host");
        }
        url.host = to_lower(host);
    }
    return parse_port(port_text, url.port);
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view q) {
    std::vector<std::pair<std::string, std::string>> out;
    while (!q.empty()) {
        const std::size_t amp = q.find('&');
        const std::string_view part = q.substr(0, amp);
        q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
        if (part.empty()) continue;
        const std::size_t eq = part.find('=');
        if (eq == std::string_view::npos) {
            out.emplace_back(percent_decode(part), std::string());
        } else {
            out.emplace_back(percent_decode(part.substr(0, eq)),
                             percent_decode(part.substr(eq + 1)));
        }
    }
    return out;
}

}  // namespace

std::string Url::origin() const {
    std::string out = scheme + "://" + host;
    if (port != default_port(scheme)) out += ":" + std::to_string(port);
    return out;
}

std::string Url::str() const {
    std::string out = origin();
    out += path.empty() ? "/" : path;
    char sep = '?';
    for (const auto& [k, v] : query) {
        out.push_back(sep);
        out += percent_encode(k);
        out.push_back('=');
        out += percent_encode(v);
        sep = '&';
    }
    return out;
}

std::optional<std::string> Url::query_value(std::string_view key) const {
    for (const auto& [k, v] : query) {
        if (k == key) return v;
    }
    return std::nullopt;
}

void Url::set_query(std::string_view key, std::string_view value) {
    // The first occurrence keeps its position (servers sometimes care about order); later
    // duplicates are dropped.
    bool found = false;
    for (auto it = query.begin(); it != query.end();) {
        if (it->first != key) {
            ++it;
        } else if (!found) {
            it->second = std::string(value);
            found = true;
            ++it;
        } else {
            it = query.erase(it);
        }
    }
    if (!found) query.emplace_back(std::string(key), std::string(value));
}

Result<Url> parse_url(std::string_view text) {
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f) return bad_url("contains a space or control character");
    }
    const std::size_t sep = text.find("://");
    if (sep == std::string_view::npos || sep == 0) {
        return bad_url("not an absolute URL (expected http:// or https://)");
    }
    Url url;
    url.scheme = to_lower(text.substr(0, sep));
    if (url.scheme != "http" && url.scheme != "https") {
        // The scheme is safe to quote (no secrets), and says exactly what to fix.
        std::string shown = url.scheme.substr(0, 16);
        return bad_url("unsupported scheme '" + shown + "' (only http and https)");
    }
    url.port = default_port(url.scheme);

    std::string_view rest = text.substr(sep + 3);
    const std::size_t fragment = rest.find('#');
    if (fragment != std::string_view::npos) rest = rest.substr(0, fragment);

    const std::size_t authority_end = rest.find_first_of("/?");
    const std::string_view authority = rest.substr(0, authority_end);
    rest =
        authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
    if (authority.find('@') != std::string_view::npos) {
        return bad_url("credentials in URLs (user:pass@) are not allowed");
    }
    if (authority.empty()) return bad_url("missing host");
    ASSET_RETURN_IF_ERROR(parse_host(authority, url));

    const std::size_t qmark = rest.find('?');
    url.path = std::string(rest.substr(0, qmark));
    if (url.path.empty()) url.path = "/";
    if (qmark != std::string_view::npos) url.query = parse_query(rest.substr(qmark + 1));
    return url;
}

std::string percent_encode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (is_unreserved(c)) {
            out.push_back(c);
        } else {
            const auto u = static_cast<unsigned char>(c);
            out.push_back('%');
            out.push_back(kHex[u >> 4]);
            out.push_back(kHex[u & 0xF]);
        }
    }
    return out;
}

std::string percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+') {
            out.push_back(' ');
        } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
                   hex_value(text[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
            i += 2;
        } else {
            // A stray '%' is kept literally rather than rejecting the whole URL.
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace asset_sdk
