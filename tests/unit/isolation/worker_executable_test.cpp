// Where asset-host finds its worker executable (isolation/spawner.h worker_executable): the
// installed location relative to asset-host first, then beside it (the build tree), and an
// error naming both when neither holds one.
#include "isolation/spawner.h"

#include "temp_dir.h"

#include <doctest/doctest.h>

#include <filesystem>

using asset_host::isolation::worker_executable;
namespace fs = std::filesystem;

namespace {

constexpr char kInstalled[] = "../libexec/asset-host/asset-host-worker";

fs::path executable(const testsupport::TempDir& dir, const std::string& name) {
    const fs::path p = dir.write(name, "#!/bin/sh\n");
    fs::permissions(p, fs::perms::owner_exec, fs::perm_options::add);
    return p;
}

}  // namespace

TEST_CASE("an installed asset-host finds its worker under libexec, relative to itself") {
    testsupport::TempDir prefix;
    fs::create_directories(prefix / "bin");
    const fs::path worker = executable(prefix, "libexec/asset-host/asset-host-worker");
    executable(prefix, "bin/asset-host-worker");  // the installed one wins
    const auto found = worker_executable((prefix / "bin").string(), kInstalled);
    REQUIRE(found.is_ok());
    CHECK(*found == worker.string());
}

TEST_CASE("in a build tree the worker is beside asset-host") {
    testsupport::TempDir build;
    const fs::path worker = executable(build, "bin/asset-host-worker");
    const auto found = worker_executable((build / "bin").string(), kInstalled);
    REQUIRE(found.is_ok());
    CHECK(*found == worker.string());
}

TEST_CASE("no worker executable: the error names both places and what to do") {
    testsupport::TempDir prefix;
    fs::create_directories(prefix / "bin");
    // Present but not executable, or a directory: not a worker.
    prefix.write("bin/asset-host-worker", "not a program");
    fs::create_directories(prefix / "libexec/asset-host/asset-host-worker");
    const auto found = worker_executable((prefix / "bin").string(), kInstalled);
    REQUIRE_FALSE(found.is_ok());
    const std::string message = found.status().message();
    CHECK(message.find("cannot start a worker process") != std::string::npos);
    CHECK(message.find((prefix / "libexec/asset-host/asset-host-worker").string()) !=
          std::string::npos);
    CHECK(message.find((prefix / "bin/asset-host-worker").string()) != std::string::npos);
    CHECK(message.find("reinstall, or use isolation: thread") != std::string::npos);
}
