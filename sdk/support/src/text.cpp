#include <asset_sdk/text.h>

#include <algorithm>

namespace asset_sdk {

std::string_view trim(std::string_view s) {
    constexpr std::string_view kSpace = " \t\r\n";
    const std::size_t first = s.find_first_not_of(kSpace);
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return ascii_lower(x) == ascii_lower(y);
           });
}

bool icontains(std::string_view haystack, std::string_view needle) {
    if (needle.size() > haystack.size()) return false;
    for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
        if (iequals(haystack.substr(i, needle.size()), needle)) return true;
    }
    return false;
}

std::string one_line(std::string_view text, std::size_t max_bytes) {
    std::string out;
    out.reserve(std::min(text.size(), max_bytes) + 3);
    bool pending_space = false;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f) {  // control characters and whitespace
            pending_space = !out.empty();
            continue;
        }
        if (out.size() >= max_bytes) {
            out += "...";
            break;
        }
        if (pending_space) out.push_back(' ');
        pending_space = false;
        out.push_back(c);
    }
    return out;
}

namespace {

constexpr std::size_t kCredentialRun = 32;

bool credential_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
}

}  // namespace

std::string scrub_credentials(std::string_view text, std::size_t max_bytes) {
    // Redact first, on the full text, so truncation cannot leave a short tail of a credential.
    std::string redacted;
    redacted.reserve(std::min(text.size(), max_bytes * 2));
    std::size_t i = 0;
    while (i < text.size() && redacted.size() <= max_bytes * 2) {
        std::size_t j = i;
        while (j < text.size() && credential_char(text[j])) ++j;
        if (j - i >= kCredentialRun) {
            redacted += "[redacted]";
        } else {
            redacted.append(text.substr(i, j - i));
        }
        if (j < text.size()) redacted.push_back(text[j++]);
        i = j;
    }
    return one_line(redacted, max_bytes);
}

std::string mask_secret(std::string text, std::string_view secret) {
    if (secret.empty()) return text;
    for (std::size_t pos = text.find(secret); pos != std::string::npos;
         pos = text.find(secret, pos + kSecretMask.size())) {
        text.replace(pos, secret.size(), kSecretMask);
    }
    return text;
}

std::string one_line_masked(std::string_view text, std::size_t max_bytes, std::string_view secret) {
    return one_line(mask_secret(std::string(text), secret), max_bytes);
}

}  // namespace asset_sdk
