// The statistics one plugin instance reports through the host API (statistic(), ABI 1.1):
// checked (the rules of asset_host/statistic_rules.hpp — a name's _total suffix fixes its kind —
// and at most AH_STAT_MAX_SERIES series per instance), copied, and kept as the latest value of
// every series for the instance's life — what a metrics endpoint exports. The well-known
// statistics of the current cycle (plugin_abi.h: records_skipped_total, cycle_mode) are also
// summed up for the cycle summary line. A refused statistic is logged once per name; nothing a
// plugin passes can make this throw or grow without bound.
#pragma once

#include <asset_host/plugin_abi.h>

#include <spdlog/logger.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace asset_host {

using StatisticLabels = std::vector<std::pair<std::string, std::string>>;  // sorted by name

struct StatisticSeries {
    std::string name;
    StatisticLabels labels;
    ah_stat_kind kind = AH_STAT_COUNTER_ADD;
    double value = 0;  // counter: the sum of the adds; gauge: the last value set
};

// What a plugin said about one cycle through the well-known statistics; nullopt: it said
// nothing of it.
struct CycleHints {
    std::optional<std::string> mode;               // the last cycle_mode{mode=...} set non-zero
    std::optional<std::uint64_t> records_skipped;  // the sum of records_skipped_total adds
};

class PluginStatistics {
public:
    explicit PluginStatistics(std::shared_ptr<spdlog::logger> log);

    // One statistic() call. Never throws. Thread-safe. True when it was accepted.
    bool record(const ah_statistic* stat);

    // Starts collecting the hints of a new cycle (fetch() calls it before the plugin runs).
    void begin_cycle();
    CycleHints cycle_hints() const;

    // Every series, ordered by name and labels.
    std::vector<StatisticSeries> snapshot() const;

private:
    // Reads the borrowed ah_statistic into owned strings, or says why it cannot be used.
    struct Call;
    std::string problem_locked(const Call& call) const;
    void apply_locked(const Call& call);

    std::shared_ptr<spdlog::logger> log_;
    mutable std::mutex mu_;
    std::map<std::pair<std::string, StatisticLabels>, StatisticSeries> series_;
    std::set<std::string> warned_;  // names whose refusal was logged
    CycleHints cycle_;
};

}  // namespace asset_host
