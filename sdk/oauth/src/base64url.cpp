#include <asset_sdk/oauth/base64url.h>

#include <openssl/evp.h>

#include <climits>

#include "openssl_util.h"

namespace asset_sdk::oauth {

std::string base64url_encode(std::string_view bytes) {
    if (bytes.empty()) return {};
    if (bytes.size() > INT_MAX / 2) return {};  // far beyond any JWS part
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    while (!out.empty() && out.back() == '=') out.pop_back();
    for (char& c : out) {
        if (c == '+') c = '-';
        if (c == '/') c = '_';
    }
    return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
    if (text.empty()) return std::string();
    if (text.size() % 4 == 1 || text.size() > INT_MAX / 2) return std::nullopt;
    std::string b64;
    b64.reserve(text.size() + 3);
    for (char c : text) {
        const bool alnum =
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (alnum) {
            b64.push_back(c);
        } else if (c == '-') {
            b64.push_back('+');
        } else if (c == '_') {
            b64.push_back('/');
        } else {
            return std::nullopt;
        }
    }
    const std::size_t padding = (4 - b64.size() % 4) % 4;
    b64.append(padding, '=');
    std::string out(b64.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(b64.data()),
                                  static_cast<int>(b64.size()));
    if (n < 0) return std::nullopt;
    // EVP_DecodeBlock counts the bytes the padding stands for as zero bytes: drop them.
    out.resize(static_cast<std::size_t>(n) - padding);
    return out;
}

namespace detail {

std::string sha256_base64url(std::string_view bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr) != 1) {
        ERR_clear_error();
        return {};
    }
    return base64url_encode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

}  // namespace detail

}  // namespace asset_sdk::oauth
