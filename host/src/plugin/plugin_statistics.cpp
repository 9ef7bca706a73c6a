#include "plugin/plugin_statistics.h"

#include <asset_host/statistic_rules.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string_view>

namespace asset_host {

namespace {

// After this many names had a refusal logged, further refusals are counted silently: a plugin
// inventing a new bad name per call must not flood the log or grow the set.
constexpr std::size_t kMaxWarnedNames = 32;

// A NUL-terminated string of at most `max` bytes, read without running past max + 1 bytes (one
// more makes an over-long string detectable).
std::string bounded(const char* s, std::size_t max) {
    return s ? std::string(s, ::strnlen(s, max + 1)) : std::string();
}

}  // namespace

// One statistic() call, copied out of the plugin's borrowed memory.
struct PluginStatistics::Call {
    ah_stat_kind kind = AH_STAT_COUNTER_ADD;
    std::string name;
    StatisticLabels labels;  // as given
    double value = 0;
    std::string unreadable;  // set when the struct itself cannot be used

    explicit Call(const ah_statistic* stat) {
        if (!AH_STRUCT_HAS(ah_statistic, stat, value)) {
            unreadable = std::string("the ah_statistic is ") +
                         (stat ? "smaller than ABI 1.1's (struct_size " +
                                     std::to_string(stat->struct_size) + ")"
                               : "NULL");
            return;
        }
        kind = stat->kind;
        value = stat->value;
        name = bounded(stat->name, AH_STAT_MAX_NAME);
        if (!stat->name) unreadable = "the statistic's name is NULL";
        if (stat->label_count > AH_STAT_MAX_LABELS) {
            unreadable = "statistic \"" + name + "\": at most " +
                         std::to_string(AH_STAT_MAX_LABELS) + " labels";
            return;
        }
        if (stat->label_count > 0 && !stat->labels) {
            unreadable = "statistic \"" + name + "\": labels is NULL but label_count is not 0";
            return;
        }
        for (std::size_t i = 0; i < stat->label_count; ++i) {
            const ah_label& l = stat->labels[i];
            if (!l.name || !l.value) unreadable = "statistic \"" + name + "\": a label is NULL";
            labels.emplace_back(bounded(l.name, AH_STAT_MAX_NAME),
                                bounded(l.value, AH_STAT_MAX_LABEL_VALUE));
        }
    }
};

PluginStatistics::PluginStatistics(std::shared_ptr<spdlog::logger> log) : log_(std::move(log)) {}

bool PluginStatistics::record(const ah_statistic* stat) {
    std::string warning;
    bool accepted = false;
    try {
        Call call(stat);
        std::lock_guard lock(mu_);
        std::string problem = call.unreadable.empty() ? problem_locked(call) : call.unreadable;
        if (problem.empty()) {
            apply_locked(call);
            accepted = true;
        } else if (warned_.size() < kMaxWarnedNames &&
                   warned_.insert(call.name.empty() ? problem : call.name).second) {
            warning = "plugin statistic refused: " + problem +
                      (warned_.size() == kMaxWarnedNames
                           ? " (further refused statistics are not logged)"
                           : " (further refusals of this name are not logged)");
        }
    } catch (...) {
        return false;  // out of memory: the statistic is lost, the plugin goes on
    }
    if (!warning.empty()) log_->warn("{}", warning);
    return accepted;
}

std::string PluginStatistics::problem_locked(const Call& call) const {
    std::vector<Label> views;
    for (const auto& [n, v] : call.labels) views.push_back({n, v});
    std::string problem = statistic_problem(call.kind, call.name, call.value, views);
    if (!problem.empty()) return problem;
    StatisticLabels key = call.labels;
    std::sort(key.begin(), key.end());
    if (series_.size() >= AH_STAT_MAX_SERIES && !series_.count({call.name, key})) {
        return "statistic \"" + call.name + "\": the plugin already has " +
               std::to_string(AH_STAT_MAX_SERIES) +
               " series (name and label values); keep label values to a small set";
    }
    return {};
}

void PluginStatistics::apply_locked(const Call& call) {
    StatisticLabels labels = call.labels;
    std::sort(labels.begin(), labels.end());
    StatisticSeries& s = series_[{call.name, labels}];
    if (s.name.empty()) s = StatisticSeries{call.name, labels, call.kind, 0};

    if (call.kind == AH_STAT_COUNTER_ADD) {
        s.value += call.value;
        if (call.name == AH_STAT_RECORDS_SKIPPED) {
            cycle_.records_skipped =
                cycle_.records_skipped.value_or(0) + static_cast<std::uint64_t>(call.value);
        }
        return;
    }
    s.value = call.value;
    if (call.name == AH_STAT_CYCLE_MODE && call.value != 0) {
        // A state set: exactly one mode reads 1.
        for (auto& [key, other] : series_) {
            if (key.first == AH_STAT_CYCLE_MODE && &other != &s) other.value = 0;
        }
        cycle_.mode = labels.front().second;  // the rules give cycle_mode exactly one label
    }
}

void PluginStatistics::begin_cycle() {
    std::lock_guard lock(mu_);
    cycle_ = CycleHints{};
}

CycleHints PluginStatistics::cycle_hints() const {
    std::lock_guard lock(mu_);
    return cycle_;
}

std::vector<StatisticSeries> PluginStatistics::snapshot() const {
    std::lock_guard lock(mu_);
    std::vector<StatisticSeries> out;
    out.reserve(series_.size());
    for (const auto& [key, s] : series_) out.push_back(s);
    return out;
}

}  // namespace asset_host
