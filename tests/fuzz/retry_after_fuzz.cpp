// Retry-After (RFC 9110: delay-seconds or an HTTP date), as Okta and Sekoia may send it: never
// a negative wait.
#include "fuzz_support.h"

#include <asset_sdk/backoff.h>
#include <asset_sdk/time_util.h>

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    static const auto now = *asset_sdk::parse_iso8601("2024-06-01T12:00:00Z");
    if (auto wait = asset_sdk::parse_retry_after(fuzzsupport::as_text(data, size), now)) {
        if (wait->count() < 0) std::abort();
    }
    return 0;
}
