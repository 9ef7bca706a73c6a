#include "okta_errors.h"

#include <nlohmann/json.hpp>

namespace oktasim {

std::string OktaError::body(const std::string& error_id) const {
    nlohmann::ordered_json j;
    j["errorCode"] = code;
    j["errorSummary"] = summary;
    j["errorLink"] = code;  // Okta: "not yet implemented … the same value as the errorCode"
    j["errorId"] = error_id;
    j["errorCauses"] = nlohmann::ordered_json::array();
    for (const auto& cause : causes) j["errorCauses"].push_back({{"errorSummary", cause}});
    return j.dump();
}

OktaError invalid_token() {
    return {401, "E0000011", "Invalid token provided", {}};
}

OktaError feature_not_enabled() {
    return {
        401, "E0000015", "You do not have permission to access the feature you are requesting", {}};
}

OktaError access_denied() {
    return {403, "E0000006", "You do not have permission to perform the requested action", {}};
}

OktaError rate_limited() {
    return {429, "E0000047", "API call exceeded rate limit due to too many requests.", {}};
}

OktaError validation_failed(const std::string& what) {
    return {400, "E0000001", "Api validation failed: " + what, {what + ": invalid value"}};
}

OktaError invalid_search(const std::string& why) {
    return {400, "E0000031", "Invalid search criteria.", {why}};
}

OktaError not_found(const std::string& what) {
    return {404, "E0000007", "Not found: Resource not found: " + what, {}};
}

OktaError server_error(int status) {
    const char* summary = status == 502   ? "Bad Gateway"
                          : status == 503 ? "Service Unavailable"
                          : status == 504 ? "Gateway Timeout"
                                          : "Internal Server Error";
    return {status, "E0000009", summary, {}};
}

}  // namespace oktasim
