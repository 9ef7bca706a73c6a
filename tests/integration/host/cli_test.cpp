// The command line contract: --help everywhere, usage errors exit 2 with usage on stderr,
// environment variables and defaults, log formats.
#include "host_fixture.h"

#include <nlohmann/json.hpp>

using namespace hosttest;

TEST_CASE("--help for every command prints usage on stdout and exits 0") {
    Host host;
    const std::vector<std::vector<std::string>> commands = {{"--help"},
                                                            {"plugins", "--help"},
                                                            {"validate", "--help"},
                                                            {"test", "--help"},
                                                            {"fetch", "--help"},
                                                            {"run", "--help"},
                                                            {"state", "--help"},
                                                            {"state", "show", "--help"},
                                                            {"state", "reset", "--help"},
                                                            {"state", "rejected", "--help"},
                                                            {"replay", "--help"},
                                                            {"-h"}};
    for (const auto& args : commands) {
        const auto r = host.run(args);
        INFO(args.front() << " " << (args.size() > 1 ? args[1] : ""));
        CHECK(r.exited_with(0));
        CHECK(contains(r.out, "Usage: "));
        CHECK(r.err.empty());
    }
    const auto top = host.run({"--help"});
    CHECK(contains(top.out, "Exit codes:"));
    CHECK(contains(top.out, "ASSET_HOST_PLUGINS_DIR"));
    CHECK(contains(top.out, "--state-dir TEXT=./state"));  // defaults are shown
}

TEST_CASE("every misuse prints the error and usage on stderr and exits 2") {
    Host host;
    const std::vector<std::vector<std::string>> misuses = {
        {},
        {"bogus"},
        {"plugins", "--bogus"},
        {"plugins", "extra-argument"},
        {"test"},
        {"fetch"},
        {"fetch", "example", "--output"},
        {"fetch", "example", "--output", ""},
        {"state"},
        {"state", "show"},
        {"state", "drop", "example"},
        {"run", "--grace-period", "soon"},
        {"--log-level", "loud", "plugins"},
        {"--log-format", "xml", "plugins"},
    };
    for (const auto& args : misuses) {
        std::string joined;
        for (const auto& a : args) joined += a + " ";
        INFO("asset-host " << joined);
        const auto r = host.run(args);
        CHECK(r.exited_with(2));
        CHECK(contains(r.err, "asset-host: error: "));
        CHECK(contains(r.err, "Usage: "));
        CHECK(r.out.empty());
    }
}

TEST_CASE("an unknown command is named, with the list of commands") {
    Host host;
    const auto r = host.run({"sync"});
    CHECK(r.exited_with(2));
    CHECK(contains(r.err,
                   "asset-host: error: unknown command 'sync' (commands: plugins, "
                   "validate, test, fetch, run, status, state, replay)"));
}

TEST_CASE("a bad value in an environment variable is a usage error too") {
    Host host;
    host.set_env("ASSET_HOST_LOG_LEVEL", "chatty");
    const auto r = host.run({"plugins"});
    CHECK(r.exited_with(2));
    CHECK(contains(r.err, "asset-host: error: "));
}

TEST_CASE("directories come from the environment when no option is given") {
    Host host;
    host.manifest("example.yaml", example_manifest("example"));
    host.set_env("ASSET_HOST_PLUGINS_DIR", "plugins");
    host.set_env("ASSET_HOST_MANIFESTS_DIR", "manifests");
    const testsupport::ProcessOptions o = host.options();
    auto r = testsupport::run_process({kBin.string(), "validate"}, o);
    CHECK(r.exited_with(0));
    CHECK(r.out == "manifests/example.yaml: ok (connector example, plugin example 1.0.0)\n");
    // An option beats the variable, and global options may follow the command.
    r = testsupport::run_process({kBin.string(), "plugins", "--plugins-dir", "nowhere"}, o);
    CHECK(r.exited_with(2));
    CHECK(r.err ==
          "asset-host: plugins directory nowhere does not exist (set --plugins-dir or "
          "ASSET_HOST_PLUGINS_DIR)\n");
}

TEST_CASE("the default plugins directory is next to the binary: build/plugins") {
    const Host host;  // for its environment: no --plugins-dir here
    const auto r = testsupport::run_process({kBin.string(), "plugins", "--json"}, host.options());
    // Other plugins may be there too (e.g. while they are being written); the example is.
    const auto plugins = nlohmann::json::parse(r.out);
    bool found = false;
    for (const auto& p : plugins) found = found || p["id"] == "example";
    CHECK(found);
}

TEST_CASE("logs go to stderr, as text or as one JSON object per line") {
    Host host;
    host.manifest("example.yaml", example_manifest("example", "  records: 2\n"));
    auto r = host.run(
        {"--log-format", "json", "--log-level", "debug", "fetch", "example", "--output", "-"});
    REQUIRE(r.exited_with(0));
    CHECK(testsupport::split_lines(r.out).size() == 2);  // stdout: the records only
    const auto lines = testsupport::split_lines(r.err);
    REQUIRE(lines.size() >= 2);
    for (const auto& line : lines) {
        const auto j = nlohmann::json::parse(line);
        CHECK(j.size() == 4);
        CHECK(j["ts"].get<std::string>().size() == 24);
        CHECK(j["connector"] == "example");
        CHECK(j["msg"].is_string());
        CHECK((j["level"] == "info" || j["level"] == "debug"));
    }

    r = host.run({"fetch", "example", "--output", "-"});
    REQUIRE(r.exited_with(0));
    const auto text = testsupport::split_lines(r.err);
    REQUIRE_FALSE(text.empty());
    // 2026-11-28T14:49:47.123Z info [example] fetch done in ...
    CHECK(text.back().size() > 25);
    CHECK(text.back()[10] == 'T');
    CHECK(text.back().substr(23, 16) == "Z info [example]");
}

TEST_CASE("stderr connected to the journal (JOURNAL_STREAM matches it): priority prefixes") {
    Host host;
    host.manifest("example.yaml", example_manifest("example", "  records: 2\n"));
    // A shell sets JOURNAL_STREAM to what its stderr (the test's pipe) is, as systemd does for
    // the stream it connects, then becomes asset-host.
    const auto run_with_journal_stream = [&](const std::string& value_expression) {
        std::vector<std::string> argv = {
            "/bin/sh", "-c", "JOURNAL_STREAM=" + value_expression + " exec \"$@\"", "sh"};
        for (auto& a : host.argv({"--log-level", "debug", "fetch", "example", "--output", "-"}))
            argv.push_back(a);
        return testsupport::run_process(argv, host.options());
    };
    auto r = run_with_journal_stream("$(stat -L -c %d:%i /proc/self/fd/2)");
    REQUIRE(r.exited_with(0));
    auto lines = testsupport::split_lines(r.err);
    REQUIRE(lines.size() >= 2);
    bool saw_info = false;
    for (const auto& line : lines) {
        INFO(line);
        CHECK((line.rfind("<6>", 0) == 0 || line.rfind("<7>", 0) == 0));
        saw_info = saw_info || line.rfind("<6>", 0) == 0;
        CHECK(line.substr(3 + 23, 2) == "Z ");  // then the usual line
    }
    CHECK(saw_info);

    // Another stream (stderr redirected away from the journal): plain lines.
    r = run_with_journal_stream("1:1");
    REQUIRE(r.exited_with(0));
    lines = testsupport::split_lines(r.err);
    REQUIRE_FALSE(lines.empty());
    for (const auto& line : lines) CHECK(line.front() != '<');
}
