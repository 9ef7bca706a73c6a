#include "config/byte_size.h"

#include <asset_sdk/text.h>

#include <array>
#include <charconv>
#include <utility>

namespace asset_host {

namespace {

constexpr std::array<std::pair<std::string_view, unsigned>, 5> kUnits = {
    {{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}, {"B", 0}}};

}  // namespace

std::optional<std::uint64_t> parse_byte_size(std::string_view text) {
    text = asset_sdk::trim(text);
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end == text.data()) return std::nullopt;
    const std::string_view unit = asset_sdk::trim(text.substr(end - text.data()));
    unsigned shift = 0;
    if (!unit.empty()) {
        bool known = false;
        for (const auto& [name, s] : kUnits) {
            if (unit == name) {
                shift = s;
                known = true;
            }
        }
        if (!known) return std::nullopt;
    }
    if (value == 0 || (shift > 0 && value > (UINT64_MAX >> shift))) return std::nullopt;
    return value << shift;
}

std::string format_byte_size(std::uint64_t bytes) {
    for (const auto& [name, shift] : kUnits) {
        const std::uint64_t unit = std::uint64_t{1} << shift;
        if (bytes != 0 && bytes % unit == 0)
            return std::to_string(bytes / unit) + std::string(name);
    }
    return "0B";
}

}  // namespace asset_host
