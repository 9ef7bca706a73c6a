// run_cycle in process without any socket: a synthetic plugin (FakePlugin), the real pipeline,
// the real CheckpointStore in a temp dir and an NDJSON file destination; and the cycle's
// summary line. The same against sekoia-sim is in
// tests/integration/delivery/cycle_runner_sekoia_test.cpp.
#include "cycle/cycle_runner.h"
#include "delivery/destination_factory.h"
#include "delivery_test_util.h"
#include "fake_plugin.h"

#include "process.h"
#include "temp_dir.h"

#include <asset_sdk/clock.h>

#include <doctest/doctest.h>

using asset_host::CancelSource;
using asset_host::CheckpointStore;
using asset_host::Manifest;
using asset_host::RecordSink;
using asset_host::cycle::CycleSummary;
using asset_host::cycle::run_cycle;
using deliverytest::FakePlugin;
using namespace std::chrono_literals;

TEST_CASE("file destination: a cycle writes NDJSON in emission order") {
    testsupport::TempDir dir;
    CheckpointStore store(dir.path() / "state");
    Manifest m;
    m.name = "devices";
    m.plugin = "fake";
    m.destination.type = asset_host::DestinationSpec::Type::kFile;
    m.destination.file.path = dir / "out.ndjson";
    m.destination.batch_size = 7;
    m.destination.max_in_flight = 4;
    asset_sdk::ManualClock clock;
    auto dest = asset_host::delivery::make_destination(m.destination, clock);
    REQUIRE(dest.is_ok());
    FakePlugin plugin;
    plugin.total = 100;
    CancelSource cancel;
    const CycleSummary s = run_cycle(
        m,
        [&](RecordSink& sink, const std::optional<std::string>& cp, bool full) {
            return plugin(sink, cp, full);
        },
        **dest, store, cancel.token(), asset_sdk::SystemClock::instance());
    CHECK(s.ok());
    const auto lines = testsupport::split_lines(testsupport::read_file(dir / "out.ndjson"));
    REQUIRE(lines.size() == 100);
    for (std::uint64_t i = 0; i < 100; ++i) CHECK(lines[i] == deliverytest::device_record(i + 1));
}

TEST_CASE("summary line and marker hints") {
    CycleSummary s;
    s.connector = "okta-devices";
    s.outcome = CycleSummary::Outcome::kFailed;
    s.records_fetched = 10;
    s.records_sent = 5;
    s.batches = 1;
    s.retries = 3;
    s.duration = 2345ms;
    s.error = "delivery: HTTP 401 \"bad\"\nkey";
    asset_host::cycle::read_summary_hints(R"({"next":"x","mode":"incremental","skipped":4})", s);
    CHECK(asset_host::cycle::format_summary(s) ==
          "cycle connector=okta-devices outcome=failed mode=incremental fetched=10 sent=5 "
          "batches=1 retries=3 skipped=4 rejected=0 duration=2.3s checkpoint=unchanged "
          "error=\"delivery: HTTP 401 \\\"bad\\\" key\"");

    CycleSummary t;
    asset_host::cycle::read_summary_hints("[1,2]", t);
    asset_host::cycle::read_summary_hints(R"({"mode":"has spaces; injected=1","skipped":-1})", t);
    CHECK(t.mode == "-");
    CHECK_FALSE(t.skipped.has_value());
}
