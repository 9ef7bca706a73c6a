// A configured plugin as the host drives it: the "Test connector" checks and fetch cycles. Two
// implementations, chosen per connector by the manifest's `isolation:` key:
//   - PluginInstance (plugin/plugin_instance.h), isolation: thread — the plugin runs inside the
//     host process, on the calling thread;
//   - ProcessPlugin (isolation/process_plugin.h), isolation: process (the default) — each call
//     runs in a worker process that relays the host API over a socket.
// The cycle runner and the commands see only this interface.
#pragma once

#include "common/check_result.h"
#include "common/record_sink.h"
#include "plugin/plugin_statistics.h"

#include <asset_sdk/status.h>

#include <functional>
#include <optional>
#include <string>

namespace asset_host {

struct FetchResult {
    enum class Outcome { kOk, kCancelled, kError };
    FetchResult() = default;
    FetchResult(Outcome o, std::string e, std::optional<CycleHints> h = std::nullopt)
        : outcome(o), error(std::move(e)), hints(std::move(h)) {}

    Outcome outcome = Outcome::kOk;
    // When kError, already redacted: the plugin's last_error, or what the host saw go wrong
    // (a refused host API call, a worker that crashed or had to be killed).
    std::string error;
    // True when `error` is a whole sentence naming the plugin ("plugin okta_device crashed:
    // SIGSEGV"); false when it is the plugin's own words (the summary says "plugin: <error>").
    bool error_names_plugin = false;
    // What the plugin reported about this cycle through the well-known statistics. nullopt for
    // a plugin of ABI 1.0, which has no statistic(): its summary hints are in its markers.
    std::optional<CycleHints> hints;
};

class ConnectorPlugin {
public:
    virtual ~ConnectorPlugin() = default;

    // "Test connector": the plugin's checks, each handed to on_check as it completes. An error
    // means the checks could not run (the plugin failed, crashed, or was cancelled).
    virtual asset_sdk::Status test(const std::function<void(const CheckResult&)>& on_check) = 0;

    // One cycle. Records and markers go to `sink`, in order, as the plugin produces them (with
    // back-pressure: a full sink slows the plugin down). `checkpoint` is the last persisted
    // marker (nullopt: none). Runs on the calling thread; never throws.
    virtual FetchResult fetch(RecordSink& sink, const std::optional<std::string>& checkpoint,
                              bool full) = 0;

    // Every statistic the plugin reported since it was configured (kept across cycles).
    virtual const PluginStatistics& statistics() const = 0;
};

}  // namespace asset_host
