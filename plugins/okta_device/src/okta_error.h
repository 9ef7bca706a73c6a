// What Okta says when a request fails: the JSON error body {errorCode, errorSummary, errorId,
// errorCauses[]}, the WWW-Authenticate challenge (a missing OAuth scope comes back as a 403 with
// an EMPTY body and the reason only in that header), and the X-Okta-Request-Id support needs.
#pragma once

#include <asset_sdk/http_client.h>
#include <asset_sdk/proxy.h>

#include <string>
#include <string_view>

namespace okta_device {

struct OktaError {
    long http_status = 0;
    std::string error_code;           // e.g. "E0000011"; empty when the body had none
    std::string error_summary;        // Okta's text (troubleshooting only; may change)
    std::string error_causes;         // errorCauses[].errorSummary joined with "; "
    std::string request_id;           // X-Okta-Request-Id
    bool insufficient_scope = false;  // WWW-Authenticate: ... error="insufficient_scope"
    bool oauth_challenge = false;     // WWW-Authenticate carried an OAuth error="..."
    std::string required_scope;       // scope="..." from that challenge
};

// Reads whatever the response carries; never fails (an unparsable body leaves fields empty).
// `credential` (the token sent) is masked in every text taken from the answer before the text
// is cut to length: a server echoing it must not leak even its first characters.
OktaError parse_okta_error(const asset_sdk::HttpResponse& response,
                           std::string_view credential = {});

// Whether an error answer has Okta's shape: a JSON body with errorCode, or an OAuth challenge
// (Okta answers a missing scope with an empty body and the reason in WWW-Authenticate). The
// page of a proxy or gateway has neither.
bool is_okta_error(const OktaError& error);

// What answered, for a message when it was not Okta: "HTTP 502 (Server: squid/5.7,
// Content-Type: text/html)". Bounded length.
using asset_sdk::describe_answer;

// "HTTP 401 E0000011: Invalid token provided (Okta request id abc)". Bounded length.
std::string describe(const OktaError& error);

// "(Okta request id abc)" or "" — appended to messages so support can find the request.
std::string request_id_suffix(const asset_sdk::HttpResponse& response);

}  // namespace okta_device
