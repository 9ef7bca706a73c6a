// The JSON string escaper's scans, many bytes at a time (SSE2, and 8-byte words elsewhere),
// against the byte-at-a-time escaper they replaced (kept below as the reference: its byte-at-a-time
// loop and UTF-8 check as they were, its escapes written another way): the same output for every
// input.
#include <asset_sdk/json_writer.h>

// The scans themselves, private to asset_sdk: each is tested here, not only the one this CPU uses.
#include "../../../sdk/support/src/json_scan.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

// --- The reference: the escaper as it was before the word-at-a-time scan. ---

// Length of the valid UTF-8 sequence at s[i], or 0 with `consumed` = the maximal subpart to replace
// by one U+FFFD (Unicode 15, section 3.9, table 3-7).
std::size_t reference_utf8_sequence(std::string_view s, std::size_t i, std::size_t& consumed) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t need;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 3;
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 4;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;
    } else {
        consumed = 1;
        return 0;
    }
    std::size_t n = 1;
    for (; n < need; ++n) {
        if (i + n >= s.size()) break;
        const auto b = static_cast<unsigned char>(s[i + n]);
        if (b < (n == 1 ? lo : 0x80) || b > (n == 1 ? hi : 0xBF)) break;
    }
    if (n == need) return need;
    consumed = n;
    return 0;
}

// Written differently from the escaper's switch on purpose: a table lookup and printf.
void reference_escape_special(std::string& out, unsigned char c) {
    constexpr std::string_view kShort = "\"\\\b\f\n\r\t";
    constexpr std::string_view kLetter = "\"\\bfnrt";
    if (const auto at = kShort.find(static_cast<char>(c)); at != std::string_view::npos) {
        out.push_back('\\');
        out.push_back(kLetter[at]);
        return;
    }
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\u%04x", c);
    out.append(buf);
}

std::string reference_escape(std::string_view s) {
    std::string out = "\"";
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);  // one byte at a time
        if (c >= 0x80) {
            std::size_t consumed = 0;
            const std::size_t len = reference_utf8_sequence(s, i, consumed);
            out.append(len > 0 ? s.substr(i, len) : std::string_view("\xEF\xBF\xBD"));
            i += len > 0 ? len : consumed;
        } else if (c < 0x20 || c == '"' || c == '\\') {
            reference_escape_special(out, c);
            ++i;
        } else {
            out.push_back(static_cast<char>(c));
            ++i;
        }
    }
    out.push_back('"');
    return out;
}

// --- Helpers ---

std::string escaped(std::string_view s) {
    std::string out = "prefix";  // escape_into appends: what is already there stays
    asset_sdk::JsonWriter::escape_into(out, s);
    return out.substr(6);
}

// Checks one input; returns false (after a failed CHECK naming the input) on a difference.
bool same_as_reference(const std::string& s) {
    const std::string fast = escaped(s);
    const std::string slow = reference_escape(s);
    if (fast == slow) return true;
    std::string hex;
    for (const unsigned char c : s) hex += std::to_string(c) + " ";
    INFO("input bytes: ", hex);
    CHECK(fast == slow);
    return false;
}

std::string printable(std::mt19937& rng, std::size_t n) {
    std::uniform_int_distribution<int> ascii(0x20, 0x7E);
    std::string s;
    while (s.size() < n) {
        const char c = static_cast<char>(ascii(rng));
        if (c != '"' && c != '\\') s.push_back(c);
    }
    return s;
}

// Valid sequences of each length, with the boundary code points of table 3-7.
const std::vector<std::string> kUtf8 = {"\xC2\x80",         "\xDF\xBF",        "\xC3\xA9",
                                        "\xE0\xA0\x80",     "\xE2\x82\xAC",    "\xED\x9F\xBF",
                                        "\xEE\x80\x80",     "\xEF\xBF\xBF",    "\xF0\x90\x80\x80",
                                        "\xF0\x9F\x94\x91", "\xF4\x8F\xBF\xBF"};

}  // namespace

TEST_CASE("escape: empty and clean inputs of every length up to a few words") {
    std::mt19937 rng(1);
    CHECK(escaped("") == "\"\"");
    for (std::size_t n = 0; n <= 64; ++n) CHECK(same_as_reference(printable(rng, n)));
}

TEST_CASE("escape: every byte value at every position of the first words") {
    std::mt19937 rng(2);
    for (int byte = 0; byte < 256; ++byte) {
        // Every length of tail after the byte (the last word is loaded from the string's end;
        // a string shorter than a word is two overlapping halves).
        for (std::size_t before = 0; before <= 17; ++before) {
            for (std::size_t after = 0; after <= 9; ++after) {
                std::string s = printable(rng, before);
                s.push_back(static_cast<char>(byte));
                s += printable(rng, after);
                if (!same_as_reference(s)) return;
            }
        }
    }
}

TEST_CASE("escape: two special bytes in one word (the first one must win)") {
    const std::string specials =
        std::string("\"\\\n\x01\x1f\x7f\x80\xC3\xFF", 9) + std::string(1, '\0');
    for (const char a : specials) {
        for (const char b : specials) {
            for (std::size_t gap = 0; gap < 8; ++gap) {
                for (std::size_t at = 0; at < 8; ++at) {
                    std::string s(at, 'x');
                    s.push_back(a);
                    s += std::string(gap, 'y');
                    s.push_back(b);
                    s += "tail";
                    if (!same_as_reference(s)) return;
                }
            }
        }
    }
}

TEST_CASE("escape: UTF-8 sequences whole and cut, across word boundaries") {
    std::mt19937 rng(3);
    for (const std::string& seq : kUtf8) {
        for (std::size_t cut = 1; cut <= seq.size(); ++cut) {
            for (std::size_t before = 0; before <= 16; ++before) {
                const std::string head = printable(rng, before) + seq.substr(0, cut);
                if (!same_as_reference(head)) return;                       // cut at the end
                if (!same_as_reference(head + printable(rng, 11))) return;  // cut before ASCII
                if (!same_as_reference(head + "\"" + seq)) return;          // before a quote
                if (!same_as_reference(head + seq.substr(0, cut) + seq)) return;  // repeated
            }
        }
    }
}

TEST_CASE("escape: long clean runs, with a special byte at the end or none") {
    std::mt19937 rng(4);
    for (const std::size_t n : {255, 256, 257, 4095, 4096, 65537}) {
        const std::string run = printable(rng, n);
        CHECK(same_as_reference(run));
        CHECK(same_as_reference(run + "\n"));
        CHECK(same_as_reference(run + "\xE2\x82\xAC" + run));
        CHECK(same_as_reference(run + "\xE2\x82" + run));
    }
}

TEST_CASE("escape: random inputs, mostly ASCII with specials and UTF-8 pieces") {
    std::mt19937 rng(5);
    std::uniform_int_distribution<int> kind(0, 99), any_byte(0, 255), length(0, 80);
    std::uniform_int_distribution<std::size_t> pick(0, kUtf8.size() - 1);
    for (int round = 0; round < 20000; ++round) {
        std::string s;
        const int n = length(rng);
        while (static_cast<int>(s.size()) < n) {
            const int k = kind(rng);
            if (k < 80) {
                s += printable(rng, 1);
            } else if (k < 90) {
                s.push_back(static_cast<char>(any_byte(rng)));
            } else {
                const std::string& seq = kUtf8[pick(rng)];
                s += seq.substr(0, 1 + static_cast<std::size_t>(any_byte(rng)) % seq.size());
            }
        }
        if (!same_as_reference(s)) return;
        // The output is always one valid JSON string (nlohmann::json checks UTF-8 too).
        const auto parsed = nlohmann::json::parse(escaped(s), nullptr, false);
        REQUIRE(parsed.is_string());
    }
}

TEST_CASE(
    "scan: both scans find the first special byte, whatever its value, position and the length") {
    // Every byte value at every position of strings of 0-40 bytes (all the paths: byte loop,
    // halves, one block or word plus the end, several), the rest clean, and a second special byte
    // after it that must not win.
    const auto reference = [](std::string_view s) {
        std::size_t i = 0;
        while (i < s.size() && !asset_sdk::json_needs_escaping(static_cast<unsigned char>(s[i]))) {
            ++i;
        }
        return i;
    };
    std::mt19937 rng(3);
    std::size_t cases = 0;
    for (std::size_t n = 0; n <= 40; ++n) {
        for (std::size_t at = 0; at <= n; ++at) {  // at == n: no special byte
            for (int byte = 0; byte < 256; ++byte) {
                if (at == n && byte > 0) break;
                std::string s = printable(rng, n);
                if (at < n) s[at] = static_cast<char>(byte);
                if (at + 3 < n) s[at + 3] = '"';
                // In a buffer of exactly n bytes, so that a sanitizer build sees any read past it.
                const std::vector<char> exact(s.begin(), s.end());
                const std::string_view view(exact.data(), n);
                const std::size_t want = reference(view);
                ++cases;
                if (asset_sdk::detail::clean_prefix_words(view) != want) {
                    FAIL_CHECK("words: n=" << n << " at=" << at << " byte=" << byte);
                    return;
                }
#if defined(__SSE2__)
                if (asset_sdk::detail::clean_prefix_sse2(view) != want) {
                    FAIL_CHECK("sse2: n=" << n << " at=" << at << " byte=" << byte);
                    return;
                }
#endif
            }
        }
    }
    CHECK(cases > 200'000);
}
