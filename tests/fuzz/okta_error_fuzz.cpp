// Okta's error answers (plugins/okta_device/src/okta_error.*): the body and the headers a 4xx
// or 5xx came with. Input: one byte picks the status, the rest is the body; the body's first
// line is also offered as a WWW-Authenticate header (OAuth errors come there).
#include "fuzz_support.h"

#include <okta_error.h>

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    if (size == 0) return 0;
    static constexpr long kStatuses[] = {400, 401, 403, 404, 405, 429, 500, 502, 503, 200};
    asset_sdk::HttpResponse response;
    response.status = kStatuses[data[0] % (sizeof kStatuses / sizeof kStatuses[0])];
    response.body.assign(fuzzsupport::as_text(data + 1, size - 1));
    const std::string_view body = response.body;
    response.headers.emplace_back("www-authenticate", std::string(body.substr(0, body.find('\n'))));
    response.headers.emplace_back("x-okta-request-id", "fuzz");
    const okta_device::OktaError error = okta_device::parse_okta_error(response);
    (void)okta_device::describe(error);
    (void)okta_device::is_okta_error(error);
    (void)okta_device::describe_answer(response);
    return 0;
}
