// Stops that reach a real worker process (asset-host-worker, loading the example plugin) through
// the real supervisor (isolation/session.h) and spawner.
#include "isolation/session.h"
#include "isolation/spawner.h"

#include "sanitizer_build.h"

#include <asset_sdk/clock.h>

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <string>

using namespace asset_host;
using namespace asset_host::isolation;

namespace {

// Takes every record and marker; counts the records.
class CountingSink final : public RecordSink {
public:
    SinkResult record(std::string_view) override {
        ++records;
        return SinkResult::kContinue;
    }
    SinkResult checkpoint(std::string_view) override { return SinkResult::kContinue; }
    ah_stop_reason stop_reason() const override { return AH_STOP_NONE; }
    std::atomic<int> records{0};
};

WorkerConfig slow_example_fetch() {
    WorkerConfig c;
    c.command = WorkerCommand::kFetch;
    c.plugin_file = std::string(ASSET_HOST_PLUGINS_DIR) + "/example.so";
    c.plugin_id = "example";
    c.connector = "slow";
    c.manifest_file = "manifests/slow.yaml";
    // 1000 records at 50 ms each: 50 s unless the stop reaches the plugin.
    c.config_json = R"({"records": 1000, "delay_ms": 50, "checkpoint_every": 1})";
    return c;
}

}  // namespace

// A shutdown that comes while the worker is still starting: the host sends the stop right
// behind the config frame, and the worker's first read takes both out of the socket. The stop
// must still reach the plugin (it used to be dropped with the config reader's buffer: the
// worker then ran its whole cycle, and `fetch` ignored SIGINT until the grace period).
TEST_CASE("a stop sent before the worker has read its config still stops the plugin") {
    auto spawner = process_spawner();  // bin/asset-host-worker: test executables are beside it
    CancelSource cancel;
    cancel.cancel();  // already shutting down: the stop is queued right after the config
    CountingSink sink;
    SessionTargets targets;
    targets.sink = &sink;
    SessionLimits limits;
    limits.grace_period = std::chrono::seconds(20);
    const auto started = std::chrono::steady_clock::now();
    const SessionOutcome out = run_session(*spawner, slow_example_fetch(), targets, cancel.token(),
                                           asset_sdk::SystemClock::instance(), limits);
    const auto took = std::chrono::steady_clock::now() - started;
    REQUIRE(out.spawn_error.empty());
    CHECK(out.shutdown);
    CHECK(out.killed == KillReason::kNone);  // not killed after the grace period
    REQUIRE(out.result.has_value());
    CHECK(out.result->code == ResultCode::kCancelled);
    CHECK(sink.records.load() < 10);
    // Generous for a loaded machine (the worker's start), below the 20 s grace period also
    // where scaled for the instrumented build (15 s).
    CHECK(took < testsupport::scaled_bound(std::chrono::seconds(5)));
    REQUIRE(out.exit.has_value());
    CHECK_FALSE(out.exit->signaled);
    CHECK(out.exit->code == 0);
}
