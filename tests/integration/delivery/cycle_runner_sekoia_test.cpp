// run_cycle end to end in process against sekoia-sim over loopback: a synthetic plugin
// (FakePlugin: records, {"next": n} markers, resume from the stored marker), the real pipeline,
// the real CheckpointStore in a temp dir, and the real Sekoia destination. The same with an
// NDJSON file, without any socket, is in tests/unit/delivery/cycle_runner_test.cpp.
#include "cycle/cycle_runner.h"
#include "delivery/destination_factory.h"
#include "delivery_test_util.h"
#include "fake_plugin.h"

#include "sekoia_test_sim.h"
#include "temp_dir.h"

#include <asset_sdk/clock.h>

#include <fstream>

#include <doctest/doctest.h>

using asset_host::CancelSource;
using asset_host::CheckpointStore;
using asset_host::Manifest;
using asset_host::RecordSink;
using asset_host::cycle::CycleOptions;
using asset_host::cycle::CycleSummary;
using asset_host::cycle::run_cycle;
using deliverytest::FakePlugin;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

Manifest sekoia_manifest(const deliverytest::SekoiaTestSim& sim) {
    Manifest m;
    m.name = "devices";
    m.plugin = "fake";
    m.destination.type = asset_host::DestinationSpec::Type::kSekoia;
    m.destination.batch_size = 100;
    m.destination.max_in_flight = 4;
    m.destination.sekoia = sim.spec();
    return m;
}

std::optional<std::uint64_t> saved_next(const CheckpointStore& store) {
    auto loaded = store.load("devices");
    REQUIRE(loaded.is_ok());
    if (!loaded->has_value()) return std::nullopt;
    return json::parse((*loaded)->marker_json)["next"].get<std::uint64_t>();
}

// Destination retries wait on a ManualClock (instant); everything else is real.
struct Rig {
    deliverytest::SekoiaTestSim sim;
    testsupport::TempDir state;
    CheckpointStore store{state.path() / "state"};
    asset_sdk::ManualClock retry_clock{std::chrono::system_clock::now()};
    Manifest manifest = sekoia_manifest(sim);

    CycleSummary run(FakePlugin& plugin, const CancelSource& cancel, CycleOptions options = {}) {
        auto dest = asset_host::delivery::make_destination(manifest.destination, retry_clock);
        REQUIRE(dest.is_ok());
        return run_cycle(
            manifest,
            [&](RecordSink& sink, const std::optional<std::string>& cp, bool full) {
                return plugin(sink, cp, full);
            },
            **dest, store, cancel.token(), asset_sdk::SystemClock::instance(), options);
    }
};

}  // namespace

TEST_CASE("clean cycle: every device arrives exactly once and the checkpoint is saved") {
    Rig rig;
    FakePlugin plugin;
    plugin.total = 1050;
    CancelSource cancel;
    const CycleSummary s = rig.run(plugin, cancel);
    CHECK_MESSAGE(s.ok(), s.error);
    CHECK(s.records_fetched == 1050);
    CHECK(s.records_sent == 1050);
    CHECK(s.batches == 11);
    CHECK(s.retries == 0);
    CHECK(s.mode == "full");
    CHECK(s.skipped == 2u);
    CHECK(s.checkpoint_saved);
    CHECK(s.max_queue_depth <= 100u * (4 + 2));
    CHECK(saved_next(rig.store) == 1050u);
    const json st = rig.sim.stats();
    CHECK(st["unique_uids"] == 1050);
    CHECK(st["duplicates"] == 0);
    const std::string line = asset_host::cycle::format_summary(s);
    CHECK(line.find("cycle connector=devices outcome=ok mode=full fetched=1050 sent=1050 "
                    "batches=11 retries=0 skipped=2 rejected=0 duration=") == 0);
    CHECK(line.find("checkpoint=saved") != std::string::npos);

    // The next cycle resumes from the saved marker: nothing left to send.
    const CycleSummary again = rig.run(plugin, cancel);
    CHECK(again.ok());
    CHECK(plugin.seen_checkpoint.has_value());
    CHECK(again.records_fetched == 0);
    CHECK(again.mode == "incremental");
    CHECK(again.checkpoint_saved);  // the marker changed ("mode")
    const CycleSummary idle = rig.run(plugin, cancel);
    CHECK(idle.ok());
    CHECK_FALSE(idle.checkpoint_saved);  // same marker as stored: the file is not rewritten
    CHECK(rig.sim.stats()["items_received"] == 1050);
}

TEST_CASE("Sekoia failing every few requests: every device still arrives") {
    Rig rig;
    rig.sim.faults(json::parse(
        R"([{"kind":"http_503","every":3},{"kind":"rate_limit_429","every":5,"retry_after":1}])"));
    FakePlugin plugin;
    plugin.total = 1200;
    CancelSource cancel;
    const CycleSummary s = rig.run(plugin, cancel);
    CHECK_MESSAGE(s.ok(), s.error);
    CHECK(s.records_sent == 1200);
    CHECK(s.retries > 0);
    CHECK(saved_next(rig.store) == 1200u);
    const json st = rig.sim.stats();
    CHECK(st["unique_uids"] == 1200);
    CHECK(st["status_counts"]["503"].get<int>() > 0);
}

TEST_CASE("Sekoia 401: the cycle fails clearly, the checkpoint is unchanged, few POSTs") {
    Rig rig;
    REQUIRE(rig.store.save("devices", "fake", R"({"next":0,"mode":"full"})").is_ok());
    rig.manifest.destination.sekoia.api_key = "sk-wrong-key-00";
    FakePlugin plugin;
    plugin.total = 5000;
    CancelSource cancel;
    const CycleSummary s = rig.run(plugin, cancel);
    CHECK(s.outcome == CycleSummary::Outcome::kFailed);
    CHECK(s.error.find("HTTP 401") != std::string::npos);
    CHECK(s.error.find("check destination.api_key") != std::string::npos);
    CHECK(s.error.find("sk-wrong-key-00") == std::string::npos);
    CHECK_FALSE(s.checkpoint_saved);
    auto loaded = rig.store.load("devices");
    REQUIRE(loaded.is_ok());
    CHECK(json::parse((*loaded)->marker_json) == json::parse(R"({"next":0,"mode":"full"})"));
    CHECK(rig.sim.stats()["posts"].get<int>() <= 4);  // at most the batches already in flight
    CHECK(s.records_fetched < 5000);                  // the plugin was stopped early
}

TEST_CASE("a failed cycle persists only the acknowledged prefix; the next one fills the gap") {
    Rig rig;
    // Requests 3, 4, ... are refused: batches 3+ never get through in this cycle.
    rig.sim.faults(json::parse(R"([{"kind":"http_400","on_request":3,"count":0}])"));
    rig.manifest.destination.max_in_flight = 1;  // so "request 3" is "batch 3"
    FakePlugin plugin;
    plugin.total = 1000;
    CancelSource cancel;
    const CycleSummary first = rig.run(plugin, cancel);
    CHECK(first.outcome == CycleSummary::Outcome::kFailed);
    CHECK(saved_next(rig.store) == 200u);

    rig.sim.reset();
    const CycleSummary second = rig.run(plugin, cancel);
    CHECK_MESSAGE(second.ok(), second.error);
    CHECK(second.records_fetched == 800);
    CHECK(saved_next(rig.store) == 1000u);
    // Devices 201..1000 arrived in the second cycle; 1..200 in the first: none missing.
    const auto uids = rig.sim.uids();  // sorted, as the sim lists them
    CHECK(uids.size() == 800);
    CHECK(*uids.begin() == deliverytest::device_uid(201));
}

TEST_CASE("cancellation (SIGTERM): acknowledged progress saved, the next cycle resumes") {
    Rig rig;
    FakePlugin plugin;
    plugin.total = 3000;
    CancelSource cancel;
    plugin.to_cancel = &cancel;
    plugin.cancel_after = 700;
    CycleOptions options;
    options.grace_period = 5s;
    const CycleSummary s = rig.run(plugin, cancel, options);
    CHECK(s.outcome == CycleSummary::Outcome::kCancelled);
    const auto saved = saved_next(rig.store);
    CHECK(saved.value_or(0) <= s.records_sent);  // never ahead of the acknowledgements
    CHECK(s.records_fetched <= 700);

    FakePlugin resume;
    resume.total = 3000;
    CancelSource fresh;
    const CycleSummary next = rig.run(resume, fresh);
    CHECK_MESSAGE(next.ok(), next.error);
    CHECK(rig.sim.uids().size() == 3000);  // none missing
}

TEST_CASE("a plugin error: what it emitted is still delivered and checkpointed") {
    Rig rig;
    FakePlugin plugin;
    plugin.total = 1000;
    plugin.fail_after = 250;
    CancelSource cancel;
    const CycleSummary s = rig.run(plugin, cancel);
    CHECK(s.outcome == CycleSummary::Outcome::kFailed);
    CHECK(s.error == "plugin: boom");
    CHECK(s.records_sent == 250);
    CHECK(saved_next(rig.store) == 250u);
    CHECK(rig.sim.stats()["unique_uids"] == 250);
}

TEST_CASE("an unreadable checkpoint fails the cycle before fetching") {
    Rig rig;
    std::filesystem::create_directories(rig.store.path_for("devices").parent_path());
    std::ofstream(rig.store.path_for("devices")) << "{not json";
    FakePlugin plugin;
    CancelSource cancel;
    const CycleSummary s = rig.run(plugin, cancel);
    CHECK(s.outcome == CycleSummary::Outcome::kFailed);
    CHECK(s.error.find("cannot read the checkpoint") != std::string::npos);
    CHECK(rig.sim.stats()["posts"] == 0);
}

TEST_CASE("--full ignores the stored checkpoint") {
    Rig rig;
    REQUIRE(rig.store.save("devices", "fake", R"({"next":900})").is_ok());
    FakePlugin plugin;
    plugin.total = 1000;
    CancelSource cancel;
    CycleOptions options;
    options.full = true;
    const CycleSummary s = rig.run(plugin, cancel, options);
    CHECK(s.ok());
    CHECK(plugin.seen_full);
    CHECK(s.records_fetched == 1000);
}
