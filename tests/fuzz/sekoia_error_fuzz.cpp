// Sekoia's error answers (host/src/delivery/sekoia_response.*): one byte picks the status, the
// rest is the body. The description is one line of bounded length and never holds the API key,
// even when the body echoes it.
#include "fuzz_support.h"

#include "delivery/sekoia_response.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    if (size == 0) return 0;
    static constexpr long kStatuses[] = {400, 401, 403, 404, 408, 413, 422, 429, 500, 503};
    const long status = kStatuses[data[0] % (sizeof kStatuses / sizeof kStatuses[0])];
    static constexpr std::string_view kApiKey = "fuzz-api-key-8c1e4f0a";
    const std::string text = asset_host::delivery::describe_sekoia_error(
        status, fuzzsupport::as_text(data + 1, size - 1), kApiKey);
    if (text.find('\n') != std::string::npos) std::abort();
    if (text.find(kApiKey) != std::string::npos) std::abort();
    (void)asset_host::delivery::classify_sekoia_status(status);
    (void)asset_host::delivery::sekoia_error_hint(status, 100);
    return 0;
}
