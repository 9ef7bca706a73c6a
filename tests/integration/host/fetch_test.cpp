// `fetch --output`: NDJSON streamed while the plugin runs, files written all-or-nothing,
// checkpoints handed back but never stored, Ctrl-C / SIGTERM stop it promptly.
#include "host_fixture.h"

#include "state/checkpoint_store.h"

#include <nlohmann/json.hpp>

#include <signal.h>

#include <chrono>
#include <thread>

using namespace hosttest;
using Clock = std::chrono::steady_clock;

namespace {
std::string uid_of(const std::string& line) {
    return nlohmann::json::parse(line)["device"]["uid"].get<std::string>();
}
}  // namespace

TEST_CASE("fetch --output - prints one valid OCSF record per line") {
    Host host;
    host.manifest("example.yaml",
                  example_manifest("example", "  records: 5\n  checkpoint_every: 2\n"));
    testsupport::Process p(host.argv({"fetch", "example", "--output", "-"}), host.options());
    for (int i = 0; i < 5; ++i) {
        const auto line = p.read_line(std::chrono::seconds(20));
        REQUIRE(line.has_value());
        const auto rec = nlohmann::json::parse(*line);
        CHECK(rec["class_uid"] == 5001);
        CHECK(rec["activity_id"] == 2);
        CHECK(rec["type_uid"] == 500102);
        CHECK(rec["category_uid"] == 5);
        CHECK(rec["severity_id"] == 1);
        CHECK(rec["time"].is_number());
        CHECK(rec["metadata"]["product"]["name"].is_string());
        CHECK(rec["metadata"]["version"].is_string());
        CHECK(rec["device"]["uid"] == "example-" + std::to_string(i));
        CHECK(rec["device"]["hostname"].is_string());
        CHECK(rec["device"]["type_id"].is_number_integer());
        CHECK(rec["device"]["type"].is_string());
    }
    CHECK_FALSE(p.read_line(std::chrono::seconds(20)).has_value());  // EOF: nothing else
    const auto r = p.wait(std::chrono::seconds(20));
    CHECK(r.exited_with(0));
    CHECK(contains(r.err, "fetch done in "));
    CHECK(contains(r.err, "5 records, 3 checkpoint markers to stdout"));
    CHECK_FALSE(fs::exists(host.state()));  // a dry run stores nothing
}

TEST_CASE("records arrive on stdout while the plugin is still running") {
    Host host;
    // 8 records, 150 ms apart, a marker after each: about 1.2 s in all.
    host.manifest("slow.yaml", example_manifest("slow",
                                                "  records: 8\n  delay_ms: 150\n"
                                                "  checkpoint_every: 1\n"));
    testsupport::Process p(host.argv({"fetch", "slow", "--output", "-"}), host.options());
    const auto first = p.read_line(std::chrono::seconds(20));
    REQUIRE(first.has_value());
    CHECK(uid_of(*first) == "example-0");
    CHECK(p.running());  // streamed, not buffered until the end
    const auto second = p.read_line(std::chrono::seconds(20));
    REQUIRE(second.has_value());
    CHECK(uid_of(*second) == "example-1");
    CHECK(p.running());
    const auto r = p.wait(std::chrono::seconds(30));
    CHECK(r.exited_with(0));
    CHECK(testsupport::split_lines(r.out).size() == 6);  // the rest
}

TEST_CASE("fetch --output FILE writes the whole file, and nothing else") {
    Host host;
    host.manifest("example.yaml", example_manifest("example", "  records: 250\n"));
    const auto r = host.run({"fetch", "example", "--output", "out.ndjson"});
    CHECK(r.exited_with(0));
    CHECK(r.out.empty());
    const auto lines = testsupport::split_lines(testsupport::read_file(host.root() / "out.ndjson"));
    REQUIRE(lines.size() == 250);
    CHECK(uid_of(lines.front()) == "example-0");
    CHECK(uid_of(lines.back()) == "example-249");
    CHECK_FALSE(fs::exists(host.root() / "out.ndjson.partial"));
}

TEST_CASE("a failing cycle leaves no output file and exits 1 with the plugin's error") {
    Host host;
    host.manifest("failing.yaml", example_manifest("failing", "  records: 10\n  fail_after: 3\n"));
    host.write("out.ndjson", "previous content\n");
    const auto r = host.run({"fetch", "failing", "--output", "out.ndjson"});
    CHECK(r.exited_with(1));
    CHECK(contains(r.err,
                   "asset-host: fetch failed: simulated failure after 3 records "
                   "(3 records, 0 checkpoint markers)\n"));
    CHECK(testsupport::read_file(host.root() / "out.ndjson") == "previous content\n");
    CHECK_FALSE(fs::exists(host.root() / "out.ndjson.partial"));

    fs::remove(host.root() / "out.ndjson");
    CHECK(host.run({"fetch", "failing", "--output", "out.ndjson"}).exited_with(1));
    CHECK_FALSE(fs::exists(host.root() / "out.ndjson"));
}

TEST_CASE("an unwritable output is an operational failure") {
    Host host;
    host.manifest("example.yaml", example_manifest("example"));
    const auto r = host.run({"fetch", "example", "--output", "no/such/dir/out.ndjson"});
    CHECK(r.exited_with(1));
    CHECK(contains(r.err,
                   "asset-host: cannot write no/such/dir/out.ndjson.partial: No such file "
                   "or directory\n"));
}

TEST_CASE("a config error exits 2 before anything runs") {
    Host host;
    host.manifest("bad.yaml", example_manifest("bad", "  records: many\n"));
    const auto r = host.run({"fetch", "bad", "--output", "out.ndjson"});
    CHECK(r.exited_with(2));
    CHECK(r.err == "manifests/bad.yaml: config.records: must be an integer, got string\n");
    CHECK_FALSE(fs::exists(host.root() / "out.ndjson.partial"));
    const auto unknown = host.run({"fetch", "nobody", "--output", "-"});
    CHECK(unknown.exited_with(2));
}

TEST_CASE("the stored checkpoint is handed to the plugin (survives a restart); --full ignores it") {
    Host host;
    host.manifest("example.yaml", example_manifest("example", "  records: 5\n"));
    // Saved by this process, read by the asset-host process.
    asset_host::CheckpointStore store(host.state());
    REQUIRE(store.save("example", "example", R"({"next": 3})").is_ok());
    const std::string stored = testsupport::read_file(host.state() / "example.json");

    auto r = host.run({"fetch", "example", "--output", "-"});
    REQUIRE(r.exited_with(0));
    auto lines = testsupport::split_lines(r.out);
    REQUIRE(lines.size() == 2);
    CHECK(uid_of(lines[0]) == "example-3");
    CHECK(uid_of(lines[1]) == "example-4");
    CHECK(contains(r.err, "resuming from the stored checkpoint"));

    r = host.run({"fetch", "example", "--output", "-", "--full"});
    REQUIRE(r.exited_with(0));
    lines = testsupport::split_lines(r.out);
    REQUIRE(lines.size() == 5);
    CHECK(uid_of(lines[0]) == "example-0");
    // A dry run never moves the checkpoint.
    CHECK(testsupport::read_file(host.state() / "example.json") == stored);
}

TEST_CASE("SIGINT and SIGTERM stop a slow fetch promptly, exit 1, nothing left behind") {
    for (const int sig : {SIGINT, SIGTERM}) {
        for (const std::string out : {"-", "out.ndjson"}) {
            INFO("signal " << sig << ", output " << out);
            Host host;
            // 1000 records at 50 ms each would take 50 s.
            host.manifest("slow.yaml", example_manifest("slow",
                                                        "  records: 1000\n  delay_ms: 50\n"
                                                        "  checkpoint_every: 1\n"));
            testsupport::Process p(host.argv({"fetch", "slow", "--output", out}), host.options());
            if (out == "-") {
                REQUIRE(p.read_line(std::chrono::seconds(20)).has_value());  // it is running
            } else {
                const auto deadline = Clock::now() + std::chrono::seconds(20);
                while (!fs::exists(host.root() / "out.ndjson.partial") && Clock::now() < deadline) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(20));
                }
                REQUIRE(fs::exists(host.root() / "out.ndjson.partial"));
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
            }
            const auto sent = Clock::now();
            p.signal(sig);
            const auto r = p.wait(std::chrono::seconds(10));
            const auto took = Clock::now() - sent;
            CHECK(took < std::chrono::seconds(2));
            CHECK(r.exited_with(1));
            CHECK(contains(r.err, std::string("asset-host: fetch cancelled by ") +
                                      (sig == SIGINT ? "SIGINT" : "SIGTERM")));
            CHECK(contains(r.err, "nothing stored)"));
            CHECK_FALSE(fs::exists(host.root() / "out.ndjson"));
            CHECK_FALSE(fs::exists(host.root() / "out.ndjson.partial"));
        }
    }
}

TEST_CASE("a reader that goes away stops the fetch with a clear error") {
    Host host;
    host.manifest("slow.yaml", example_manifest("slow",
                                                "  records: 1000\n  delay_ms: 5\n"
                                                "  checkpoint_every: 1\n"));
    const auto start = Clock::now();
    // `asset-host fetch ... | head -n 1` in a shell.
    const auto r = testsupport::run_process(
        {"/bin/sh", "-c",
         "\"$0\" --plugins-dir plugins --manifests-dir manifests fetch slow --output - | head -n 1 "
         ">/dev/null",
         kBin.string()},
        host.options());
    CHECK(r.exited_with(0));
    CHECK(Clock::now() - start < std::chrono::seconds(4));  // not the 5 s of the whole cycle
    CHECK(
        contains(r.err, "fetch stopped: cannot write stdout: the output was closed (broken pipe)"));
}
