#include "scheduler/shard.h"

#include "common/logging.h"

#include <charconv>
#include <optional>

namespace asset_host::scheduler {

namespace {

constexpr std::uint64_t kFnvOffsetBasis = 0xcbf29ce484222325ULL;
constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;
constexpr std::uint32_t kMaxShards = 65536;

// A whole-string decimal number, or nullopt.
std::optional<std::uint64_t> decimal(std::string_view text) {
    if (text.empty() || text.size() > 9) return std::nullopt;
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// The shard index: "2", or the ordinal of a pod name "asset-host-2".
std::optional<std::uint64_t> shard_index(std::string_view text) {
    if (auto plain = decimal(text)) return plain;
    const auto dash = text.rfind('-');
    if (dash == std::string_view::npos || dash == 0) return std::nullopt;
    return decimal(text.substr(dash + 1));
}

asset_sdk::Status bad_shard(std::string_view text, const std::string& why) {
    return asset_sdk::invalid_argument(
        "invalid shard '" + std::string(text) + "': " + why +
        "; write I/N with 0 <= I < N, e.g. 0/3, 1/3, 2/3 (I may be a pod name ending in "
        "-I, e.g. asset-host-2/3)");
}

}  // namespace

std::uint64_t fnv1a_64(std::string_view bytes) {
    std::uint64_t h = kFnvOffsetBasis;
    for (const char c : bytes) {
        h ^= static_cast<unsigned char>(c);
        h *= kFnvPrime;
    }
    return h;
}

bool Shard::owns(std::string_view connector_name) const {
    return fnv1a_64(connector_name) % count == index;
}

std::string Shard::text() const {
    return std::to_string(index) + "/" + std::to_string(count);
}

asset_sdk::Result<Shard> parse_shard(std::string_view text) {
    const auto slash = text.rfind('/');
    if (slash == std::string_view::npos) return bad_shard(text, "no '/'");
    const auto count = decimal(text.substr(slash + 1));
    if (!count || *count == 0 || *count > kMaxShards) {
        return bad_shard(text, "N must be a number from 1 to " + std::to_string(kMaxShards));
    }
    const auto index = shard_index(text.substr(0, slash));
    if (!index) return bad_shard(text, "I must be a number (or a name ending in -<number>)");
    if (*index >= *count) return bad_shard(text, "I must be less than N");
    return Shard{static_cast<std::uint32_t>(*index), static_cast<std::uint32_t>(*count)};
}

std::vector<Manifest> manifests_of_shard(std::vector<Manifest> manifests, const Shard& shard) {
    std::vector<Manifest> mine;
    for (auto& m : manifests) {
        if (shard.owns(m.name)) mine.push_back(std::move(m));
    }
    return mine;
}

ManifestSource shard_source(ManifestSource source, Shard shard) {
    return [source = std::move(source), shard]() -> asset_sdk::Result<std::vector<Manifest>> {
        auto listed = source();
        if (!listed.is_ok()) return listed;
        const auto enabled = [](const std::vector<Manifest>& ms) {
            std::size_t n = 0;
            for (const auto& m : ms) n += m.enabled ? 1 : 0;
            return n;
        };
        const std::size_t total = enabled(*listed);
        std::vector<Manifest> mine = manifests_of_shard(std::move(listed).value(), shard);
        host_log().info("shard {}: {} of {} enabled connector(s) are this host's", shard.text(),
                        enabled(mine), total);
        return mine;
    };
}

}  // namespace asset_host::scheduler
