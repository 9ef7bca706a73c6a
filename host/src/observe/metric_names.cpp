#include "observe/metric_names.h"

#include <prometheus/check_names.h>

namespace asset_host::observe {

std::optional<std::string> plugin_metric_name(std::string_view statistic) {
    if (statistic.empty()) return std::nullopt;
    std::string name(kPluginMetricPrefix);
    name += statistic;
    if (!prometheus::CheckMetricName(name)) return std::nullopt;
    return name;
}

bool plugin_label_allowed(std::string_view name) {
    if (name == "connector" || name == "plugin") return false;
    return prometheus::CheckLabelName(std::string(name));
}

}  // namespace asset_host::observe
