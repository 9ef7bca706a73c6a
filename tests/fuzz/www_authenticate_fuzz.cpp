// WWW-Authenticate challenges (RFC 9110 §11.6.1, Bearer and DPoP parameters) as an OAuth
// resource server answers: asset_sdk::parse_www_authenticate, one value or several lines.
#include "fuzz_support.h"

#include <asset_sdk/www_authenticate.h>

#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    const std::string_view text = fuzzsupport::as_text(data, size);
    const auto challenges = asset_sdk::parse_www_authenticate(text);
    (void)asset_sdk::find_challenge(challenges, "DPoP");
    (void)asset_sdk::parse_www_authenticate(fuzzsupport::split_lines(text));
    return 0;
}
