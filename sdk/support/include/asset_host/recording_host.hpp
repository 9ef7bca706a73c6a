// RecordingHost: a Host for a plugin's unit tests. It keeps every log line, record, checkpoint
// marker and statistic in memory, checks statistics against the host's rules, and lets the test
// cancel the call or make emit()/checkpoint() say stop, with the reason the real host would give.
//
//   asset_host::RecordingHost host;
//   host.stop_after_records = 450;                     // the host stops the cycle at record 450
//   host.stop_with = AH_STOP_DELIVERY_FAILED;          // ... because delivery failed
//   MySync sync(config, host);
//   CHECK(sync.run().code() == asset_sdk::StatusCode::kCancelled);
//   CHECK(host.markers.size() == 2);
//   CHECK(host.counter("records_skipped_total") == 3);
//
// Like the real host it is meant to be called from one thread; only `cancel` may be set from
// another one.
#pragma once

#include <asset_host/host.hpp>
#include <asset_host/statistic_rules.hpp>

#include <algorithm>
#include <atomic>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace asset_host {

class RecordingHost final : public Host {
public:
    struct LogLine {
        ah_log_level level;
        std::string text;
    };
    using Labels = std::vector<std::pair<std::string, std::string>>;  // sorted by name
    struct Statistic {
        ah_stat_kind kind;
        std::string name;
        Labels labels;
        double value;
    };

    // ---- what the test sets --------------------------------------------------------------
    std::atomic<bool> cancel{false};              // what cancelled() returns
    long stop_after_records = -1;                 // emit() says stop once this many were taken
    ah_stop_reason stop_with = AH_STOP_SHUTDOWN;  // the reason given when it does

    // Makes every later emit()/checkpoint() say stop, giving `reason`.
    void stop(ah_stop_reason reason) { stopped_ = reason; }

    // ---- what the plugin did -------------------------------------------------------------
    std::vector<LogLine> logs;
    std::vector<std::string> records;
    std::vector<std::string> markers;
    std::vector<Statistic> statistics;            // accepted, in call order
    std::vector<std::string> refused_statistics;  // why each refused one broke a rule

    // ---- Host ----------------------------------------------------------------------------
    void log(ah_log_level level, std::string_view message) override {
        logs.push_back({level, std::string(message)});
    }
    bool emit(std::string_view record) override {
        if (stopped_ != AH_STOP_NONE) return false;  // a stopped host takes nothing more
        records.emplace_back(record);
        if (stop_after_records >= 0 && static_cast<long>(records.size()) >= stop_after_records) {
            stopped_ = stop_with;
            return false;
        }
        return true;
    }
    // Markers are kept even after a stop (the real host still stores a covered marker).
    bool checkpoint(std::string_view marker) override {
        markers.emplace_back(marker);
        return stopped_ == AH_STOP_NONE;
    }
    bool cancelled() override { return cancel.load(); }
    ah_stop_reason stop_reason() override {
        if (stopped_ != AH_STOP_NONE) return stopped_;
        return cancel.load() ? AH_STOP_SHUTDOWN : AH_STOP_NONE;
    }
    void statistic(ah_stat_kind kind, std::string_view name, double value,
                   std::span<const Label> labels) override {
        std::string problem = statistic_problem(kind, name, value, labels);
        if (!problem.empty()) {
            refused_statistics.push_back(std::move(problem));
            return;
        }
        statistics.push_back({kind, std::string(name), sorted(labels), value});
    }

    // ---- questions a test asks -----------------------------------------------------------
    // Every log line, one per line (e.g. to check that a token appears nowhere).
    std::string all_logs() const {
        std::string out;
        for (const auto& l : logs) out += l.text + "\n";
        return out;
    }
    int count_logs(ah_log_level level) const {
        return static_cast<int>(std::count_if(
            logs.begin(), logs.end(), [level](const LogLine& l) { return l.level == level; }));
    }
    // The sum of the adds to a counter series (0 if never added to).
    double counter(std::string_view name, std::initializer_list<Label> labels = {}) const {
        double sum = 0;
        const Labels want = sorted(std::span<const Label>(labels.begin(), labels.size()));
        for (const auto& s : statistics) {
            if (s.kind == AH_STAT_COUNTER_ADD && s.name == name && s.labels == want) sum += s.value;
        }
        return sum;
    }
    // The last value a gauge series was set to, if it was.
    std::optional<double> gauge_value(std::string_view name,
                                      std::initializer_list<Label> labels = {}) const {
        const Labels want = sorted(std::span<const Label>(labels.begin(), labels.size()));
        for (auto it = statistics.rbegin(); it != statistics.rend(); ++it) {
            if (it->kind == AH_STAT_GAUGE_SET && it->name == name && it->labels == want) {
                return it->value;
            }
        }
        return std::nullopt;
    }

private:
    static Labels sorted(std::span<const Label> labels) {
        Labels out;
        for (const Label& l : labels) out.emplace_back(std::string(l.name), std::string(l.value));
        std::sort(out.begin(), out.end());
        return out;
    }

    ah_stop_reason stopped_ = AH_STOP_NONE;
};

}  // namespace asset_host
