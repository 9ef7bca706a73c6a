// Shards (`run --shard I/N`): the hash is a documented contract (other tools compute it to know
// which host runs a connector), so its values for known names are pinned here; parsing of I/N
// and of the pod-name form; the split of a manifest list.
#include "scheduler/shard.h"

#include <doctest/doctest.h>

#include <set>

using asset_host::Manifest;
using asset_host::scheduler::fnv1a_64;
using asset_host::scheduler::manifests_of_shard;
using asset_host::scheduler::parse_shard;
using asset_host::scheduler::Shard;

TEST_CASE("fnv1a_64: the published FNV-1a 64-bit values, and the shard of known names") {
    CHECK(fnv1a_64("") == 0xcbf29ce484222325ULL);  // the offset basis
    CHECK(fnv1a_64("a") == 0xaf63dc4c8601ec8cULL);
    CHECK(fnv1a_64("foobar") == 0x85944171f73967e8ULL);
    CHECK(fnv1a_64("okta-devices") == 0x73dfb1ae5ac9aa6aULL);
    CHECK(fnv1a_64("caf\xc3\xa9") == 0x48e8823acfa40d89ULL);  // UTF-8 bytes of "café"
    CHECK(Shard{1, 3}.owns("a"));
    CHECK(Shard{0, 3}.owns("foobar"));
    CHECK(Shard{2, 3}.owns("okta-devices"));
    CHECK(Shard{1, 7}.owns("okta-devices"));
    CHECK_FALSE(Shard{0, 3}.owns("okta-devices"));
    CHECK(Shard{0, 1}.owns("anything"));
}

TEST_CASE("parse_shard: I/N, a pod name ending in -I, and clear errors") {
    auto plain = parse_shard("2/3");
    REQUIRE(plain.is_ok());
    CHECK(plain->index == 2);
    CHECK(plain->count == 3);
    CHECK(plain->text() == "2/3");
    auto pod = parse_shard("asset-host-1/3");
    REQUIRE(pod.is_ok());
    CHECK(pod->index == 1);
    CHECK(parse_shard("0/1").is_ok());
    for (const char* bad : {"", "3", "3/3", "1/0", "-1/3", "a/3", "asset-host/3", "1/x", "1/3/4",
                            "1/65537", " 1/3", "1/3 ", "99999999999/3"}) {
        CAPTURE(bad);
        auto parsed = parse_shard(bad);
        REQUIRE_FALSE(parsed.is_ok());
        CHECK(parsed.status().message().find("invalid shard '" + std::string(bad) + "'") !=
              std::string::npos);
        CHECK(parsed.status().message().find("I/N") != std::string::npos);
    }
}

TEST_CASE("N shards split any list of connectors: each in exactly one, in list order") {
    std::vector<Manifest> all;
    for (int i = 0; i < 200; ++i) {
        Manifest m;
        m.name = "connector-" + std::to_string(i);
        all.push_back(m);
    }
    std::multiset<std::string> seen;
    std::size_t smallest = all.size();
    for (std::uint32_t s = 0; s < 4; ++s) {
        const auto mine = manifests_of_shard(all, Shard{s, 4});
        smallest = std::min(smallest, mine.size());
        for (std::size_t k = 1; k < mine.size(); ++k) {
            CHECK(std::stoi(mine[k - 1].name.substr(10)) < std::stoi(mine[k].name.substr(10)));
        }
        for (const auto& m : mine) seen.insert(m.name);
    }
    CHECK(seen.size() == all.size());
    for (const auto& m : all) CHECK(seen.count(m.name) == 1);
    CHECK(smallest >= 30);  // roughly even: 50 each expected
}
