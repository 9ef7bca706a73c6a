// JSON text that is complete but not decodable: what a server writes when it cuts a string
// inside a character (Java's Jackson emits the lone UTF-16 surrogate "\ud83d" of a cut emoji),
// copies raw bytes of a legacy encoding, or forgets to escape a control character. A strict
// parser (simdjson) refuses the whole document for one such byte; these helpers let a caller
// tell that case from a document that is cut short or structurally broken, and repair it so
// everything else in it can still be read.
//
// Hand-written: no Debian JSON library repairs text, and the rules are small (RFC 8259 strings,
// Unicode's U+FFFD substitution).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace asset_sdk {

// True when `text` is one whole JSON array or object as far as its structure goes: after
// optional whitespace it opens with '[' or '{', every string is closed, brackets and braces
// balance and match, and only whitespace follows the closing one. Says nothing about what is
// between the brackets (values, commas, escapes, UTF-8): a document cut mid-way or with a
// stray closing bracket fails; a complete one with an undecodable string passes.
bool json_structure_complete(std::string_view text);

struct JsonRepairCounts {
    std::size_t lone_surrogates = 0;  // \uD800-\uDFFF escapes not forming a pair → U+FFFD
    std::size_t invalid_escapes = 0;  // \x, \u12G4 … → U+FFFD
    std::size_t invalid_utf8 = 0;     // maximal invalid subparts of raw bytes → U+FFFD
    std::size_t control_chars = 0;    // raw U+0000-U+001F inside strings → \u00XX
    std::size_t first_offset = 0;     // byte offset in the input of the first repair

    std::size_t total() const {
        return lone_surrogates + invalid_escapes + invalid_utf8 + control_chars;
    }
};

// Copies `text` into `out` (replaced) with every string made decodable: lone surrogate escapes,
// invalid escapes and invalid UTF-8 become U+FFFD (written as UTF-8), raw control characters
// are escaped. Bytes outside strings are copied unchanged (an error there is structural, not a
// matter of decoding). Valid text comes out byte-identical, with all counts 0.
JsonRepairCounts repair_json_strings(std::string_view text, std::string& out);

}  // namespace asset_sdk
