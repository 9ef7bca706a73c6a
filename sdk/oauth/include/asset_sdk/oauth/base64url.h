// base64url without padding (RFC 4648 §5, RFC 7515 §2): the encoding of every JWS part, JWK
// member and DPoP `ath`. Built on OpenSSL's base64 codec.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace asset_sdk::oauth {

std::string base64url_encode(std::string_view bytes);

// Strict: only the base64url alphabet, no padding, no whitespace; nullopt otherwise.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace asset_sdk::oauth
