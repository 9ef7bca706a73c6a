#include "cli/app.h"

#include "cli/commands.h"
#include "cli/default_dirs.h"
#include "cli/version.h"
#include "common/exit_codes.h"
#include "common/logging.h"
#include "common/structured_log.h"
#include "observe/listen_address.h"

#include <asset_sdk/time_util.h>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
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
    "ASSET_HOST_LOG_LEVEL and ASSET_HOST_LOG_FORMAT set the global options' defaults\n"
    "(ASSET_HOST_LISTEN, ASSET_HOST_SHARD, ASSET_HOST_MAX_CONCURRENT_CYCLES: run's options).\n"
    "Manifests: see manifests/README.md. Plugins and exit codes: see host/README.md.\n";

// --grace-period is checked while parsing so a bad value is a usage error (exit 2).
CLI::Validator duration_validator() {
    return CLI::Validator(
        [](std::string& value) -> std::string {
            if (asset_sdk::parse_duration(value)) return {};
            return "must be a duration such as 30s, 2m or 1h";
        },
        "DURATION");
}

// An option with its environment variable, checked while parsing by `parse` (text -> Result)
// so that a bad value is a usage error (exit 2) carrying the parser's message.
template <typename Parse>
CLI::Option* add_parsed_option(CLI::App& command, const std::string& name, std::string& value,
                               const std::string& help, const std::string& env,
                               const std::string& type, Parse parse) {
    return command.add_option(name, value, help)
        ->envname(env)
        ->type_name(type)
        ->check(CLI::Validator(
            [parse](std::string& text) -> std::string {
                auto parsed = parse(text);
                return parsed ? std::string() : parsed.status().message();
            },
            ""));
}

struct Parsed {
    std::string plugins_dir;
    std::string manifests_dir;
    std::string state_dir;
    std::string log_level = "info";
    std::string log_format = "text";
    PluginsArgs plugins;
    ValidateArgs validate;
    TestArgs test;
    FetchArgs fetch;
    std::string fetch_output;
    RunArgs run;
    std::string grace_period = "30s";
    std::string listen;
    std::string shard;
    StateArgs state;
    StatusArgs status;
    std::string status_target;
    ReplayArgs replay;
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

// "Exit: ..." line of a command's --help, followed by where the global options are described.
std::string command_footer(const char* exits) {
    return std::string("Exit: ") + exits + "\n" + kGlobalOptionsNote;
}

// A global option: its environment variable, the last occurrence wins, default shown in help.
CLI::Option* add_global(CLI::App& app, const std::string& name, std::string& value,
                        const std::string& help, const std::string& env) {
    return app.add_option(name, value, help)
        ->envname(env)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
        ->capture_default_str();
}

void add_global_options(CLI::App& app, Parsed& p) {
    add_global(app, "--plugins-dir", p.plugins_dir, "Directory of plugin libraries (*.so)",
               "ASSET_HOST_PLUGINS_DIR");
    add_global(app, "--manifests-dir", p.manifests_dir, "Directory of connector manifests (*.yaml)",
               "ASSET_HOST_MANIFESTS_DIR");
    add_global(app, "--state-dir", p.state_dir, "Directory of checkpoint files",
               "ASSET_HOST_STATE_DIR");
    add_global(app, "--log-level", p.log_level, "Log level: trace, debug, info, warn, error",
               "ASSET_HOST_LOG_LEVEL")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
    add_global(app, "--log-format", p.log_format, "Log format on stderr: text or json",
               "ASSET_HOST_LOG_FORMAT")
        ->check(CLI::IsMember({"text", "json"}));
}

// The subcommands, kept to tell which one was given.
struct Commands {
    CLI::App* plugins = nullptr;
    CLI::App* validate = nullptr;
    CLI::App* test = nullptr;
    CLI::App* fetch = nullptr;
    CLI::Option* fetch_output = nullptr;
    CLI::App* run = nullptr;
    CLI::App* state_show = nullptr;
    CLI::App* state_reset = nullptr;
    CLI::App* status = nullptr;
    CLI::App* state_rejected = nullptr;
    CLI::App* replay = nullptr;
};

void add_inspection_commands(CLI::App& app, Parsed& p, Commands& c) {
    c.plugins = app.add_subcommand("plugins", "List the plugins found in the plugins directory");
    c.plugins->add_flag("--json", p.plugins.json, "Print a JSON array instead of a table");
    c.plugins->footer(
        command_footer("0 all plugins loaded; 2 a file failed to load (listed on stderr)."));

    c.validate = app.add_subcommand(
        "validate", "Check manifests (YAML, ${env:}/${file:} references, config schemas)");
    c.validate->add_option("manifests", p.validate.targets,
                           "Connector names or manifest files (default: every manifest)");
    c.validate->footer(command_footer("0 all valid; 2 a manifest is invalid."));

    c.test = app.add_subcommand("test",
                                "Test connector: run the plugin's and the "
                                "destination's connection checks");
    c.test->add_option("connector", p.test.target, "Connector name or manifest file")->required();
    c.test->add_flag("--json", p.test.json, "Print the checks as one JSON object");
    c.test->footer(
        command_footer("0 every check ok or warn; 1 a check failed; 2 configuration error."));
}

void add_fetch_command(CLI::App& app, Parsed& p, Commands& c) {
    c.fetch = app.add_subcommand("fetch", "Run one cycle of a connector");
    c.fetch->add_option("connector", p.fetch.target, "Connector name or manifest file")->required();
    c.fetch_output = c.fetch->add_option(
        "--output,-o", p.fetch_output,
        "Dry run: write the records as NDJSON to FILE ('-' = stdout) instead of delivering them; "
        "no checkpoint is stored");
    c.fetch_output->type_name("FILE|-");
    c.fetch_output->check(CLI::Validator(
        [](std::string& value) -> std::string {
            return value.empty() ? "must be a file name or - (stdout)" : std::string();
        },
        "FILE|-"));
    c.fetch->add_flag("--full", p.fetch.full, "Ignore the stored checkpoint (full sync)");
    c.fetch->footer(
        command_footer("0 ok; 1 the cycle failed or was cancelled; 2 configuration error, or "
                       "(delivering) the state directory is in use by another asset-host."));
}

void add_run_and_state_commands(CLI::App& app, Parsed& p, Commands& c) {
    c.run = app.add_subcommand("run",
                               "Run every enabled connector on its schedule until "
                               "SIGTERM/SIGINT");
    c.run->add_flag("--once", p.run.once, "Run one cycle of every enabled connector, then exit");
    c.run
        ->add_option("--grace-period", p.grace_period,
                     "On SIGTERM/SIGINT, how long in-flight deliveries may take to finish")
        ->check(duration_validator())
        ->capture_default_str();
    add_parsed_option(*c.run, "--listen", p.listen,
                      "Serve /metrics (Prometheus), /healthz and /readyz on HOST:PORT or "
                      "[IPv6]:PORT (port 0: a free port, logged)",
                      "ASSET_HOST_LISTEN", "ADDR:PORT", observe::parse_listen_address);
    add_parsed_option(*c.run, "--shard", p.shard,
                      "Run only the connectors of shard I of N (fnv1a_64(name) mod N == I); I "
                      "may be a pod name ending in -I (asset-host-2/3)",
                      "ASSET_HOST_SHARD", "I/N", scheduler::parse_shard);
    c.run
        ->add_option("--max-concurrent-cycles", p.run.max_concurrent_cycles,
                     "At most N cycles (and plugin worker processes) at once; due connectors "
                     "wait in a queue, earliest due first (default: max(4, 2 x cores) = " +
                         std::to_string(scheduler::default_max_concurrent_cycles()) + ")")
        ->envname("ASSET_HOST_MAX_CONCURRENT_CYCLES")
        ->type_name("N")
        ->check(CLI::Range(1, 10000));
    c.run->footer(
        command_footer("0 stopped by SIGTERM/SIGINT, or --once and every cycle ok; 1 --once "
                       "and a cycle failed, or the --listen address cannot be bound; 2 a "
                       "manifest is invalid at start, a malformed --listen, --shard or "
                       "--max-concurrent-cycles, or the "
                       "state directory is in use by another asset-host (one per state "
                       "directory)."));

    c.status = app.add_subcommand(
        "status", "Show each connector's last cycle, last success, checkpoint age and next due");
    c.status->add_option("connector", p.status_target,
                         "Connector name or manifest file (default: every manifest)");
    c.status->add_flag("--json", p.status.json, "Print a JSON array");
    c.status->footer(command_footer(
        "0 ok (whether or not the daemon runs); 2 unknown connector or unreadable manifests "
        "directory."));

    auto* state = app.add_subcommand(
        "state", "Inspect or clear a connector's checkpoint, list its refused records");
    state->footer(command_footer(
        "0 ok; 1 the state file is unreadable; 2 unknown connector, or (reset) the state "
        "directory is in use by another asset-host."));
    state->require_subcommand(1);
    c.state_show = state->add_subcommand("show", "Print the stored checkpoint");
    c.state_show->add_option("connector", p.state.target, "Connector name or manifest file")
        ->required();
    c.state_reset = state->add_subcommand("reset",
                                          "Remove the stored checkpoint (next cycle is a "
                                          "full sync)");
    c.state_reset->add_option("connector", p.state.target, "Connector name or manifest file")
        ->required();
    c.state_rejected = state->add_subcommand(
        "rejected",
        "List the records the destination refused (<state-dir>/<name>.rejected.ndjson): time, "
        "HTTP status, reason, an excerpt of the record");
    c.state_rejected->add_option("connector", p.state.target, "Connector name or manifest file")
        ->required();
    c.state_rejected->add_flag("--json", p.state.json,
                               "Print a JSON array of the dead-letter entries instead");
}

void add_replay_command(CLI::App& app, Parsed& p, Commands& c) {
    c.replay = app.add_subcommand(
        "replay",
        "Re-send NDJSON records through a connector's destination (e.g. its dead-letter file, "
        "after the cause is fixed); never touches the checkpoint");
    c.replay->add_option("connector", p.replay.target, "Connector name or manifest file")
        ->required();
    c.replay
        ->add_option("file", p.replay.file,
                     "NDJSON file: dead-letter lines (their \"record\" is sent) or plain records")
        ->required();
    c.replay->footer(
        command_footer("0 every record delivered; 1 a record was refused or not delivered, or "
                       "the file is unreadable; 2 configuration error, or the state directory "
                       "is in use by another asset-host."));
}

// The log format asked for (--log-format, else ASSET_HOST_LOG_FORMAT), read before parsing so
// that a command-line error is written in it too: with json, every line on stderr is JSON.
LogFormat requested_log_format(int argc, char** argv) {
    std::string value;
    if (const char* env = std::getenv("ASSET_HOST_LOG_FORMAT")) value = env;
    const std::string_view option = "--log-format";
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == option && i + 1 < argc) {
            value = argv[i + 1];
        } else if (arg.size() > option.size() &&
                   arg.substr(0, option.size() + 1) == "--log-format=") {
            value = arg.substr(option.size() + 1);
        }
    }
    return value == "json" ? LogFormat::kJson : LogFormat::kText;
}

// --help/--version: requested output on stdout (exit 0). Anything else: the error and the
// usage of the command concerned on stderr (exit 2).
int report_parse_error(CLI::App& app, const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {
        return app.exit(e, std::cout, std::cerr) == 0 ? kExitOk : kExitUsage;
    }
    std::string message = e.what();
    if (app.get_subcommands().empty() && !app.remaining().empty()) {
        // CLI11 would only say that a subcommand is required.
        message = "unknown command '" + app.remaining().front() +
                  "' (commands: plugins, validate, test, fetch, run, status, state, replay)";
    }
    if (current_log_format() == LogFormat::kJson) {
        log_event(diagnostic_log(), spdlog::level::err,
                  LogEvent("usage_error").field("usage", usage_of_selected(app)),
                  "asset-host: error: " + message);
        return kExitUsage;
    }
    std::cerr << "asset-host: error: " << message << "\n\n" << usage_of_selected(app) << std::flush;
    return kExitUsage;
}

GlobalOptions global_options(const Parsed& p) {
    GlobalOptions g;
    g.plugins_dir = p.plugins_dir;
    g.manifests_dir = p.manifests_dir;
    g.state_dir = p.state_dir;
    g.log_level = parse_log_level(p.log_level).value_or(spdlog::level::info);
    g.log_format = parse_log_format(p.log_format).value_or(LogFormat::kText);
    return g;
}

int run_command(const CLI::App& app, const Commands& c, Parsed& p, const GlobalOptions& g) {
    if (c.plugins->parsed()) return cmd_plugins(g, p.plugins);
    if (c.validate->parsed()) return cmd_validate(g, p.validate);
    if (c.test->parsed()) return cmd_test(g, p.test);
    if (c.fetch->parsed()) {
        if (c.fetch_output->count() > 0) p.fetch.output = p.fetch_output;
        return cmd_fetch(g, p.fetch);
    }
    if (c.run->parsed()) {
        p.run.grace_period = *asset_sdk::parse_duration(p.grace_period);
        if (!p.listen.empty()) p.run.listen = *observe::parse_listen_address(p.listen);
        if (!p.shard.empty()) p.run.shard = *scheduler::parse_shard(p.shard);
        return cmd_run(g, p.run);
    }
    if (c.status->parsed()) {
        if (!p.status_target.empty()) p.status.target = p.status_target;
        return cmd_status(g, p.status);
    }
    if (c.state_show->parsed()) return cmd_state_show(g, p.state);
    if (c.state_reset->parsed()) return cmd_state_reset(g, p.state);
    if (c.state_rejected->parsed()) return cmd_state_rejected(g, p.state);
    if (c.replay->parsed()) return cmd_replay(g, p.replay);
    std::cerr << app.help() << std::flush;
    return kExitUsage;
}

}  // namespace

int run_cli(int argc, char** argv) {
    Parsed p;
    const DefaultDirs defaults = default_dirs();
    p.plugins_dir = defaults.plugins.string();
    p.manifests_dir = defaults.manifests.string();
    p.state_dir = defaults.state.string();

    CLI::App app("asset-host: runs security asset connectors (plugins) and forwards their records",
                 "asset-host");
    app.footer(std::string(kExitCodes) + "\n" + kEnvironment);
    app.require_subcommand(1);
    app.fallthrough();  // global options are accepted after the command too
    app.set_version_flag("--version", std::string("asset-host ") + kHostVersion + " (plugin ABI " +
                                          abi_version_string() + ")");
    add_global_options(app, p);
    Commands commands;
    add_inspection_commands(app, p, commands);
    add_fetch_command(app, p, commands);
    add_run_and_state_commands(app, p, commands);
    add_replay_command(app, p, commands);

    setup_logging(spdlog::level::info, requested_log_format(argc, argv));
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return report_parse_error(app, e);
    }
    const GlobalOptions g = global_options(p);
    setup_logging(g.log_level, g.log_format);
    return run_command(app, commands, p, g);
}

}  // namespace asset_host
