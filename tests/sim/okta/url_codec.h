// URL pieces the simulator parses itself (rather than trusting a library's decoding) so the
// rules are explicit: query strings, percent-encoding, and the opaque base64url page cursor.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace oktasim {

// Decodes %XX escapes (and '+' as a space, as in form-encoded query strings). nullopt when an
// escape is malformed ("%G1", a lone "%").
std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space);

// Encodes every byte except RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~).
std::string percent_encode(std::string_view text);

// A decoded query string, in order. Repeated keys are kept; find() returns the first.
class QueryParams {
public:
    // nullopt when any key or value has a malformed escape.
    static std::optional<QueryParams> parse(std::string_view raw_query);

    const std::string* find(std::string_view key) const;
    const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

private:
    std::vector<std::pair<std::string, std::string>> items_;
};

// Splits a request target "/path?query" into its path and raw (still encoded) query.
std::pair<std::string_view, std::string_view> split_target(std::string_view target);

// Unpadded base64url (RFC 4648 §5).
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace oktasim
