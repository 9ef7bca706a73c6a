// A configured plugin instance inside the calling process: configure from a manifest, run the
// "Test connector" checks, run one fetch cycle into a RecordSink. Wraps the C ABI calls and
// the host API table (log / emit / checkpoint / cancelled / statistic / stop_reason) for one
// connector. It is the whole of `isolation: thread`, and what a worker process runs for
// `isolation: process` (isolation/worker_main.cpp).
//
// Threads (plugin_abi.h): emit(), checkpoint() and statistic() are accepted only from the
// thread running the current configure()/test()/fetch(). A call from another thread is refused
// (emit/checkpoint return stop, nothing reaches the sink or the statistics), logged once, and
// fails the cycle with kForeignThreadError; the fetch thread's next emit() says stop
// (AH_STOP_HOST_ERROR). log(), cancelled() and stop_reason() are safe from any thread.
#pragma once

#include "common/cancellation.h"
#include "common/check_result.h"
#include "common/record_sink.h"
#include "config/manifest.h"
#include "plugin/connector_plugin.h"
#include "plugin/plugin_statistics.h"

#include <asset_host/plugin_abi.h>
#include <asset_sdk/status.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace asset_host {

class LoadedPlugin;  // plugin/plugin_loader.h

// Why a cycle fails when the plugin called the host API from a thread of its own.
inline constexpr const char* kForeignThreadError =
    "host API called from a thread other than the one running fetch(); see plugin_abi.h Threads";

class PluginInstance final : public ConnectorPlugin {
public:
    // Called with every statistic accepted into statistics(), on the plugin's calling thread
    // (a worker process relays them to the host this way).
    using StatisticListener = std::function<void(const ah_statistic&)>;

    // Configures the plugin with manifest.config. `cancel` is what the plugin's cancelled()
    // reports for every later call. Errors name the manifest file and the plugin.
    static asset_sdk::Result<std::unique_ptr<PluginInstance>> create(
        const LoadedPlugin& plugin, const Manifest& manifest, CancelToken cancel,
        StatisticListener on_statistic = {});
    ~PluginInstance() override;  // destroy()

    asset_sdk::Status test(const std::function<void(const CheckResult&)>& on_check) override;

    // One cycle. Runs on the calling thread; records and markers go to `sink` as the plugin
    // produces them. `checkpoint` is the last persisted marker (nullopt: none).
    FetchResult fetch(RecordSink& sink, const std::optional<std::string>& checkpoint,
                      bool full) override;

    // Every statistic the plugin reported since it was configured.
    const PluginStatistics& statistics() const override;

    PluginInstance(const PluginInstance&) = delete;
    PluginInstance& operator=(const PluginInstance&) = delete;

private:
    struct Impl;
    explicit PluginInstance(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace asset_host
