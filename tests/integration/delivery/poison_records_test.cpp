// Records Sekoia refuses never stall a connector, through the real binary and sekoia-sim: the
// batch is bisected, the refused records are dead-lettered (state/<name>.rejected.ndjson), the
// others delivered, the checkpoint completes, the cycle ends "partial" with exit 0; a 413
// halves the batch size; a 401 still fails at once; an oversized record is refused before it is
// sent; `fetch --output` applies the same record check.
#include "delivery_fixture.h"

#include "eventually.h"
#include "scrape.h"

#include <sys/stat.h>

#include <csignal>

#include <fstream>
#include <sstream>

using deliveryit::ConnectorSpec;
using deliveryit::contains;
using deliveryit::json;
using deliveryit::Rig;
using deliveryit::with_records;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::vector<json> dead_letters(const Rig& rig, const std::string& name = "devices") {
    std::vector<json> out;
    std::ifstream in(rig.state() / (name + ".rejected.ndjson"));
    for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
    return out;
}

std::set<std::string> all_but(long count, const std::set<std::string>& except) {
    std::set<std::string> out;
    for (long i = 0; i < count; ++i) {
        const std::string uid = "example-" + std::to_string(i);
        if (!except.count(uid)) out.insert(uid);
    }
    return out;
}

std::size_t longest_line(const std::string& text) {
    std::size_t longest = 0;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) longest = std::max(longest, line.size());
    return longest;
}

}  // namespace

TEST_CASE("records Sekoia refuses are dead-lettered; all others delivered; partial, exit 0") {
    Rig rig;
    rig.write_manifest(ConnectorSpec{});
    const std::set<std::string> refused = {"example-7", "example-1234", "example-1999"};
    rig.sim.refusals({{"uids", refused}});
    const auto r = rig.run({"run", "--once"});
    rig.check_no_secrets(r);
    CHECK_MESSAGE(r.exited_with(0), r.err);
    CHECK(contains(r.err, "outcome=partial"));
    CHECK(contains(r.err, "rejected=3"));
    CHECK(contains(r.err, "fetched=2000 sent=1997"));
    CHECK(rig.uids() == all_but(2000, refused));  // exactly the others, none twice
    CHECK(rig.stats()["duplicates"] == 0);
    CHECK(rig.checkpoint() == 2000L);  // accounted for: the checkpoint moved past them
    const auto status = rig.run({"status", "devices", "--json"});
    CHECK_MESSAGE(status.exited_with(0), status.err);
    const json shown = json::parse(status.out).at(0);
    CHECK(shown["last_cycle"]["outcome"] == "partial");
    CHECK(shown["last_cycle"]["records_rejected"] == 3);
    CHECK(shown["last_cycle"]["records_delivered"] == 1997);
    CHECK_FALSE(shown["last_success_at"].is_null());  // partial: the cycle completed

    const auto lines = dead_letters(rig);
    REQUIRE(lines.size() == 3);
    std::set<std::string> kept;
    for (const auto& line : lines) {
        kept.insert(line["record"]["device"]["uid"].get<std::string>());
        CHECK(line["connector"] == "devices");
        CHECK(line["status"] == 400);
        CHECK(contains(line["reason"].get<std::string>(), "VALIDATION_ERROR"));
        CHECK(line["time"].get<std::string>().back() == 'Z');
    }
    CHECK(kept == refused);
    struct stat st {};
    REQUIRE(::stat((rig.state() / "devices.rejected.ndjson").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    // The next cycle is incremental: nothing is re-sent.
    const int posts = rig.stats()["posts"].get<int>();
    const auto again = rig.run({"run", "--once"});
    CHECK_MESSAGE(again.exited_with(0), again.err);
    CHECK(contains(again.err, "outcome=ok"));
    CHECK(rig.stats()["posts"].get<int>() == posts);
    CHECK(dead_letters(rig).size() == 3);

    // state rejected lists them (read-only: works while nothing holds the lock, takes none).
    const auto listed = rig.run({"state", "rejected", "devices"});
    CHECK_MESSAGE(listed.exited_with(0), listed.err);
    CHECK(contains(listed.out, "status=400"));
    CHECK(contains(listed.out, "example-1234"));
    CHECK(contains(listed.out, "3 rejected records in state/devices.rejected.ndjson"));
    const auto as_json = rig.run({"state", "rejected", "devices", "--json"});
    CHECK_MESSAGE(as_json.exited_with(0), as_json.err);
    CHECK(json::parse(as_json.out).size() == 3);

    // replay while Sekoia still refuses them: refused again, exit 1, nothing delivered.
    const auto refused_again = rig.run({"replay", "devices", "state/devices.rejected.ndjson"});
    CHECK(refused_again.exited_with(1));
    CHECK(contains(refused_again.out, "3 records read, 0 delivered, 3 refused"));
    CHECK(contains(refused_again.err, "refused again (HTTP 400)"));

    // The cause fixed: replay delivers them, the checkpoint is untouched.
    const auto checkpoint_before = rig.state_text("devices");
    rig.sim.refusals(json::object());
    const auto replayed = rig.run({"replay", "devices", "state/devices.rejected.ndjson"});
    rig.check_no_secrets(replayed);
    CHECK_MESSAGE(replayed.exited_with(0), replayed.err);
    CHECK(contains(replayed.out, "replay devices: 3 records read, 3 delivered, 0 refused"));
    CHECK(Rig::all_devices(rig.uids(), 2000));
    CHECK(rig.stats()["duplicates"] == 0);
    CHECK(rig.state_text("devices") == checkpoint_before);
}

TEST_CASE("replay sends plain NDJSON records too, with the same record check") {
    Rig rig;
    rig.write_manifest(with_records(3));
    const auto dry = rig.run({"fetch", "devices", "--output", "records.ndjson"});
    REQUIRE(dry.exited_with(0));
    std::ofstream(rig.root() / "records.ndjson", std::ios::app) << "[1,2]\n";
    const auto r = rig.run({"replay", "devices", "records.ndjson"});
    CHECK(r.exited_with(1));
    CHECK(contains(r.out, "4 records read, 3 delivered, 1 refused"));
    CHECK(contains(r.err, "line 4: not a JSON object"));
    CHECK(Rig::all_devices(rig.uids(), 3));
    CHECK_FALSE(rig.checkpoint().has_value());
}

TEST_CASE("a 422 refusal is bisected the same way") {
    Rig rig;
    rig.write_manifest(with_records(300));
    rig.sim.refusals({{"uids", {"example-150"}}, {"status", 422}});
    const auto r = rig.run({"fetch", "devices"});
    CHECK_MESSAGE(r.exited_with(0), r.err);
    CHECK(contains(r.err, "outcome=partial"));
    CHECK(rig.uids() == all_but(300, {"example-150"}));
    const auto lines = dead_letters(rig);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0]["status"] == 422);
}

TEST_CASE("413 halves the batch size for the rest of the cycle; everything is delivered") {
    Rig rig;
    rig.write_manifest(with_records(1000));
    const auto dry = rig.run({"fetch", "devices", "--output", "-"});
    REQUIRE(dry.exited_with(0));
    // Batches of 100 and 50 are too large, 25 fit.
    const std::size_t limit = 30 * (longest_line(dry.out) + 1) + 100;
    rig.sim.refusals({{"max_body_bytes", limit}});
    const auto r = rig.run({"run", "--once"});
    CHECK_MESSAGE(r.exited_with(0), r.err);
    CHECK(contains(r.err, "outcome=ok"));
    CHECK(contains(r.err, "rejected=0"));
    CHECK(contains(r.err, "413"));
    CHECK(Rig::all_devices(rig.uids(), 1000));
    CHECK(rig.stats()["duplicates"] == 0);
    CHECK(rig.checkpoint() == 1000L);
    CHECK_FALSE(fs::exists(rig.state() / "devices.rejected.ndjson"));
}

TEST_CASE("a 401 still fails the cycle at once: nothing bisected, nothing dead-lettered") {
    Rig rig;
    rig.write_manifest(with_records(500));
    rig.sim.faults(json::array({{{"kind", "http_401"}, {"count", 0}}}));
    const auto r = rig.run({"run", "--once"});
    CHECK_MESSAGE(r.exited_with(1), r.err);
    CHECK(contains(r.err, "outcome=failed"));
    CHECK(rig.stats()["posts"].get<int>() <= 4);  // the batches already in flight, no more
    CHECK_FALSE(fs::exists(rig.state() / "devices.rejected.ndjson"));
    CHECK_FALSE(rig.checkpoint().has_value());
}

TEST_CASE("a record over max_record_bytes is refused before it is sent, kept as an excerpt") {
    Rig rig;
    ConnectorSpec spec = with_records(20);
    spec.extra_config = "  big_record_at: 5\n  big_record_bytes: 3000000\n";
    rig.write_manifest(spec);
    const auto r = rig.run({"fetch", "devices"});
    rig.check_no_secrets(r);
    CHECK_MESSAGE(r.exited_with(0), r.err);
    CHECK(contains(r.err, "outcome=partial"));
    CHECK(contains(r.err, "rejected=1"));
    CHECK(contains(r.err, "too large"));
    CHECK(contains(r.err, "devices"));
    CHECK(longest_line(r.err) < 4096);  // never a multi-megabyte log line
    CHECK(rig.uids() == all_but(20, {"example-5"}));
    const auto lines = dead_letters(rig);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0]["status"] == 0);
    CHECK(lines[0]["record"].is_null());
    CHECK(lines[0]["record_bytes"].get<std::size_t>() > 3000000);
    CHECK(contains(lines[0]["reason"].get<std::string>(), "max_record_bytes"));
    CHECK(fs::file_size(rig.state() / "devices.rejected.ndjson") < 4096);
}

TEST_CASE("fetch --output applies the delivery path's record check") {
    Rig rig;
    rig.manifest("devices.yaml",
                 "name: devices\nplugin: example\nconfig:\n  records: 10\n  bad_record_at: 3\n"
                 "  big_record_at: 6\n  big_record_bytes: 2000000\n"
                 "destination:\n  type: stdout\n");
    const auto r = rig.run({"fetch", "devices", "--output", "-"});
    CHECK_MESSAGE(r.exited_with(0), r.err);
    std::istringstream in(r.out);
    int lines = 0;
    for (std::string line; std::getline(in, line); ++lines) {
        CHECK(json::parse(line).is_object());
    }
    CHECK(lines == 8);
    CHECK_FALSE(contains(r.out, "example-3\""));
    CHECK_FALSE(contains(r.out, "example-6"));
    CHECK(contains(r.err, "2 records refused"));
    CHECK(contains(r.err, "record 4: not a JSON object"));
}

TEST_CASE("a record the plugin emits that is not one JSON object is skipped, not rejected") {
    Rig rig;
    ConnectorSpec spec = with_records(10);
    spec.extra_config = "  bad_record_at: 3\n";
    rig.write_manifest(spec);
    const auto r = rig.run({"fetch", "devices"});
    CHECK_MESSAGE(r.exited_with(0), r.err);
    CHECK(contains(r.err, "outcome=ok"));
    CHECK(contains(r.err, "skipped=1 rejected=0"));
    CHECK(contains(r.err, "refused a record from the plugin"));
    CHECK(rig.uids() == all_but(10, {"example-3"}));
    CHECK_FALSE(fs::exists(rig.state() / "devices.rejected.ndjson"));
}

TEST_CASE("a partial cycle is seen as partial: cycle_end at warn, /metrics, status") {
    Rig rig;
    ConnectorSpec spec = with_records(200);
    spec.every = "2s";
    rig.write_manifest(spec);
    rig.sim.refusals({{"uids", {"example-42", "example-43"}}});
    auto p = rig.start({"run", "--listen", "127.0.0.1:0", "--log-format", "json"});
    const std::string address = testsupport::wait_listening(*p);
    REQUIRE_MESSAGE(!address.empty(), "no 'listening on' line");
    REQUIRE(p->wait_for_err_line("\"event\":\"cycle_end\"", 30s));
    const std::map<std::string, std::string> labels{{"connector", "devices"},
                                                    {"plugin", "example"}};
    auto with_outcome = [&](const char* outcome) {
        auto l = labels;
        l["outcome"] = outcome;
        return l;
    };
    std::string text;
    testsupport::eventually(
        [&] {
            text = testsupport::http_get(address, "/metrics").body;
            return testsupport::metric_value(text, "asset_host_cycles_total",
                                             with_outcome("partial")) >= 1.0;
        },
        10s);
    CHECK(testsupport::metric_value(text, "asset_host_cycles_total", with_outcome("partial")) ==
          1.0);  // the later cycles send nothing new: success
    CHECK(testsupport::metric_value(text, "asset_host_cycles_total", with_outcome("failed")) ==
          0.0);
    CHECK(testsupport::metric_value(text, "asset_host_records_rejected_total", labels) == 2.0);
    CHECK(testsupport::metric_value(text, "asset_host_last_success_timestamp_seconds", labels) >
          0.0);
    CHECK(testsupport::metric_value(text, "asset_host_consecutive_failed_cycles", labels) == 0.0);
    p->signal(SIGTERM);
    const auto r = p->wait(20s);
    CHECK_MESSAGE(r.exited_with(0), r.err);
    rig.check_no_secrets(r);

    bool seen = false;
    std::istringstream in(r.err);
    for (std::string line; std::getline(in, line);) {
        const json j = json::parse(line, nullptr, false);
        if (!j.is_object() || j.value("event", "") != "cycle_end") continue;
        seen = true;
        CHECK(j["outcome"] == "partial");
        CHECK(j["level"] == "warn");
        CHECK(j["rejected"] == 2);
        CHECK(j["records"] == 198);
        break;  // the first cycle: the later ones send nothing new
    }
    CHECK(seen);
    CHECK(rig.uids() == all_but(200, {"example-42", "example-43"}));
}
