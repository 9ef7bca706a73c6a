// UTF-8 validation shared by the JSON writer and the JSON text repair (private to asset_sdk).
#pragma once

#include <cstddef>
#include <string_view>

namespace asset_sdk::detail {

inline constexpr std::string_view kReplacementUtf8 = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence starting at s[i] (i < s.size()), or 0 when invalid. On
// invalid input, `consumed` is the maximal subpart to replace by one U+FFFD (Unicode §3.9 "best
// practice"), always at least 1.
std::size_t utf8_sequence(std::string_view s, std::size_t i, std::size_t& consumed);

}  // namespace asset_sdk::detail
