// Link response headers (RFC 8288) as Okta pages them: asset_sdk::parse_link_header and
// find_link over one or several header values.
#include "fuzz_support.h"

#include <asset_sdk/link_header.h>

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    const std::string_view text = fuzzsupport::as_text(data, size);
    for (const auto& link : asset_sdk::parse_link_header(text)) {
        if (link.url.empty()) std::abort();  // a link is only kept with a target
    }
    (void)asset_sdk::find_link(fuzzsupport::split_lines(text), "next");
    return 0;
}
