// WWW-Authenticate challenges (RFC 9110 §11.6.1): what a server says about the credentials it
// wants, e.g. `Bearer error="insufficient_scope", scope="a b"` or `DPoP error="use_dpop_nonce"`.
// A header may carry several challenges, and a response several headers. The parser accepts
// any byte sequence: garbage yields fewer (or no) challenges, never an error or a crash.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace asset_sdk {

struct AuthParam {
    std::string name;   // lower-cased (parameter names are case-insensitive)
    std::string value;  // quoted-string unescaped, or the token as sent
};

struct AuthChallenge {
    std::string scheme;   // as sent: "Bearer", "DPoP", "Basic"
    std::string token68;  // the token68 form (`Negotiate abc==`), when used instead of params
    std::vector<AuthParam> params;

    // Case-insensitive scheme comparison.
    bool is(std::string_view scheme_name) const;
    // The first value of a parameter (case-insensitive name); nullptr when absent.
    const std::string* param(std::string_view name) const;
};

// Parses one header value. At most 32 challenges and 32 parameters per challenge are kept.
std::vector<AuthChallenge> parse_www_authenticate(std::string_view value);

// Every challenge of every header value, in order.
std::vector<AuthChallenge> parse_www_authenticate(const std::vector<std::string_view>& values);

// The first challenge with `scheme` (case-insensitive), or nullptr.
const AuthChallenge* find_challenge(const std::vector<AuthChallenge>& challenges,
                                    std::string_view scheme);

}  // namespace asset_sdk
