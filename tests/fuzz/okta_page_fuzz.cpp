// Okta devices page → OCSF records: simdjson On-Demand, the device mapper, and the repair of
// undecodable text (plugins/okta_device/src/page_reader.*). Every emitted record must be one
// valid JSON object, whatever the page held.
#include "fuzz_support.h"

#include <page_reader.h>

#include <simdjson.h>

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    static okta_device::PageReader reader;
    static simdjson::dom::parser check;
    std::string body(fuzzsupport::as_text(data, size));
    okta_device::PageStats stats;
    const auto emit = [](std::string_view record) {
        simdjson::dom::element doc;
        if (check.parse(record).get(doc) || !doc.is_object()) std::abort();
        return true;
    };
    const auto skip = [](int, std::string_view, std::string_view) {};
    const auto now = asset_sdk::SystemTime{} + std::chrono::hours(24 * 365 * 50);
    const auto status = reader.read(body, now, false, emit, skip, stats);
    if (!status.is_ok()) {
        // The caller's re-read: the same body again, deduplicated against the first attempt.
        std::string again(fuzzsupport::as_text(data, size));
        (void)reader.read(again, now, true, emit, skip, stats);
    }
    return 0;
}
