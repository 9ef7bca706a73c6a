// A connector's plugin, where its manifest says it runs (`isolation:`): inside the host
// (PluginInstance) or in a worker process per call (ProcessPlugin). The one place the commands
// and `run` make plugins.
#pragma once

#include "common/cancellation.h"
#include "config/manifest.h"
#include "isolation/process_plugin.h"
#include "plugin/connector_plugin.h"

#include <asset_sdk/status.h>

#include <memory>

namespace asset_host {
class LoadedPlugin;  // plugin/plugin_loader.h
}

namespace asset_host::isolation {

// thread: configured now (a refused configuration is an error now). process: with
// `check_config`, one worker configures it now so the same error comes now too (`test` and
// `fetch` need it before they start); without, each call's worker configures it (`run`: a bad
// configuration fails the cycle, which is retried with back-off). `cancel` is what the plugin's
// cancelled() follows; `options` applies to process isolation.
asset_sdk::Result<std::unique_ptr<ConnectorPlugin>> open_plugin(const LoadedPlugin& plugin,
                                                                const Manifest& manifest,
                                                                CancelToken cancel,
                                                                const ProcessOptions& options,
                                                                bool check_config);

}  // namespace asset_host::isolation
