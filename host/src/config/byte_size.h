// Sizes in manifests (limits.memory): "512MiB", "2GiB", "1048576" — binary units only, so a
// size always means what it says.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace asset_host {

// An integer followed by B, KiB, MiB, GiB or TiB (a space between is allowed), or a plain
// integer of bytes. nullopt for anything else, zero, or a value that overflows 64 bits.
std::optional<std::uint64_t> parse_byte_size(std::string_view text);

// The largest unit that divides it exactly: 536870912 -> "512MiB", 1536 -> "1536B".
std::string format_byte_size(std::uint64_t bytes);

}  // namespace asset_host
