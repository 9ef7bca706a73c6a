#include <asset_sdk/text.h>
#include <asset_sdk/url.h>

#include <curl/curl.h>

#include <algorithm>
#include <cstdlib>

namespace asset_sdk {

namespace {

std::string to_lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
    return out;
}

int default_port(std::string_view scheme) {
    return scheme == "https" ? 443 : 80;
}

// Error messages never quote the URL: it may carry a token in its query string.
Status bad_url(std::string why) {
    return invalid_argument("invalid URL: " + std::move(why));
}

// A CURLU handle and the parts read from it.
class CurlUrl {
public:
    CurlUrl() : handle_(curl_url()) {}
    ~CurlUrl() { curl_url_cleanup(handle_); }
    CurlUrl(const CurlUrl&) = delete;
    CurlUrl& operator=(const CurlUrl&) = delete;

    CURLUcode set(const std::string& url) {
        return handle_ ? curl_url_set(handle_, CURLUPART_URL, url.c_str(), 0)
                       : CURLUE_OUT_OF_MEMORY;
    }
    // The part as written (percent-encoding kept); nullopt when the URL has none.
    std::optional<std::string> get(CURLUPart part, unsigned flags = 0) const {
        char* value = nullptr;
        if (curl_url_get(handle_, part, &value, flags) != CURLUE_OK) return std::nullopt;
        std::string out(value);
        curl_free(value);
        return out;
    }

private:
    CURLU* handle_;
};

bool is_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// The host as `rest` (the URL after "://") writes it: the authority without user info and port.
std::string_view written_host(std::string_view rest) {
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (const std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
        rest.remove_prefix(at + 1);
    }
    if (rest.starts_with('['))
        return rest.substr(0, rest.find(']'));  // the literal, unclosed or not
    return rest.substr(0, rest.rfind(':'));
}

// The host as requests and origin checks need it: lower-case; ASCII only (an international
// name is written as punycode); an IPv6 literal in brackets with its zone id ("%25eth0") kept.
// libcurl 7.88's own conversion (CURLU_PUNYCODE) uses the process locale, which is C here so it
// always failed, and it leaks its copy of the host when it fails (found by the url fuzz
// target): a non-ASCII host is refused with the fix instead of being handed to it.
// `written`: the host as the URL text writes it (written_host()).
Status read_host(const CurlUrl& parsed, std::string_view written, Url& url) {
    // libcurl decodes %XX in a host name, and what it decodes is not normalised as a written
    // name is: "http://%30" has the host "0" where "http://0" has 0.0.0.0, and a '%' left by
    // decoding ("z%25e0" -> "z%e0") would decode again; either way the origin parses back to
    // another host (both found by the url fuzz target). No real host name is written
    // percent-encoded: refused. An IPv6 literal's zone id ("[fe80::1%25eth0]") is not a name.
    if (!written.starts_with('[') && written.find('%') != std::string_view::npos) {
        return bad_url("invalid character '%' in the host");
    }
    std::optional<std::string> host = parsed.get(CURLUPART_HOST);
    if (!host) return bad_url("missing host");
    if (!is_ascii(*host)) {
        return bad_url(
            "the international host name could not be converted to its ASCII form; write it "
            "as punycode (xn--...)");
    }
    url.host = to_lower(*host);
    if (auto zone = parsed.get(CURLUPART_ZONEID); zone && url.host.ends_with(']')) {
        url.host.insert(url.host.size() - 1, "%25" + *zone);
    }
    return Status::ok();
}

Status read_port(const CurlUrl& parsed, Url& url) {
    const std::optional<std::string> port = parsed.get(CURLUPART_PORT, CURLU_DEFAULT_PORT);
    url.port = port ? std::atoi(port->c_str()) : 0;  // libcurl checked: digits, at most 65535
    if (url.port < 1) return bad_url("port out of range");
    return Status::ok();
}

// The small part libcurl leaves to us: splitting the query into decoded key/value pairs.
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
    // Appended piecewise: GCC 12 at -O3 reports a false -Wrestrict inside ":" + std::string.
    if (port != default_port(scheme)) {
        out += ':';
        out += std::to_string(port);
    }
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

// libcurl's URL parser (CURLU) does the parsing, so what is checked here is what libcurl will
// request: IPv6 literals and zone ids, international host names, dot segments ("/a/../b" is
// "/b"). What it does not refuse and an API client must: schemes other than http(s),
// credentials in the URL, an empty host, port 0.
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
    // libcurl would read "https:///path" as the host "path".
    if (text.substr(sep + 3).starts_with('/')) return bad_url("missing host");

    CurlUrl parsed;
    if (const CURLUcode rc = parsed.set(std::string(text)); rc != CURLUE_OK) {
        return bad_url(curl_url_strerror(rc));  // libcurl's words never quote the URL
    }
    if (parsed.get(CURLUPART_USER) || parsed.get(CURLUPART_PASSWORD)) {
        return bad_url("credentials in URLs (user:pass@) are not allowed");
    }
    ASSET_RETURN_IF_ERROR(read_host(parsed, written_host(text.substr(sep + 3)), url));
    ASSET_RETURN_IF_ERROR(read_port(parsed, url));
    url.path = parsed.get(CURLUPART_PATH).value_or("/");
    if (auto query = parsed.get(CURLUPART_QUERY)) url.query = parse_query(*query);
    return url;  // the fragment is dropped
}

std::string percent_encode(std::string_view text) {
    // curl_easy_escape keeps exactly RFC 3986's unreserved characters; since libcurl 7.82 it
    // ignores its handle argument. A length of 0 makes it call strlen() on the input, which a
    // string_view need not terminate (found by the url fuzz target): nothing to encode anyway.
    if (text.empty()) return {};
    char* escaped = curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size()));
    if (escaped == nullptr) return {};
    std::string out(escaped);
    curl_free(escaped);
    return out;
}

std::string percent_decode(std::string_view text) {
    if (text.empty()) return {};  // curl_easy_unescape would strlen() a length of 0
    // '+' means a space in a query (application/x-www-form-urlencoded); an encoded "%2B" stays a
    // '+'. A stray '%' is kept literally rather than rejecting the whole URL.
    std::string plus_as_space(text);
    std::replace(plus_as_space.begin(), plus_as_space.end(), '+', ' ');
    int length = 0;
    char* decoded = curl_easy_unescape(nullptr, plus_as_space.data(),
                                       static_cast<int>(plus_as_space.size()), &length);
    if (decoded == nullptr) return {};
    std::string out(decoded, static_cast<std::size_t>(length));
    curl_free(decoded);
    return out;
}

}  // namespace asset_sdk
