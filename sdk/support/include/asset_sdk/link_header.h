// RFC 8288 Link headers: `<https://x/y?after=1>; rel="next", <...>; rel="self"`. APIs send
// them as one header with several links or as repeated headers; both are handled.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asset_sdk {

struct Link {
    std::string url;
    std::vector<std::string> rels;  // a link may carry several rels: rel="next last"
};

std::vector<Link> parse_link_header(std::string_view value);

// The URL of the first link with `rel` among all the given header values.
std::optional<std::string> find_link(const std::vector<std::string_view>& header_values,
                                     std::string_view rel);

}  // namespace asset_sdk
