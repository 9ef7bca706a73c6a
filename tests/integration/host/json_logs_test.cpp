// --log-format json through the real binary: every line on stderr is one JSON object — the
// cycle_end and next_cycle events with their fields, and the error paths too (an invalid
// manifest at start and on reload, a command-line error of run).
#include "host_fixture.h"

#include <nlohmann/json.hpp>

#include <csignal>
#include <map>
#include <vector>

using namespace hosttest;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// Every stderr line parsed; a line that is not a JSON object fails the test.
std::vector<json> json_lines(const std::string& err) {
    std::vector<json> out;
    for (const auto& line : testsupport::split_lines(err)) {
        const json j = json::parse(line, nullptr, false);
        CHECK_MESSAGE(j.is_object(), "not a JSON object: ", line);
        if (j.is_object()) out.push_back(j);
    }
    return out;
}

const json* event(const std::vector<json>& lines, const std::string& name) {
    for (const auto& j : lines) {
        if (j.value("event", "") == name) return &j;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("json logs: cycle_end carries the summary's fields; next_cycle says when") {
    Host host;
    host.manifest("a.yaml", example_manifest("a", "  records: 12\n") + "schedule: { every: 1s }\n");
    auto p = host.start({"run", "--log-format", "json"});
    REQUIRE(p->wait_for_err_line("\"event\":\"next_cycle\"", 30s));
    p->signal(SIGTERM);
    const auto r = p->wait(20s);
    CHECK_MESSAGE(r.exited_with(0), r.err);
    const auto lines = json_lines(r.err);
    const json* end = event(lines, "cycle_end");
    REQUIRE(end);
    CHECK((*end)["connector"] == "a");
    CHECK((*end)["level"] == "info");
    CHECK((*end)["records"] == 12);
    CHECK((*end)["emitted"] == 12);
    CHECK((*end)["batches"].is_number());
    CHECK((*end)["retries"] == 0);
    CHECK((*end)["rejected"] == 0);
    CHECK((*end)["outcome"] == "success");
    CHECK((*end)["duration_s"].is_number());
    CHECK((*end)["error"].is_null());
    CHECK(end->contains("mode"));
    CHECK(end->contains("skipped"));
    const json* next = event(lines, "next_cycle");
    REQUIRE(next);
    CHECK((*next)["due_at"].get<std::string>().size() == 24);
    CHECK((*next)["in_s"].get<double>() <= 1.0);
}

TEST_CASE("json logs: an invalid manifest at start is a JSON line, exit 2") {
    Host host;
    host.manifest("a.yaml", "name: a\nplugin: example\nconfig: { records: -1 }\n");
    const auto r = host.run({"run", "--once", "--log-format", "json"});
    CHECK(r.exited_with(2));
    const auto lines = json_lines(r.err);
    REQUIRE(lines.size() >= 1);
    bool named = false;
    for (const auto& j : lines) {
        named = named || contains(j.value("msg", ""), "manifests/a.yaml: config.records");
    }
    CHECK_MESSAGE(named, r.err);
}

TEST_CASE("json logs: a manifest invalid on reload is reported as JSON, the old one kept") {
    Host host;
    host.manifest("a.yaml", example_manifest("a") + "schedule: { every: 1h }\n");
    auto p = host.start({"run", "--log-format", "json"});
    REQUIRE(p->wait_for_err_line("connector(s) scheduled", 30s));
    host.manifest("a.yaml", "name: a\nplugin: example\nconfig: { records: nope }\n");
    p->signal(SIGHUP);
    REQUIRE(p->wait_for_err_line("invalid after reload", 30s));
    p->signal(SIGTERM);
    const auto r = p->wait(20s);
    CHECK_MESSAGE(r.exited_with(0), r.err);
    const auto lines = json_lines(r.err);
    bool config_error = false;
    for (const auto& j : lines) {
        config_error = config_error || contains(j.value("msg", ""), "config.records");
    }
    CHECK_MESSAGE(config_error, r.err);
}

TEST_CASE("json logs: a command-line error of run is one JSON object with the usage") {
    Host host;
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"run", "--bogus", "--log-format", "json"},
             {"run", "--log-format=json", "--grace-period", "soon"}}) {
        const auto r = host.run(args);
        CHECK(r.exited_with(2));
        const auto lines = json_lines(r.err);
        REQUIRE(lines.size() == 1);
        CHECK(lines[0]["level"] == "error");
        CHECK(lines[0]["event"] == "usage_error");
        CHECK(contains(lines[0]["usage"].get<std::string>(), "--grace-period"));
    }
    host.set_env("ASSET_HOST_LOG_FORMAT", "json");
    const auto r = host.run({"run", "--listen", "nowhere"});
    CHECK(r.exited_with(2));
    CHECK(json_lines(r.err).size() == 1);
}

TEST_CASE("json logs: a manifest's log_level applies to that connector only") {
    Host host;
    // The example plugin logs "fetch starts at device ..." at debug; cycle_end is at info.
    host.manifest("a.yaml", "log_level: debug\n" + example_manifest("a", "  records: 3\n"));
    host.manifest("b.yaml", example_manifest("b", "  records: 3\n"));
    host.manifest("c.yaml", "log_level: error\n" + example_manifest("c", "  records: 3\n"));
    const auto r = host.run({"run", "--once", "--log-format", "json"});
    REQUIRE_MESSAGE(r.exited_with(0), r.err);
    std::map<std::string, int> debug_lines, cycle_ends;
    for (const auto& j : json_lines(r.err)) {
        const std::string connector =
            j.contains("connector") && j["connector"].is_string() ? j["connector"] : "";
        if (contains(j.value("msg", ""), "fetch starts at device")) {
            CHECK(j["level"] == "debug");
            ++debug_lines[connector];
        }
        if (j.value("event", "") == "cycle_end") ++cycle_ends[connector];
    }
    const std::map<std::string, int> only_a{{"a", 1}};
    CHECK_MESSAGE(debug_lines == only_a, r.err);
    const std::map<std::string, int> a_and_b{{"a", 1}, {"b", 1}};
    CHECK_MESSAGE(cycle_ends == a_and_b, r.err);
}

TEST_CASE("validate: log_level must be a level name") {
    Host host;
    host.manifest("a.yaml", "log_level: verbose\n" + example_manifest("a"));
    const auto r = host.run({"validate"});
    CHECK(r.exited_with(2));
    CHECK_MESSAGE(contains(r.err, "manifests/a.yaml: log_level"), r.err);
}
