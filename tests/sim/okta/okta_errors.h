// Okta's error responses: status + the JSON body shape every Okta error has
// ({errorCode, errorSummary, errorLink, errorId, errorCauses[]}). Codes and summaries are Okta's
// own (E0000011 invalid token, E0000006 forbidden, E0000007 not found, E0000047 rate limit, ...).
#pragma once

#include <string>
#include <vector>

namespace oktasim {

struct OktaError {
    int status = 500;
    std::string code;
    std::string summary;
    std::vector<std::string> causes;  // each becomes {"errorSummary": cause}

    // The JSON body; `error_id` is the per-request id Okta puts in errorId.
    std::string body(const std::string& error_id) const;
};

OktaError invalid_token();                             // 401 E0000011
OktaError feature_not_enabled();                       // 401 E0000015 (Classic org, devices API)
OktaError access_denied();                             // 403 E0000006
OktaError rate_limited();                              // 429 E0000047
OktaError validation_failed(const std::string& what);  // 400 E0000001 "Api validation failed: …"
OktaError invalid_search(const std::string& why);      // 400 E0000031
OktaError not_found(const std::string& what);          // 404 E0000007
OktaError server_error(int status);                    // 500/502/503/504 E0000009

}  // namespace oktasim
