// SEAM between the CLI and the delivery pipeline / scheduler (host/src/delivery,
// host/src/scheduler). The CLI parses the arguments and calls these; their bodies live in
// delivery_commands.cpp, which the delivery work replaces. Until then they report that the
// pipeline is not built yet and return kExitFailure (run_destination_checks adds no check).
//
// Building blocks available to implement them (all in host/src):
//   cli/connector_setup.h     prepare_connector(), prepare_connector_file(), plugin_catalog()
//   plugin/plugin_instance.h  PluginInstance::create / test / fetch(RecordSink&, checkpoint, full)
//   plugin/record_sink.h      RecordSink (the pipeline implements it)
//   state/checkpoint_store.h  CheckpointStore
//   common/cancellation.h     shutdown_source(), CancelSource(parent token)
//   common/signals.h          reload_requested(), set_shutdown_callback(), set_reload_callback()
//   config/manifest_finder.h  list_manifest_files() for `run`
#pragma once

#include "cli/options.h"
#include "common/cancellation.h"
#include "config/manifest.h"
#include "plugin/plugin_instance.h"

#include <functional>

namespace asset_host {

// `asset-host fetch NAME|FILE [--full]` without --output: one cycle delivered to the manifest's
// destination, checkpoints persisted after acknowledgement. Exit 0 ok, 1 cycle failed or
// cancelled, 2 config error.
int cmd_fetch_deliver(const GlobalOptions& g, const FetchArgs& args);

// `asset-host run [--once] [--grace-period D]`: every enabled manifest on its schedule.
int cmd_run(const GlobalOptions& g, const RunArgs& args);

// "Test connector", destination half: called by `test` after the plugin's checks. Report each
// check through `on_check` with source = "destination", as it completes.
void run_destination_checks(const Manifest& manifest, const CancelToken& cancel,
                            const std::function<void(const CheckResult&)>& on_check);

}  // namespace asset_host
