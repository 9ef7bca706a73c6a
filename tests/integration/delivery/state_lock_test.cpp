// One asset-host per state directory, through the real binary: a second instance that would
// deliver or change state exits 2 at once naming the holder's pid (nothing is sent twice),
// read-only commands still work, and a holder killed with SIGKILL never leaves a lock behind.
#include "delivery_fixture.h"

#include "eventually.h"

#include <signal.h>

#include <fstream>

using deliveryit::ConnectorSpec;
using deliveryit::contains;
using deliveryit::Rig;
using namespace std::chrono_literals;

namespace {

bool wait_for_items(const Rig& rig, int n) {
    return testsupport::eventually([&] { return rig.sim.items_received() >= n; }, 30s, 10ms);
}

std::string in_use_by(int pid) {
    return "asset-host: state directory state is in use by asset-host pid " + std::to_string(pid);
}

}  // namespace

TEST_CASE("a second instance on the same state directory exits 2 naming the pid") {
    Rig rig;
    ConnectorSpec c;
    c.delay_ms = 2;  // ~4 s for 2000 devices: long enough to try the others meanwhile
    rig.write_manifest(c);
    auto first = rig.start({"run", "--once"});
    REQUIRE(wait_for_items(rig, 200));

    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"run", "--once"},
             {"fetch", "devices"},
             {"state", "reset", "devices"},
             {"replay", "devices", "state/devices.rejected.ndjson"}}) {
        CAPTURE(args.front());
        const auto started = std::chrono::steady_clock::now();
        const auto second = rig.run(args, 20s);
        CHECK_MESSAGE(second.exited_with(2), second.err);
        CHECK(contains(second.err, in_use_by(first->pid())));
        CHECK(std::chrono::steady_clock::now() - started < 5s);  // at once, not after the holder
    }
    // Read-only commands do not take the lock.
    CHECK(rig.run({"state", "show", "devices"}).exited_with(0));
    CHECK(rig.run({"state", "rejected", "devices"}).exited_with(0));
    CHECK(rig.run({"validate"}).exited_with(0));
    const auto dry = rig.run({"fetch", "devices", "--output", "-", "--full"});
    CHECK_MESSAGE(dry.exited_with(0), dry.err);

    const auto r = first->wait(60s);
    rig.check_no_secrets(r);
    CHECK_MESSAGE(r.exited_with(0), r.err);
    const auto stats = rig.stats();
    CHECK(stats["unique_uids"] == 2000);
    CHECK(stats["duplicates"] == 0);  // nothing was sent twice
    CHECK(rig.checkpoint() == 2000L);
}

TEST_CASE("a lock left by a process killed with SIGKILL never blocks the next run") {
    Rig rig;
    ConnectorSpec c;
    c.delay_ms = 2;
    rig.write_manifest(c);
    int killed_pid = 0;
    {
        auto host = rig.start({"run", "--once"});
        killed_pid = host->pid();
        REQUIRE(wait_for_items(rig, 200));
        host->signal(SIGKILL);
        CHECK(host->wait(10s).term_signal == SIGKILL);
    }
    // The file is still there with the dead holder's pid: only the kernel's flock counts.
    std::ifstream lock(rig.state() / ".lock");
    int pid_in_file = 0;
    lock >> pid_in_file;
    CHECK(pid_in_file == killed_pid);

    const auto again = rig.run({"run", "--once"});
    CHECK_MESSAGE(again.exited_with(0), again.err);
    CHECK(Rig::all_devices(rig.uids(), 2000));
    CHECK(rig.checkpoint() == 2000L);
}

TEST_CASE("the state directory is created before it is locked") {
    Rig rig;
    rig.write_manifest(ConnectorSpec{});
    std::filesystem::remove_all(rig.state());
    const auto r = rig.run({"fetch", "devices"});
    CHECK_MESSAGE(r.exited_with(0), r.err);
    CHECK(std::filesystem::is_regular_file(rig.state() / ".lock"));
    CHECK((std::filesystem::status(rig.state() / ".lock").permissions() &
           std::filesystem::perms::others_read) == std::filesystem::perms::none);
}
