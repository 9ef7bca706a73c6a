#include "cli/app.h"

#include "cli/commands.h"
#include "common/exit_codes.h"
#include "common/logging.h"
#include "common/paths.h"

#include <asset_host/plugin_abi.h>
#include <asset_sdk/time_util.h>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

namespace asset_host {

namespace {

constexpr const char* kExitCodes =
    "Exit codes:\n"
    "  0  success\n"
    "  1  operational failure: a check failed, a cycle failed, a fetch was cancelled\n"
    "  2  usage or configuration error: bad command line, invalid manifest, plugin load error\n";

constexpr const char* kEnvironment =
    "Environment: ASSET_HOST_PLUGINS_DIR, ASSET_HOST_MANIFESTS_DIR, ASSET_HOST_STATE_DIR,\n"
    "ASSET_HOST_LOG_LEVEL and ASSET_HOST_LOG_FORMAT set the global options' defaults.\n"
    "Manifests: see manifests/README.md. Plugins and exit codes: see host/README.md.\n";

std::string default_plugins_dir() {
    const std::filesystem::path exe_dir = executable_dir();
    if (exe_dir.empty()) return "plugins";
    return (exe_dir / ".." / "plugins").lexically_normal().string();
}

// --grace-period is checked while parsing so a bad value is a usage error (exit 2).
CLI::Validator duration_validator() {
    return CLI::Validator(
        [](std::string& value) -> std::string {
            if (asset_sdk::parse_duration(value)) return {};
            return "must be a duration such as 30s, 2m or 1h";
        },
        "DURATION");
}

struct Parsed {
    std::string plugins_dir;
    std::string manifests_dir = "./manifests";
    std::string state_dir = "./state";
    std::string log_level = "info";
    std::string log_format = "text";
    PluginsArgs plugins;
    ValidateArgs validate;
    TestArgs test;
    FetchArgs fetch;
    std::string fetch_output;
    RunArgs run;
    std::string grace_period = "30s";
    StateArgs state;
};

// The usage of the command the user was typing ("asset-host state show ..."), for errors.
std::string usage_of_selected(CLI::App& app) {
    CLI::App* current = &app;
    std::string prefix;
    for (;;) {
        auto subs = current->get_subcommands();
        if (subs.empty()) break;
        prefix += (prefix.empty() ? "" : " ") + current->get_name();
        current = subs.front();
    }
    return current->help(prefix);
}

constexpr const char* kGlobalOptionsNote =
    "Global options (--plugins-dir, --manifests-dir, --state-dir, --log-level, --log-format) "
    "and exit codes: asset-host --help\n";

}  // namespace

int run_cli(int argc, char** argv) {
    Parsed p;
    p.plugins_dir = default_plugins_dir();

    CLI::App app("asset-host: runs security asset connectors (plugins) and forwards their records",
                 "asset-host");
    app.footer(std::string(kExitCodes) + "\n" + kEnvironment);
    app.require_subcommand(1);
    app.fallthrough();  // global options are accepted after the command too
    app.set_version_flag("--version", "asset-host 0.1.0 (plugin ABI " +
                                          std::to_string(AH_ABI_MAJOR) + "." +
                                          std::to_string(AH_ABI_MINOR) + ")");

    app.add_option("--plugins-dir", p.plugins_dir, "Directory of plugin libraries (*.so)")
        ->envname("ASSET_HOST_PLUGINS_DIR")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
        ->capture_default_str();
    app.add_option("--manifests-dir", p.manifests_dir, "Directory of connector manifests (*.yaml)")
        ->envname("ASSET_HOST_MANIFESTS_DIR")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
        ->capture_default_str();
    app.add_option("--state-dir", p.state_dir, "Directory of checkpoint files")
        ->envname("ASSET_HOST_STATE_DIR")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
        ->capture_default_str();
    app.add_option("--log-level", p.log_level, "Log level: trace, debug, info, warn, error")
        ->envname("ASSET_HOST_LOG_LEVEL")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
        ->capture_default_str();
    app.add_option("--log-format", p.log_format, "Log format on stderr: text or json")
        ->envname("ASSET_HOST_LOG_FORMAT")
        ->check(CLI::IsMember({"text", "json"}))
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
        ->capture_default_str();

    auto* plugins =
        app.add_subcommand("plugins", "List the plugins found in the plugins directory");
    plugins->add_flag("--json", p.plugins.json, "Print a JSON array instead of a table");
    plugins->footer(std::string("Exit: 0 all plugins loaded; 2 a file failed to load (listed on "
                                "stderr).\n") +
                    kGlobalOptionsNote);

    auto* validate = app.add_subcommand(
        "validate", "Check manifests (YAML, ${env:}/${file:} references, config schemas)");
    validate->add_option("manifests", p.validate.targets,
                         "Connector names or manifest files (default: every manifest)");
    validate->footer(std::string("Exit: 0 all valid; 2 a manifest is invalid.\n") +
                     kGlobalOptionsNote);

    auto* test = app.add_subcommand("test",
                                    "Test connector: run the plugin's and the "
                                    "destination's connection checks");
    test->add_option("connector", p.test.target, "Connector name or manifest file")->required();
    test->add_flag("--json", p.test.json, "Print the checks as one JSON object");
    test->footer(std::string("Exit: 0 every check ok or warn; 1 a check failed; 2 configuration "
                             "error.\n") +
                 kGlobalOptionsNote);

    auto* fetch = app.add_subcommand("fetch", "Run one cycle of a connector");
    fetch->add_option("connector", p.fetch.target, "Connector name or manifest file")->required();
    auto* output = fetch->add_option(
        "--output,-o", p.fetch_output,
        "Dry run: write the records as NDJSON to FILE ('-' = stdout) instead of delivering them; "
        "no checkpoint is stored");
    output->type_name("FILE|-");
    output->check(CLI::Validator(
        [](std::string& value) -> std::string {
            return value.empty() ? "must be a file name or - (stdout)" : std::string();
        },
        "FILE|-"));
    fetch->add_flag("--full", p.fetch.full, "Ignore the stored checkpoint (full sync)");
    fetch->footer(std::string("Exit: 0 ok; 1 the cycle failed or was cancelled; 2 configuration "
                              "error.\n") +
                  kGlobalOptionsNote);

    auto* run = app.add_subcommand("run",
                                   "Run every enabled connector on its schedule until "
                                   "SIGTERM/SIGINT");
    run->add_flag("--once", p.run.once, "Run one cycle of every enabled connector, then exit");
    run->add_option("--grace-period", p.grace_period,
                    "On SIGTERM/SIGINT, how long in-flight deliveries may take to finish")
        ->check(duration_validator())
        ->capture_default_str();

    run->footer(
        std::string("Exit: 0 stopped by SIGTERM/SIGINT, or --once and every cycle ok; 1 --once "
                    "and a cycle failed; 2 a manifest is invalid at start.\n") +
        kGlobalOptionsNote);

    auto* state = app.add_subcommand("state", "Inspect or clear a connector's checkpoint");
    state->footer(
        std::string("Exit: 0 ok; 1 the state file is unreadable; 2 unknown connector.\n") +
        kGlobalOptionsNote);
    state->require_subcommand(1);
    auto* show = state->add_subcommand("show", "Print the stored checkpoint");
    show->add_option("connector", p.state.target, "Connector name or manifest file")->required();
    auto* reset = state->add_subcommand("reset",
                                        "Remove the stored checkpoint (next cycle is a "
                                        "full sync)");
    reset->add_option("connector", p.state.target, "Connector name or manifest file")->required();

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) {  // --help, --version: requested output, on stdout
            return app.exit(e, std::cout, std::cerr) == 0 ? kExitOk : kExitUsage;
        }
        std::string message = e.what();
        if (app.get_subcommands().empty() && !app.remaining().empty()) {
            // CLI11 would only say that a subcommand is required.
            message = "unknown command '" + app.remaining().front() +
                      "' (commands: plugins, validate, test, fetch, run, state)";
        }
        std::cerr << "asset-host: error: " << message << "\n\n"
                  << usage_of_selected(app) << std::flush;
        return kExitUsage;
    }

    GlobalOptions g;
    g.plugins_dir = p.plugins_dir;
    g.manifests_dir = p.manifests_dir;
    g.state_dir = p.state_dir;
    g.log_level = parse_log_level(p.log_level).value_or(spdlog::level::info);
    g.log_format = parse_log_format(p.log_format).value_or(LogFormat::kText);
    setup_logging(g.log_level, g.log_format);

    if (plugins->parsed()) return cmd_plugins(g, p.plugins);
    if (validate->parsed()) return cmd_validate(g, p.validate);
    if (test->parsed()) return cmd_test(g, p.test);
    if (fetch->parsed()) {
        if (output->count() > 0) p.fetch.output = p.fetch_output;
        return cmd_fetch(g, p.fetch);
    }
    if (run->parsed()) {
        p.run.grace_period = *asset_sdk::parse_duration(p.grace_period);
        return cmd_run(g, p.run);
    }
    if (show->parsed()) return cmd_state_show(g, p.state);
    if (reset->parsed()) return cmd_state_reset(g, p.state);
    std::cerr << app.help() << std::flush;
    return kExitUsage;
}

}  // namespace asset_host
