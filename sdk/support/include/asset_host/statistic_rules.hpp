// The rules one statistic must follow (ah_statistic in plugin_abi.h), in one place: the host
// checks every statistic() call with them, and RecordingHost checks the statistics of a
// plugin's unit tests with them, so a bad name fails in the author's tests, not in production.
// Rules that need memory of earlier calls (a name keeps its kind, the number of series per
// instance) are the host's alone.
#pragma once

#include <asset_host/plugin_abi.h>
#include <asset_host/host.hpp>

#include <cmath>
#include <span>
#include <string>
#include <string_view>

namespace asset_host {

namespace detail {

inline bool is_snake_name(std::string_view s) {
    if (s.empty() || s.size() > AH_STAT_MAX_NAME) return false;
    if (s[0] >= '0' && s[0] <= '9') return false;
    for (char c : s) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    }
    return s.rfind("__", 0) != 0;  // reserved for the metrics system's own names
}

inline bool is_label_value(std::string_view s) {
    if (s.size() > AH_STAT_MAX_LABEL_VALUE) return false;
    for (char c : s) {
        if (c < 0x20 || c > 0x7e) return false;
    }
    return true;
}

// A name as it may be quoted in a message: printable, at most 80 characters.
inline std::string printable(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 80)) out.push_back(c >= 0x20 && c <= 0x7e ? c : '?');
    if (s.size() > 80) out += "...";
    return out;
}

}  // namespace detail

// Why the host refuses this statistic, or "" when it follows every per-call rule. The message
// names the statistic and the rule, e.g.
//   statistic "Requests": names must match [a-z_][a-z0-9_]* (at most 64 bytes, not "__...")
inline std::string statistic_problem(ah_stat_kind kind, std::string_view name, double value,
                                     std::span<const Label> labels) {
    const std::string which = "statistic \"" + detail::printable(name) + "\": ";
    if (!detail::is_snake_name(name)) {
        return which + "names must match [a-z_][a-z0-9_]* (at most " +
               std::to_string(AH_STAT_MAX_NAME) + " bytes, not \"__...\")";
    }
    const bool total = name.size() >= 6 && name.substr(name.size() - 6) == "_total";
    if (kind == AH_STAT_COUNTER_ADD) {
        if (!total) return which + "a counter's name must end in _total";
        if (!std::isfinite(value) || value < 0) {
            return which + "a counter only grows: add a finite value >= 0";
        }
    } else if (kind == AH_STAT_GAUGE_SET) {
        if (total) return which + "_total is for counters; a gauge's name must not end in it";
        if (!std::isfinite(value)) return which + "a gauge's value must be finite";
    } else {
        return which + "unknown kind " + std::to_string(static_cast<int>(kind));
    }
    if (labels.size() > AH_STAT_MAX_LABELS) {
        return which + "at most " + std::to_string(AH_STAT_MAX_LABELS) + " labels";
    }
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const Label& l = labels[i];
        if (!detail::is_snake_name(l.name) || l.name == "connector" || l.name == "plugin") {
            return which + "label \"" + detail::printable(l.name) +
                   "\": label names must match [a-z_][a-z0-9_]* and not be connector or plugin "
                   "(the host adds those)";
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (labels[j].name == l.name) {
                return which + "label \"" + std::string(l.name) + "\" is given twice";
            }
        }
        if (!detail::is_label_value(l.value)) {
            return which + "label \"" + std::string(l.name) +
                   "\": values must be printable ASCII, at most " +
                   std::to_string(AH_STAT_MAX_LABEL_VALUE) + " bytes";
        }
    }
    // The well-known statistics of the cycle summary have a fixed shape.
    if (name == AH_STAT_RECORDS_SKIPPED && (!labels.empty() || value != std::floor(value))) {
        return which + "takes no labels and a whole number of records";
    }
    if (name == AH_STAT_CYCLE_MODE &&
        (labels.size() != 1 || labels[0].name != AH_STAT_CYCLE_MODE_LABEL)) {
        return which + "takes exactly one label, " AH_STAT_CYCLE_MODE_LABEL
                       " (e.g. cycle_mode{mode=\"full\"})";
    }
    return {};
}

}  // namespace asset_host
