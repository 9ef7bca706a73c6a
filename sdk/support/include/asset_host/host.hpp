// The host, as plugin code sees it: an interface (Host) that plugin code depends on, and its
// implementation over the C host API (AbiHost), which the ASSET_HOST_PLUGIN trampolines
// (asset_host/plugin.hpp) hand to the plugin. Unit tests hand a RecordingHost instead
// (asset_host/recording_host.hpp). sdk/README.md explains when to call what.
#pragma once

#include <asset_host/plugin_abi.h>

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace asset_host {

// One label of a statistic, e.g. {"status", "429"}.
struct Label {
    std::string_view name;
    std::string_view value;
};

// Everything a plugin instance may ask of its host. Call it only from the thread running the
// current plugin call (create/configure, test, fetch). It stays valid until the instance is
// destroyed.
class Host {
public:
    virtual ~Host() = default;

    // One line in the connector's log. Never pass secrets (the host masks x-secret values, but
    // a token read elsewhere would not be known to it).
    virtual void log(ah_log_level level, std::string_view message) = 0;

    // Hands one record (a JSON object) to the host; may block while the host's queue is full.
    // false: the host wants the cycle to end — stop and return asset_sdk::cancelled() promptly;
    // stop_reason() says why. Only during fetch().
    virtual bool emit(std::string_view record_json) = 0;

    // Hands a checkpoint marker (a JSON value) covering every record emitted before it. false:
    // as emit(). Only during fetch().
    virtual bool checkpoint(std::string_view marker_json) = 0;

    // true once the host wants the current call to stop. Poll it in every long wait.
    virtual bool cancelled() = 0;

    // Why the host wants the current call to stop (AH_STOP_NONE while it does not).
    virtual ah_stop_reason stop_reason() = 0;

    // One statistic (the rules of ah_statistic in plugin_abi.h: snake_case, counters end in
    // _total, bounded labels). Never fails: the host refuses and logs what breaks a rule.
    virtual void statistic(ah_stat_kind kind, std::string_view name, double value,
                           std::span<const Label> labels) = 0;

    void trace(std::string_view message) { log(AH_LOG_TRACE, message); }
    void debug(std::string_view message) { log(AH_LOG_DEBUG, message); }
    void info(std::string_view message) { log(AH_LOG_INFO, message); }
    void warn(std::string_view message) { log(AH_LOG_WARN, message); }
    void error(std::string_view message) { log(AH_LOG_ERROR, message); }

    // Adds `by` to a counter, e.g. count("requests_total", 1, {{"status", "200"}}).
    void count(std::string_view name, double by = 1, std::initializer_list<Label> labels = {}) {
        statistic(AH_STAT_COUNTER_ADD, name, by,
                  std::span<const Label>(labels.begin(), labels.size()));
    }
    // Sets a gauge, e.g. gauge("rate_limit_remaining", 42).
    void gauge(std::string_view name, double value, std::initializer_list<Label> labels = {}) {
        statistic(AH_STAT_GAUGE_SET, name, value,
                  std::span<const Label>(labels.begin(), labels.size()));
    }

    // The well-known statistics the host's cycle summary shows (skipped=, mode=).
    // Records dropped by the plugin since the last call (0 says "none so far").
    void records_skipped(std::uint64_t n) {
        count(AH_STAT_RECORDS_SKIPPED, static_cast<double>(n));
    }
    // The kind of cycle running, a word such as "full" or "incremental".
    void cycle_mode(std::string_view mode) {
        gauge(AH_STAT_CYCLE_MODE, 1, {{AH_STAT_CYCLE_MODE_LABEL, mode}});
    }
};

// What a stop reason means, in words for a log line: "the host is shutting down", ...
inline std::string_view describe(ah_stop_reason reason) {
    switch (reason) {
        case AH_STOP_NONE:
            return "the host gave no reason";
        case AH_STOP_SHUTDOWN:
            return "the host is shutting down";
        case AH_STOP_DELIVERY_FAILED:
            return "the host could not deliver the records";
        case AH_STOP_CYCLE_TIMEOUT:
            return "the cycle ran out of time";
        case AH_STOP_NOT_IN_FETCH:
            return "records can only be emitted during fetch";
        case AH_STOP_HOST_ERROR:
            return "the host failed to take the record";
    }
    return "the host asked to stop";
}

// The Host of a plugin loaded by asset-host: the C host API table given to configure(). A
// member the host does not offer (a host of an older minor ABI, or one relaying the API)
// degrades: statistic() does nothing, stop_reason() answers from cancelled().
class AbiHost final : public Host {
public:
    AbiHost(const ah_host_api* api, void* ctx) : api_(api), ctx_(ctx) {}

    void log(ah_log_level level, std::string_view message) override {
        if (api_ && api_->log) api_->log(ctx_, level, message.data(), message.size());
    }
    bool emit(std::string_view record_json) override {
        return api_->emit(ctx_, record_json.data(), record_json.size()) == AH_EMIT_CONTINUE;
    }
    bool checkpoint(std::string_view marker_json) override {
        return api_->checkpoint(ctx_, marker_json.data(), marker_json.size()) == AH_EMIT_CONTINUE;
    }
    bool cancelled() override { return api_->cancelled(ctx_) != 0; }

    ah_stop_reason stop_reason() override {
        if (AH_STRUCT_HAS(ah_host_api, api_, stop_reason) && api_->stop_reason) {
            return api_->stop_reason(ctx_);
        }
        return cancelled() ? AH_STOP_SHUTDOWN : AH_STOP_NONE;
    }

    void statistic(ah_stat_kind kind, std::string_view name, double value,
                   std::span<const Label> labels) override {
        if (!AH_STRUCT_HAS(ah_host_api, api_, statistic) || !api_->statistic) return;
        // The ABI wants NUL-terminated strings; views may not be. The buffers are reused, so a
        // plugin reporting the same statistics page after page allocates nothing.
        name_.assign(name);
        texts_.resize(labels.size() * 2);
        labels_.resize(labels.size());
        for (std::size_t i = 0; i < labels.size(); ++i) {
            texts_[2 * i].assign(labels[i].name);
            texts_[2 * i + 1].assign(labels[i].value);
            labels_[i] = ah_label{texts_[2 * i].c_str(), texts_[2 * i + 1].c_str()};
        }
        const ah_statistic stat{sizeof(ah_statistic), kind,          name_.c_str(),
                                labels_.data(),       labels.size(), value};
        api_->statistic(ctx_, &stat);
    }

private:
    const ah_host_api* api_;
    void* ctx_;
    std::string name_;
    std::vector<std::string> texts_;  // label names and values, alternately
    std::vector<ah_label> labels_;
};

}  // namespace asset_host
