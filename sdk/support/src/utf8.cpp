#include "utf8.h"

#include "asset_sdk/text.h"

namespace asset_sdk::detail {

std::size_t utf8_sequence(std::string_view s, std::size_t i, std::size_t& consumed) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t need;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte (Table 3-7)
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 3;
        if (b0 == 0xE0) lo = 0xA0;  // overlong
        if (b0 == 0xED) hi = 0x9F;  // UTF-16 surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 4;
        if (b0 == 0xF0) lo = 0x90;  // overlong
        if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
        consumed = 1;  // stray continuation byte, C0/C1 overlong lead, F5..FF
        return 0;
    }
    std::size_t n = 1;
    for (; n < need; ++n) {
        if (i + n >= s.size()) break;
        const auto b = static_cast<unsigned char>(s[i + n]);
        const unsigned char min = n == 1 ? lo : 0x80;
        const unsigned char max = n == 1 ? hi : 0xBF;
        if (b < min || b > max) break;
    }
    if (n == need) return need;
    consumed = n;
    return 0;
}

}  // namespace asset_sdk::detail

namespace asset_sdk {

std::size_t find_invalid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            ++i;
            continue;
        }
        std::size_t consumed = 0;
        const std::size_t len = detail::utf8_sequence(text, i, consumed);
        if (len == 0) return i;
        i += len;
    }
    return std::string_view::npos;
}

}  // namespace asset_sdk
