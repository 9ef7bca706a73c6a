// One function per command. Each returns the process exit code (common/exit_codes.h) and prints
// its own output (stdout) and diagnostics (stderr).
#pragma once

#include "cli/options.h"

namespace asset_host {

int cmd_plugins(const GlobalOptions& g, const PluginsArgs& args);
int cmd_validate(const GlobalOptions& g, const ValidateArgs& args);
int cmd_test(const GlobalOptions& g, const TestArgs& args);
// fetch: one cycle delivered to the destination, or with --output a dry run writing NDJSON.
int cmd_fetch(const GlobalOptions& g, const FetchArgs& args);
int cmd_run(const GlobalOptions& g, const RunArgs& args);
int cmd_state_show(const GlobalOptions& g, const StateArgs& args);
int cmd_state_reset(const GlobalOptions& g, const StateArgs& args);
// status: each connector's last cycle, last success, checkpoint age, next due (read-only).
int cmd_status(const GlobalOptions& g, const StatusArgs& args);
int cmd_state_rejected(const GlobalOptions& g, const StateArgs& args);
int cmd_replay(const GlobalOptions& g, const ReplayArgs& args);

}  // namespace asset_host
