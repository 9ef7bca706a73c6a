// What a token endpoint answers (RFC 6749 §5.1, §5.2; RFC 9449 §5): an access token with its
// type, lifetime and granted scopes, or an error code with its description.
#pragma once

#include <asset_sdk/clock.h>
#include <asset_sdk/status.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asset_sdk::oauth {

struct AccessToken {
    std::string value;                 // secret: never logged, never in a message
    bool dpop = false;                 // token_type "DPoP" (bound to the DPoP key), else "Bearer"
    std::optional<Millis> expires_in;  // absent when the server did not say
    // The granted scopes when the server listed them (`scope`), else nullopt: then the
    // requested scopes were granted as asked (RFC 6749 §5.1).
    std::optional<std::vector<std::string>> scopes;
};

// A 200 body. Errors name the missing or malformed member, never the token.
Result<AccessToken> parse_token_response(std::string_view body);

struct OAuthErrorBody {
    std::string error;        // "invalid_client", "use_dpop_nonce", ... ("" when not JSON)
    std::string description;  // error_description, on one line, bounded, credentials scrubbed
};

// An error body (RFC 6749 §5.2). Anything else yields empty fields.
OAuthErrorBody parse_oauth_error(std::string_view body);

// Server-provided text made safe for a message: one line, at most `max_bytes`, and every run of
// 32 or more characters that could be a credential (letters, digits, '-', '_', '.', '~': the
// JWT and base64url alphabet) replaced by "[redacted]", so a server echoing a token or an
// assertion cannot leak it through an error message.
std::string scrub_server_text(std::string_view text, std::size_t max_bytes = 300);

// Splits a space-separated scope list.
std::vector<std::string> split_scopes(std::string_view scope);

}  // namespace asset_sdk::oauth
