// `test` ("Test connector") and secret redaction across commands, through the real binary.
#include "host_fixture.h"

#include <nlohmann/json.hpp>

using namespace hosttest;

TEST_CASE("test: every check on its own line, then the result; exit 0 when all pass") {
    Host host;
    host.manifest("example.yaml", example_manifest("example", "  records: 7\n"));
    const auto r = host.run({"test", "example"});
    CHECK(r.exited_with(0));
    CHECK(r.out ==
          "[ ok ] config: will emit 7 records, a checkpoint every 100\n"
          "[ ok ] source: reachable (synthetic)\n"
          "[ ok ] destination.stdout: records will be written to standard output as NDJSON\n"
          "result: ok (3 checks: 3 ok, 0 warnings, 0 failed)\n");
}

TEST_CASE("test: a warning still exits 0; its remedy is shown") {
    Host host;
    host.manifest("example.yaml", example_manifest("example", "  records: 0\n"));
    const auto r = host.run({"test", "example"});
    CHECK(r.exited_with(0));
    CHECK(r.out ==
          "[ ok ] config: will emit 0 records, a checkpoint every 100\n"
          "[warn] source: reachable, but there is nothing to fetch (records is 0)\n"
          "       remedy: set records to a positive number\n"
          "[ ok ] destination.stdout: records will be written to standard output as NDJSON\n"
          "result: warn (3 checks: 2 ok, 1 warnings, 0 failed)\n");
}

// The destination's checks run even when a plugin check failed: the user sees every problem.
TEST_CASE("test: a failed check exits 1, with its remedy; --json has the same facts") {
    Host host;
    host.manifest("example.yaml", example_manifest("example", "  fail_test: true\n"));
    auto r = host.run({"test", "example"});
    CHECK(r.exited_with(1));
    CHECK(
        contains(r.out,
                 "[FAIL] source: the source is unreachable (fail_test is true)\n"
                 "       remedy: set fail_test: false in the manifest's config\n"
                 "[ ok ] destination.stdout: records will be written to standard output as NDJSON\n"
                 "result: fail (3 checks: 2 ok, 0 warnings, 1 failed)\n"));

    r = host.run({"test", "example", "--json"});
    CHECK(r.exited_with(1));
    const auto j = nlohmann::ordered_json::parse(r.out);
    CHECK(j.dump() == nlohmann::ordered_json::parse(R"json({
            "connector": "example", "plugin": "example",
            "checks": [
              {"source": "plugin", "name": "config", "status": "ok",
               "detail": "will emit 10 records, a checkpoint every 100", "remedy": ""},
              {"source": "plugin", "name": "source", "status": "fail",
               "detail": "the source is unreachable (fail_test is true)",
               "remedy": "set fail_test: false in the manifest's config"},
              {"source": "destination", "name": "destination.stdout", "status": "ok",
               "detail": "records will be written to standard output as NDJSON", "remedy": ""}],
            "result": "fail"})json")
                          .dump());
}

TEST_CASE("test: a config error exits 2 and runs no check") {
    Host host;
    host.manifest("example.yaml", example_manifest("example", "  records: 5\n  colour: blue\n"));
    const auto r = host.run({"test", "example"});
    CHECK(r.exited_with(2));
    CHECK(r.out.empty());
    CHECK(r.err == "manifests/example.yaml: config.colour: unknown key\n");
}

TEST_CASE("a secret never reaches stdout or stderr, at any log level, in any command") {
    const std::string secret = "S3cr3t-Value-42";
    Host host;
    host.manifest("example.yaml", example_manifest("example",
                                                   "  records: 3\n"
                                                   "  secret: ${env:EXAMPLE_SECRET}\n"));
    host.manifest("failing.yaml", example_manifest("failing",
                                                   "  records: 3\n  fail_after: 1\n"
                                                   "  secret: ${env:EXAMPLE_SECRET}\n"));
    host.set_secret_env("EXAMPLE_SECRET", secret);  // also checked after every run
    const std::vector<std::vector<std::string>> commands = {
        {"validate"},
        {"test", "example"},
        {"test", "example", "--json"},
        {"fetch", "example", "--output", "-"},
        {"fetch", "failing", "--output", "-"},
    };
    for (const std::string format : {"text", "json"}) {
        for (const auto& cmd : commands) {
            std::vector<std::string> args = {"--log-level", "trace", "--log-format", format};
            args.insert(args.end(), cmd.begin(), cmd.end());
            INFO(cmd[0] << " " << (cmd.size() > 1 ? cmd[1] : "") << " (" << format << ")");
            const auto r = host.run(args);
            CHECK_FALSE(contains(r.out, secret));
            CHECK_FALSE(contains(r.err, secret));
        }
    }
    // The plugin did try: its log line and its error arrive masked.
    const auto r = host.run({"fetch", "failing", "--output", "-"});
    CHECK(r.exited_with(1));
    CHECK(contains(r.err, "[failing] configured with secret ***"));
    CHECK(contains(r.err,
                   "asset-host: fetch failed: simulated failure after 1 records (secret ***)"));
}

TEST_CASE("an inline secret is accepted with a warning, and masked all the same") {
    Host host;
    host.manifest("example.yaml",
                  example_manifest("example", "  records: 1\n  secret: inline-s3cret-value\n"));
    auto r = host.run({"validate", "example"});
    CHECK(r.exited_with(0));
    CHECK(r.err ==
          "warning: manifests/example.yaml: config.secret: secret written inline in the manifest; "
          "prefer ${env:NAME} or ${file:PATH}\n");
    r = host.run({"--log-level", "trace", "fetch", "example", "--output", "-"});
    CHECK(r.exited_with(0));
    CHECK_FALSE(contains(r.err, "inline-s3cret-value"));
    CHECK(contains(r.err, "configured with secret ***"));
}

TEST_CASE("fetch and run without --output wait for the delivery pipeline (seam)") {
    Host host;
    host.manifest("example.yaml", example_manifest("example"));
    // Until delivery lands these report it and exit 1; afterwards they do real work. Either way
    // they are not usage errors.
    CHECK_FALSE(host.run({"fetch", "example"}).exited_with(2));
}
