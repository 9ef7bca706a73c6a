// Shards across hosts (`run --shard I/N`): N hosts given the same manifests and shards 0/N ...
// N-1/N run each connector exactly once. A connector belongs to shard
//
//     fnv1a_64(UTF-8 bytes of its name) mod N
//
// FNV-1a 64-bit: h = 0xcbf29ce484222325; for each byte b: h = (h XOR b) * 0x100000001b3
// (mod 2^64). The function is part of the interface (other tools compute it to know where a
// connector runs; its checkpoint lives in that host's state directory) and never changes:
// its known values are tested in tests/unit/host/shard_test.cpp.
#pragma once

#include "config/manifest.h"
#include "scheduler/scheduler.h"

#include <asset_sdk/status.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace asset_host::scheduler {

std::uint64_t fnv1a_64(std::string_view bytes);

struct Shard {
    std::uint32_t index = 0;  // I, 0 <= I < N
    std::uint32_t count = 1;  // N >= 1

    bool owns(std::string_view connector_name) const;
    std::string text() const;  // "I/N"
};

// Parses "I/N". I is a decimal number, or a name ending in "-<decimal>" (a Kubernetes
// StatefulSet pod name such as "asset-host-2": its ordinal is the shard), so a pod can be given
// `--shard $(POD_NAME)/3`. N is at most 65536. The error names the value and the form.
asset_sdk::Result<Shard> parse_shard(std::string_view text);

// The manifests of `shard`, in their order.
std::vector<Manifest> manifests_of_shard(std::vector<Manifest> manifests, const Shard& shard);

// `source` reduced to the manifests of `shard`; every listing (start, reload) logs how many
// enabled connectors the shard owns.
ManifestSource shard_source(ManifestSource source, Shard shard);

}  // namespace asset_host::scheduler
