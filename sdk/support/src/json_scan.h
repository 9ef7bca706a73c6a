// Finding where a JSON string stops being plain text, many bytes at a time (private to asset_sdk).
//
// Escaping was 17 % of a full sync's CPU when it tested one byte at a time, and a record's text is
// nearly all plain ASCII. On x86-64 the scan tests 16 bytes per step with SSE2 (part of the
// x86-64 baseline: no CPU check, no new dependency); elsewhere 8 bytes per step with integer
// arithmetic (SWAR, "SIMD within a register"). Measured in tests/bench/README.md ("Escaping a word
// at a time", "Issue 14, session 8"). Both test every byte of the string, its last ones too, and
// read nothing outside it.
#pragma once

#include <asset_sdk/json_writer.h>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// The length of the clean prefix of p[0..n), a byte at a time (strings shorter than the scans'
// smallest load, and big-endian CPUs).
inline std::size_t clean_prefix_bytes(const char* p, std::size_t n) {
    std::size_t i = 0;
    while (i < n && !json_needs_escaping(static_cast<unsigned char>(p[i]))) ++i;
    return i;
}

inline std::uint64_t load_word(const char* p) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);  // unaligned load, one instruction on x86-64/arm64
    return word;
}

inline std::uint32_t load_half(const char* p) {
    std::uint32_t half;
    std::memcpy(&half, p, 4);
    return half;
}

// Length of the longest prefix of `s` that needs no escaping and no UTF-8 check, 8 bytes per step.
//
// Every byte is tested a word at a time, the last 1-7 too: they are the end of one more word
// loaded backwards from the string's end (overlapping bytes already found clean, which are
// shifted out), or, in a string shorter than a word, two overlapping 4-byte loads. Nothing is
// read outside `s`. Why: most of a record's strings are 5-40 bytes, and testing their last 0-7
// bytes one at a time was half of the scan's instructions (tests/bench/README.md, "Issue 14,
// session 8").
inline std::size_t clean_prefix_words(std::string_view s) {
    const char* p = s.data();
    const std::size_t n = s.size();
    if constexpr (std::endian::native != std::endian::little) return clean_prefix_bytes(p, n);
    // The first special byte in memory order: the least significant on little-endian.
    const auto first = [](std::uint64_t special) {
        return static_cast<std::size_t>(std::countr_zero(special)) / 8;
    };
    if (n >= 8) {
        std::size_t i = 0;
        for (; i + 8 <= n; i += 8) {
            const std::uint64_t special = special_bytes(load_word(p + i));
            if (special != 0) return i + first(special);
        }
        if (i == n) return n;
        // Bytes n-8 .. i-1 of this word were clean (no borrow comes from them): shift them out.
        const std::uint64_t special = special_bytes(load_word(p + n - 8)) >> (8 * (i + 8 - n));
        return special == 0 ? n : i + first(special);
    }
    if (n >= 4) {
        // Bytes 0-3 and n-4 .. n-1 (the same byte where they overlap); bytes n .. 7 are zero,
        // which tests as special, so they are masked off.
        const std::uint64_t word =
            load_half(p) | (static_cast<std::uint64_t>(load_half(p + n - 4)) << (8 * (n - 4)));
        const std::uint64_t special = special_bytes(word) & ((std::uint64_t{1} << (8 * n)) - 1);
        return special == 0 ? n : first(special);
    }
    return clean_prefix_bytes(p, n);
}

#if defined(__SSE2__)
// Bit k set where byte k of `block` is special. One signed compare finds both the control
// characters and the non-ASCII bytes: as signed bytes, 0x80-0xFF are negative, below 0x20.
inline unsigned special_mask(__m128i block) {
    const __m128i below_space = _mm_cmplt_epi8(block, _mm_set1_epi8(0x20));
    const __m128i quote = _mm_cmpeq_epi8(block, _mm_set1_epi8('"'));
    const __m128i backslash = _mm_cmpeq_epi8(block, _mm_set1_epi8('\\'));
    return static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(below_space, _mm_or_si128(quote, backslash))));
}

inline std::size_t first_bit(unsigned mask) {
    return static_cast<std::size_t>(std::countr_zero(mask));
}

// clean_prefix_words, 16 bytes per step. The last 1-15 bytes are the end of one more block loaded
// backwards from the string's end (bytes already found clean shifted out of the mask); a string
// shorter than a block is two overlapping 8-byte or 4-byte halves side by side in one block.
inline std::size_t clean_prefix_sse2(std::string_view s) {
    const char* p = s.data();
    const std::size_t n = s.size();
    const auto block_at = [p](std::size_t i) {
        return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    };
    if (n >= 16) {
        std::size_t i = 0;
        for (; i + 16 <= n; i += 16) {
            const unsigned mask = special_mask(block_at(i));
            if (mask != 0) return i + first_bit(mask);
        }
        if (i == n) return n;
        const unsigned mask = special_mask(block_at(n - 16)) >> (i + 16 - n);
        return mask == 0 ? n : i + first_bit(mask);
    }
    if (n >= 8) {
        // Bytes 0-7 of the block are s[0..7], bytes 8-15 are s[n-8 .. n-1].
        const __m128i block =
            _mm_unpacklo_epi64(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)),
                               _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p + n - 8)));
        const unsigned mask = special_mask(block);
        if ((mask & 0xFF) != 0) return first_bit(mask);
        return mask == 0 ? n : n + first_bit(mask) - 16;
    }
    if (n >= 4) {
        // Bytes 0-3 are s[0..3], bytes 4-7 s[n-4 .. n-1]; bytes 8-15 are zero, masked off.
        const __m128i block =
            _mm_unpacklo_epi32(_mm_cvtsi32_si128(static_cast<int>(load_half(p))),
                               _mm_cvtsi32_si128(static_cast<int>(load_half(p + n - 4))));
        const unsigned mask = special_mask(block) & 0xFF;
        if ((mask & 0x0F) != 0) return first_bit(mask);
        return mask == 0 ? n : n + first_bit(mask) - 8;
    }
    return clean_prefix_bytes(p, n);
}
#endif

// Length of the longest prefix of `s` that needs no escaping and no UTF-8 check.
inline std::size_t clean_prefix(std::string_view s) {
#if defined(__SSE2__)
    return clean_prefix_sse2(s);
#else
    return clean_prefix_words(s);
#endif
}

}  // namespace asset_sdk::detail
