// Finding where a JSON string stops being plain text, a word at a time (private to asset_sdk).
//
// Hand-written SWAR ("SIMD within a register") on purpose: escaping was 17 % of a full sync's CPU
// when it tested one byte at a time, and a record's text is nearly all plain ASCII. Testing 8 bytes
// per step (no intrinsics, portable, no new dependency) is measured in tests/bench/README.md
// ("Escaping a word at a time").
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace asset_sdk::detail {

inline constexpr std::uint64_t kEveryByte = 0x0101010101010101ULL;  // 0x01 in each byte
inline constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;   // 0x80 in each byte

// A mask with the high bit of a byte set where `word` holds a byte a JSON string cannot carry as
// is: '"', '\\', a control character (< 0x20) or a non-ASCII byte (>= 0x80, UTF-8 to validate).
// Borrows of the subtractions only carry towards more significant bytes, so the least significant
// set bit always marks a real special byte (bits above it may be false positives).
constexpr std::uint64_t special_bytes(std::uint64_t word) {
    const auto zero_byte = [](std::uint64_t v) { return (v - kEveryByte) & ~v & kHighBits; };
    const std::uint64_t control = (word - 0x20 * kEveryByte) & ~word & kHighBits;
    return control | zero_byte(word ^ ('"' * kEveryByte)) | zero_byte(word ^ ('\\' * kEveryByte)) |
           (word & kHighBits);
}

constexpr bool is_special(unsigned char c) {
    return c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
}

// Length of the longest prefix of `s` that needs no escaping and no UTF-8 check.
inline std::size_t clean_prefix(std::string_view s) {
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t word;
        std::memcpy(&word, s.data() + i, 8);  // unaligned load, one instruction on x86-64/arm64
        const std::uint64_t special = special_bytes(word);
        if (special == 0) continue;
        // The first special byte in memory order: the least significant on little-endian.
        if constexpr (std::endian::native == std::endian::little) {
            return i + static_cast<std::size_t>(std::countr_zero(special)) / 8;
        } else {
            break;  // find it byte by byte below
        }
    }
    while (i < s.size() && !is_special(static_cast<unsigned char>(s[i]))) ++i;
    return i;
}

}  // namespace asset_sdk::detail
