// FileDestination through make_destination: NDJSON appended in order and durable, a torn last
// line from an earlier crash left alone, and its checks (the directory must exist; checking
// writes nothing). No process, no socket: the Sekoia destination is in
// tests/integration/delivery/sekoia_destination_test.cpp.
#include "delivery_test_util.h"

#include "process.h"
#include "temp_dir.h"

#include <asset_sdk/clock.h>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using asset_host::DestinationSpec;
using deliverytest::make_batch;
using deliverytest::run_checks;

TEST_CASE("file destination: NDJSON appended and durable; checks") {
    testsupport::TempDir dir;
    const auto path = dir / "out" / "records.ndjson";
    DestinationSpec spec;
    spec.type = DestinationSpec::Type::kFile;
    spec.file.path = path;

    bool ok = true;
    auto checks = run_checks(spec, &ok);
    CHECK_FALSE(ok);  // the directory does not exist
    std::filesystem::create_directories(path.parent_path());
    checks = run_checks(spec, &ok);
    CHECK(ok);
    CHECK_FALSE(std::filesystem::exists(path));  // checking writes nothing

    // A torn last line from an earlier crash must not swallow the next record.
    std::ofstream(path) << deliverytest::device_record(1) << "\n{\"torn\":";
    asset_sdk::ManualClock clock;
    auto dest = asset_host::delivery::make_destination(spec, clock);
    REQUIRE(dest.is_ok());
    CHECK((*dest)->max_concurrency() == 1);
    CHECK((*dest)->deliver(make_batch(2, 3), {}).status.is_ok());
    CHECK((*dest)->deliver(make_batch(5, 2), {}).status.is_ok());
    const auto lines = testsupport::split_lines(testsupport::read_file(path));
    REQUIRE(lines.size() == 7);
    CHECK(lines[1] == "{\"torn\":");
    for (std::uint64_t i = 2; i <= 6; ++i) CHECK(lines[i] == deliverytest::device_record(i));
}
