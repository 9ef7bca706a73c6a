// The Okta plugin's checkpoint marker, read back from the host's state directory (which a user
// can edit): parse_marker and plan_sync. A marker that parses serializes to a marker that
// parses to the same serialization.
#include "fuzz_support.h"

#include <sync_state.h>

#include <asset_sdk/time_util.h>

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    static const okta_device::OktaConfig config = [] {
        okta_device::OktaConfig c;
        c.base_url = "https://acme.okta.com";
        return c;
    }();
    static const auto now = *asset_sdk::parse_iso8601("2024-06-01T12:00:00Z");
    const std::string_view text = fuzzsupport::as_text(data, size);
    if (auto marker = okta_device::parse_marker(text)) {
        const std::string once = okta_device::serialize_marker(*marker);
        auto again = okta_device::parse_marker(once);
        if (!again || okta_device::serialize_marker(*again) != once) std::abort();
    }
    (void)okta_device::plan_sync(text, false, config, now);
    return 0;
}
