// URLs from servers and configs (next links, base_url, proxy): asset_sdk::parse_url and the
// percent coding. Invariants: decode(encode(x)) == x; a parsed URL's origin parses again to the
// same scheme, host and port.
#include "fuzz_support.h"

#include <asset_sdk/url.h>

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    const std::string_view text = fuzzsupport::as_text(data, size);
    if (auto url = asset_sdk::parse_url(text)) {
        auto again = asset_sdk::parse_url(url->origin());
        if (!again || again->scheme != url->scheme || again->host != url->host ||
            again->port != url->port) {
            std::abort();
        }
    }
    if (asset_sdk::percent_decode(asset_sdk::percent_encode(text)) != text) {
        // '+' is decoded as a space, but encode() never leaves a '+' unescaped.
        std::abort();
    }
    (void)asset_sdk::percent_decode(text);
    return 0;
}
