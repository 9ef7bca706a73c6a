// Dates and durations from servers and configs: ISO-8601 (Okta's created/lastUpdated),
// HTTP dates (Date, Retry-After), durations (config). A parsed ISO-8601 time written back with
// milliseconds parses again to the same millisecond.
#include "fuzz_support.h"

#include <asset_sdk/time_util.h>

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    const std::string_view text = fuzzsupport::as_text(data, size);
    if (auto t = asset_sdk::parse_iso8601(text)) {
        const auto again = asset_sdk::parse_iso8601(asset_sdk::format_iso8601_ms(*t));
        if (!again || asset_sdk::to_epoch_millis(*again) != asset_sdk::to_epoch_millis(*t)) {
            std::abort();
        }
    }
    (void)asset_sdk::parse_http_date(text);
    if (auto d = asset_sdk::parse_duration(text)) (void)asset_sdk::format_duration(*d);
    return 0;
}
