// Names of the metrics /metrics exports for plugins' statistics (statistic(), plugin ABI 1.1).
// A plugin names its statistics in its own words (`requests_total`, `rate_limit_remaining`);
// the host puts them under its own prefix so they can never collide with the host's series or
// another exporter's, and adds the `connector` and `plugin` labels itself.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace asset_host::observe {

inline constexpr std::string_view kPluginMetricPrefix = "asset_host_plugin_";

// "asset_host_plugin_<statistic>", or nullopt when the result is not a valid Prometheus metric
// name (the plugin ABI's rules make that impossible for a statistic the host accepted; this is
// the second line of defence, since an invalid name would break the whole scrape).
std::optional<std::string> plugin_metric_name(std::string_view statistic);

// Whether `name` may be a label of a plugin series: a valid Prometheus label name, not
// reserved ("__..."), and not one the host adds (connector, plugin).
bool plugin_label_allowed(std::string_view name);

}  // namespace asset_host::observe
