// Small ASCII text helpers shared by the host and plugins: protocol tokens (header names, Link
// parameters, enum values) compare case-insensitively, and text received from a server is made
// safe to put in a one-line log or error message.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace asset_sdk {

inline char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// `s` without leading and trailing spaces, tabs, CRs and LFs: HTTP's optional whitespace, the
// line end of a header, JSON's insignificant whitespace, and what a YAML value may carry.
std::string_view trim(std::string_view s);

// ASCII case-insensitive equality (locale-independent, unlike strcasecmp).
bool iequals(std::string_view a, std::string_view b);

// ASCII case-insensitive substring search.
bool icontains(std::string_view haystack, std::string_view needle);

// One line of printable text of at most `max_bytes` (then "..."): runs of whitespace and control
// characters become one space. For server-provided text (error bodies may be HTML pages or
// multi-line dumps) going into logs and error messages. Mask secrets BEFORE cutting (see
// one_line_masked): a cut through an echoed secret leaves a head that no longer matches it.
std::string one_line(std::string_view text, std::size_t max_bytes);

// one_line(), after every run of 32 or more characters that could be a credential (letters,
// digits, '-', '_', '.', '~': the JWT and base64url alphabet) has been replaced by
// "[redacted]", so a server echoing a token or a signed assertion cannot leak it through an
// error message. Ordinary words, ids of Okta's size and URLs (split by ':' and '/') survive.
std::string scrub_credentials(std::string_view text, std::size_t max_bytes);

// Offset of the first byte of `text` that does not start a well-formed UTF-8 sequence (a
// stray continuation byte, an overlong form, a surrogate, a cut sequence), or npos when all of
// `text` is UTF-8. Text that reaches a JSON library must be UTF-8: some (valijson's length
// checks) read out of bounds on anything else.
std::size_t find_invalid_utf8(std::string_view text);

// What a masked secret is replaced with.
inline constexpr std::string_view kSecretMask = "***";

// `text` with every occurrence of `secret` replaced by kSecretMask (no-op for an empty secret).
std::string mask_secret(std::string text, std::string_view secret);

// one_line(mask_secret(text, secret), max_bytes): masked on the whole text, then cut, so a
// server echoing the credential we sent cannot leak its first characters.
std::string one_line_masked(std::string_view text, std::size_t max_bytes, std::string_view secret);

}  // namespace asset_sdk
