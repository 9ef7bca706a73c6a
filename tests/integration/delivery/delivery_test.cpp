// The issue's delivery scenarios through the real asset-host binary: real plugin loading (the
// example plugin), real HTTP to sekoia-sim, real signals.
#include "delivery_fixture.h"

#include "checkpoint_watcher.h"
#include "eventually.h"

#include <signal.h>

#include <thread>

using deliveryit::ConnectorSpec;
using deliveryit::contains;
using deliveryit::json;
using deliveryit::kKey;
using deliveryit::Rig;
using namespace std::chrono_literals;

namespace {

// Looks at the "nothing lost" invariant every 20 ms while a run goes on.
class InvariantWatch : public testsupport::CheckpointWatcher {
public:
    explicit InvariantWatch(const Rig& rig)
        : CheckpointWatcher(
              [&rig] {
                  Look look;
                  look.ok = rig.checkpoint_covered();
                  return look;
              },
              20ms) {}
};

bool wait_for_items(const Rig& rig, int n, std::chrono::milliseconds timeout = 30s) {
    return testsupport::eventually([&] { return rig.stats()["items_received"].get<int>() >= n; },
                                   timeout, 10ms);
}

}  // namespace

TEST_CASE("clean run: every device arrives exactly once") {
    Rig rig;
    rig.write_manifest(ConnectorSpec{});
    const auto r = rig.run({"run", "--once"});
    CHECK_MESSAGE(r.exited_with(0), r.err);
    const auto stats = rig.stats();
    CHECK(stats["unique_uids"] == 2000);
    CHECK(stats["duplicates"] == 0);
    CHECK(rig.checkpoint() == 2000L);
    CHECK(contains(r.err, "cycle connector=devices outcome=ok"));
    CHECK(contains(r.err, "fetched=2000 sent=2000 batches=20"));
    CHECK_FALSE(contains(r.out + r.err, kKey));
}

TEST_CASE("Sekoia failing every few requests: every device arrives, no checkpoint ahead") {
    Rig rig;
    ConnectorSpec c;
    c.delay_ms = 1;  // long enough for the watcher to see intermediate checkpoints
    rig.write_manifest(c);
    rig.sim.faults(json::parse(R"([{"kind":"http_503","every":3},
                                   {"kind":"rate_limit_429","every":7,"retry_after":1},
                                   {"kind":"hang","every":11,"hang_ms":10000}])"));
    InvariantWatch watch(rig);
    const auto r = rig.run({"run", "--once"});
    watch.finish();
    CHECK_MESSAGE(r.exited_with(0), r.err);
    CHECK(watch.violations() == 0);
    CHECK(watch.looks() > 10);
    CHECK(rig.stats()["unique_uids"] == 2000);
    CHECK(rig.checkpoint() == 2000L);
    CHECK(rig.stats()["status_counts"]["503"].get<int>() > 0);
}

TEST_CASE("kill -9 mid-cycle, then restart: no device missing") {
    Rig rig;
    ConnectorSpec c;
    c.delay_ms = 2;  // ~4 s for 2000 devices
    rig.write_manifest(c);
    InvariantWatch watch(rig);
    {
        auto host = rig.start({"run", "--once"});
        REQUIRE(wait_for_items(rig, 400));
        host->signal(SIGKILL);
        const auto r = host->wait(10s);
        CHECK(r.term_signal == SIGKILL);
    }
    CHECK(rig.checkpoint().value_or(0) < 2000);
    const auto again = rig.run({"run", "--once"});
    watch.finish();
    CHECK_MESSAGE(again.exited_with(0), again.err);
    CHECK(Rig::all_devices(rig.uids(), 2000));
    CHECK(rig.checkpoint() == 2000L);
    CHECK(watch.violations() == 0);
}

TEST_CASE("SIGTERM mid-cycle: clean exit 0 within the grace period; the next run resumes") {
    Rig rig;
    ConnectorSpec c;
    c.delay_ms = 2;
    c.every = "2s";  // bounds the daemon's initial jitter (min(every, 30 s)) for the test
    rig.write_manifest(c);
    auto host = rig.start({"run", "--grace-period", "5s"});
    REQUIRE(wait_for_items(rig, 400));
    const auto signalled = std::chrono::steady_clock::now();
    host->signal(SIGTERM);
    const auto r = host->wait(15s);
    CHECK(std::chrono::steady_clock::now() - signalled < 6s);
    CHECK_MESSAGE(r.exited_with(0), r.err);
    CHECK(contains(r.err, "outcome=cancelled"));
    const long saved = rig.checkpoint().value_or(0);
    CHECK(saved > 0);
    CHECK(saved < 2000);
    CHECK(rig.checkpoint_covered());

    const auto again = rig.run({"run", "--once"});
    CHECK_MESSAGE(again.exited_with(0), again.err);
    CHECK(contains(again.err, "fetched=" + std::to_string(2000 - saved) + " "));  // resumed
    CHECK(Rig::all_devices(rig.uids(), 2000));
}

TEST_CASE("Sekoia 401: the cycle fails clearly, checkpoint unchanged, no retry storm") {
    Rig rig;
    ConnectorSpec c;
    c.records = 100;
    rig.write_manifest(c);
    REQUIRE(rig.run({"run", "--once"}).exited_with(0));
    REQUIRE(rig.checkpoint() == 100L);

    c.records = 5000;
    rig.write_manifest(c);
    rig.set_secret_env("SEKOIA_API_KEY", "sk-not-the-right-one");
    const int posts_before = rig.stats()["posts"].get<int>();
    const auto r = rig.run({"run", "--once"});
    CHECK(r.exited_with(1));
    CHECK(contains(r.err, "HTTP 401"));
    CHECK(contains(r.err, "destination.api_key"));
    CHECK_FALSE(contains(r.out + r.err, "sk-not-the-right-one"));
    CHECK(rig.checkpoint() == 100L);
    CHECK(rig.stats()["posts"].get<int>() - posts_before <= c.max_in_flight);
}

TEST_CASE("two connectors at once, one failing: the other completes") {
    Rig rig;
    ConnectorSpec good;
    good.name = "good";
    good.uuid = deliveryit::kUuidA;
    ConnectorSpec bad;
    bad.name = "bad";
    bad.uuid = deliveryit::kUuidB;
    bad.key_env = "BAD_KEY";
    rig.set_secret_env("BAD_KEY", "sk-wrong");
    rig.write_manifest(good);
    rig.write_manifest(bad);
    const auto r = rig.run({"run", "--once"});
    CHECK(r.exited_with(1));
    const auto stats = rig.stats();
    CHECK(stats["per_connector"][deliveryit::kUuidA]["unique_uids"] == 2000);
    CHECK(stats["per_connector"][deliveryit::kUuidB]["items_received"] == 0);
    CHECK(rig.checkpoint("good") == 2000L);
    CHECK_FALSE(rig.checkpoint("bad").has_value());
    CHECK(contains(r.err, "cycle connector=good outcome=ok"));
    CHECK(contains(r.err, "cycle connector=bad outcome=failed"));
}

TEST_CASE("fetch without --output delivers one cycle; test checks the destination") {
    Rig rig;
    ConnectorSpec c;
    c.records = 300;
    rig.write_manifest(c);
    const auto t = rig.run({"test", "devices"});
    CHECK_MESSAGE(t.exited_with(0), (t.out + t.err));
    CHECK(contains(t.out, "destination.reachability"));
    CHECK(contains(t.out, "destination.connector"));
    CHECK(rig.stats()["items_received"] == 0);  // the test sends no assets...
    CHECK(rig.stats()["posts"] == 1);           // ...only one empty push

    const auto f = rig.run({"fetch", "devices"});
    CHECK_MESSAGE(f.exited_with(0), f.err);
    CHECK(rig.stats()["unique_uids"] == 300);
    CHECK(rig.checkpoint() == 300L);
}
