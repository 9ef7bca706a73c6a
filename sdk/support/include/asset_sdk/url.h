// Just enough URL handling for API clients: split an absolute URL (with libcurl's parser, so the
// parts are what libcurl will request), compare origins, and read or set query parameters with
// correct percent-encoding.
#pragma once

#include <asset_sdk/status.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace asset_sdk {

struct Url {
    std::string scheme;  // lower-case, "http" or "https"
    std::string host;    // lower-case; ASCII (punycode); IPv6 in brackets, zone id kept
    int port = 0;        // explicit or the scheme's default (80 / 443)
    std::string path;    // starts with '/', "/" when empty; kept percent-encoded as received
    std::vector<std::pair<std::string, std::string>> query;  // decoded, in order

    // scheme://host[:port] (port omitted when default)
    std::string origin() const;
    // The full URL, query re-encoded.
    std::string str() const;
    bool same_origin(const Url& other) const {
        return scheme == other.scheme && host == other.host && port == other.port;
    }
    std::optional<std::string> query_value(std::string_view key) const;
    // Replace every value of `key` with one `value` (appended when absent).
    void set_query(std::string_view key, std::string_view value);
    bool has_query(std::string_view key) const { return query_value(key).has_value(); }
};

// Parses absolute http(s) URLs. Rejects userinfo ("user:pass@"), fragments are dropped, dot
// segments are resolved.
Result<Url> parse_url(std::string_view text);

std::string percent_encode(std::string_view text);  // RFC 3986 unreserved kept, rest %XX
std::string percent_decode(std::string_view text);  // '+' decoded as space in queries

}  // namespace asset_sdk
