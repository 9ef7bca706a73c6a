// A configured plugin instance as the host uses it: configure from a manifest, run the
// "Test connector" checks, run one fetch cycle into a RecordSink. Wraps the C ABI calls and
// the host API table (log / emit / checkpoint / cancelled / statistic / stop_reason) for one
// connector.
#pragma once

#include "common/cancellation.h"
#include "common/check_result.h"
#include "common/record_sink.h"
#include "config/manifest.h"
#include "plugin/plugin_statistics.h"

#include <asset_host/plugin_abi.h>
#include <asset_sdk/status.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace asset_host {

class LoadedPlugin;  // plugin/plugin_loader.h

struct FetchResult {
    enum class Outcome { kOk, kCancelled, kError };
    FetchResult() = default;
    FetchResult(Outcome o, std::string e, std::optional<CycleHints> h = std::nullopt)
        : outcome(o), error(std::move(e)), hints(std::move(h)) {}

    Outcome outcome = Outcome::kOk;
    std::string error;  // when kError: the plugin's last_error (already redacted)
    // What the plugin reported about this cycle through the well-known statistics. nullopt for
    // a plugin of ABI 1.0, which has no statistic(): its summary hints are in its markers.
    std::optional<CycleHints> hints;
};

class PluginInstance {
public:
    // Configures the plugin with manifest.config. `cancel` is what the plugin's cancelled()
    // reports for every later call. Errors name the manifest file and the plugin.
    static asset_sdk::Result<std::unique_ptr<PluginInstance>> create(const LoadedPlugin& plugin,
                                                                     const Manifest& manifest,
                                                                     CancelToken cancel);
    ~PluginInstance();  // destroy()

    asset_sdk::Status test(const std::function<void(const CheckResult&)>& on_check);

    // One cycle. Runs on the calling thread; records and markers go to `sink` as the plugin
    // produces them. `checkpoint` is the last persisted marker (nullopt: none).
    FetchResult fetch(RecordSink& sink, const std::optional<std::string>& checkpoint, bool full);

    // Every statistic the plugin reported since it was configured.
    const PluginStatistics& statistics() const;

    PluginInstance(const PluginInstance&) = delete;
    PluginInstance& operator=(const PluginInstance&) = delete;

private:
    struct Impl;
    explicit PluginInstance(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace asset_host
