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
    std::string error;  // "invalid_client", "use_dpop_nonce", ... ("" when not JSON)
    // error_description, on one line, bounded, credentials scrubbed (asset_sdk::scrub_credentials)
    std::string description;
};

// An error body (RFC 6749 §5.2). Anything else yields empty fields.
OAuthErrorBody parse_oauth_error(std::string_view body);

// Splits a space-separated scope list.
std::vector<std::string> split_scopes(std::string_view scope);

}  // namespace asset_sdk::oauth
