// How the Sekoia destination reads an answer: which statuses acknowledge a batch, which are
// worth retrying, and how a refusal is turned into a message a user can act on.
#pragma once

#include <asset_sdk/http_client.h>

#include <string>
#include <string_view>

namespace asset_host::delivery {

enum class SekoiaVerdict {
    kAcknowledged,  // 2xx
    kRetry,         // 408, 425, 429, 5xx: the server may accept the same batch later
    kRefused,       // any other status: retrying the same request cannot succeed
};

SekoiaVerdict classify_sekoia_status(long status);

// "HTTP 401 (code T300): invalid token" from Sekoia's {"code", "message"} error body, falling
// back to the raw body (whitespace collapsed, truncated to ~300 bytes) when it is not that JSON.
// `api_key` and every registered secret are masked on the whole text before it is cut.
std::string describe_sekoia_error(long status, std::string_view body, std::string_view api_key);

// Whether an error answer has the shape of Sekoia's API: a JSON object carrying "code",
// "message" or "detail". A proxy's or gateway's error page (HTML, plain text) has not.
bool is_sekoia_error_body(std::string_view body);

// Whether a body is a JSON object (what Sekoia's API answers a successful call with).
bool is_json_object(std::string_view body);

// What to do about a refusal, e.g. "check destination.api_key". Empty when nothing specific.
std::string sekoia_error_hint(long status, int batch_size);

// 8-4-4-4-12 hexadecimal digits, as Sekoia's connector configuration UUIDs are written.
bool is_well_formed_uuid(std::string_view text);

}  // namespace asset_host::delivery
