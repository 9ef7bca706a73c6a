#include "delivery/sekoia_response.h"

#include "common/redactor.h"

#include <asset_sdk/text.h>
#include <nlohmann/json.hpp>

#include <cctype>

namespace asset_host::delivery {

namespace {

constexpr std::size_t kMaxRawBody = 300;

std::string json_scalar_text(const nlohmann::json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return {};
    return v.dump();
}

}  // namespace

SekoiaVerdict classify_sekoia_status(long status) {
    if (status >= 200 && status < 300) return SekoiaVerdict::kAcknowledged;
    if (status == 408 || status == 425 || status == 429 || (status >= 500 && status < 600)) {
        return SekoiaVerdict::kRetry;
    }
    return SekoiaVerdict::kRefused;
}

std::string describe_sekoia_error(long status, std::string_view body, std::string_view api_key) {
    std::string text = "HTTP " + std::to_string(status);
    const nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (doc.is_object() && (doc.contains("code") || doc.contains("message"))) {
        const std::string code = doc.contains("code") ? json_scalar_text(doc["code"]) : "";
        const std::string message = doc.contains("message") ? json_scalar_text(doc["message"]) : "";
        if (!code.empty()) text += " (code " + redacted_one_line(code, 80, api_key) + ")";
        if (!message.empty()) text += ": " + redacted_one_line(message, kMaxRawBody, api_key);
        return text;
    }
    const std::string raw = redacted_one_line(body, kMaxRawBody, api_key);
    if (!raw.empty()) text += ": " + raw;
    return text;
}

bool is_sekoia_error_body(std::string_view body) {
    const nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    return doc.is_object() &&
           (doc.contains("code") || doc.contains("message") || doc.contains("detail"));
}

bool is_json_object(std::string_view body) {
    return nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false).is_object();
}

std::string sekoia_error_hint(long status, int batch_size) {
    switch (status) {
        case 400:
            return "Sekoia refused the payload; the records do not match its asset model "
                   "(see the message), fix the connector's mapping";
        case 401:
            return "check destination.api_key: Sekoia did not accept it as a valid API key";
        case 403:
            return "the API key is valid but not allowed to push assets for this connector; "
                   "check its permissions and destination.connector_uuid";
        case 404:
            return "check destination.connector_uuid (the asset connector's configuration UUID) "
                   "and destination.base_url";
        case 413:
            return "the request is too large for Sekoia: lower destination.batch_size (now " +
                   std::to_string(batch_size) + ")";
        default:
            return {};
    }
}

bool is_well_formed_uuid(std::string_view text) {
    if (text.size() != 36) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) {
            return false;
        }
    }
    return true;
}

}  // namespace asset_host::delivery
