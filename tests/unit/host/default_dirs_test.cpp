// Default plugins/manifests/state directories from where the binary is: a build tree, an
// installed prefix, /usr (the FHS places). The disk is a set of existing directories.
#include "cli/default_dirs.h"

#include <doctest/doctest.h>

#include <set>

using asset_host::default_dirs;
using asset_host::DefaultDirs;
namespace fs = std::filesystem;

namespace {
DefaultDirs dirs_with(const fs::path& exe_dir, std::set<fs::path> existing) {
    return default_dirs(exe_dir, "../lib/x86_64-linux-gnu/asset-host/plugins",
                        [existing](const fs::path& p) { return existing.count(p) > 0; });
}
}  // namespace

TEST_CASE("a build tree: plugins beside bin/, manifests and state in the working directory") {
    const auto d = dirs_with("/src/build/bin", {});
    CHECK(d.plugins == "/src/build/plugins");
    CHECK(d.manifests == "./manifests");
    CHECK(d.state == "./state");
}

TEST_CASE("installed under /usr: plugins under the library dir, FHS manifests and state") {
    const auto d = dirs_with("/usr/bin", {"/usr/lib/x86_64-linux-gnu/asset-host/plugins"});
    CHECK(d.plugins == "/usr/lib/x86_64-linux-gnu/asset-host/plugins");
    CHECK(d.manifests == "/etc/asset-host/manifests");
    CHECK(d.state == "/var/lib/asset-host");
}

TEST_CASE("installed elsewhere (/opt/x, a staging prefix): plugins found relative to the binary") {
    const auto d = dirs_with("/opt/x/bin", {"/opt/x/lib/x86_64-linux-gnu/asset-host/plugins"});
    CHECK(d.plugins == "/opt/x/lib/x86_64-linux-gnu/asset-host/plugins");
    CHECK(d.manifests == "./manifests");
    CHECK(d.state == "./state");
    // /usr/local is not /usr: no FHS defaults there.
    const auto local =
        dirs_with("/usr/local/bin", {"/usr/local/lib/x86_64-linux-gnu/asset-host/plugins"});
    CHECK(local.manifests == "./manifests");
}

TEST_CASE("a binary in /usr/bin without installed plugins is treated as a build tree") {
    const auto d = dirs_with("/usr/bin", {});
    CHECK(d.plugins == "/usr/plugins");
    CHECK(d.state == "./state");
}

TEST_CASE("the binary's directory unknown: relative defaults") {
    const auto d = dirs_with("", {});
    CHECK(d.plugins == "plugins");
    CHECK(d.manifests == "./manifests");
}
