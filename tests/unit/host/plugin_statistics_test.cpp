// The host's store of plugin statistics (statistic(), ABI 1.1): what it keeps, what it refuses
// and how it says so (once per name), its bounds, the cycle_mode state set, and the per-cycle
// hints of the summary line. Statistics are passed as the C structs a plugin passes.
#include "plugin/plugin_statistics.h"

#include <doctest/doctest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <limits>
#include <sstream>
#include <string>
#include <vector>

using asset_host::CycleHints;
using asset_host::PluginStatistics;
using asset_host::StatisticLabels;

namespace {

struct Rig {
    std::ostringstream log_text;
    PluginStatistics stats{std::make_shared<spdlog::logger>(
        "stats-test", std::make_shared<spdlog::sinks::ostream_sink_st>(log_text))};

    void report(ah_stat_kind kind, const char* name, double value,
                std::vector<ah_label> labels = {}) {
        const ah_statistic s{
            sizeof(ah_statistic), kind, name, labels.empty() ? nullptr : labels.data(),
            labels.size(),        value};
        stats.record(&s);
    }
    std::optional<double> value(const std::string& name, const StatisticLabels& labels = {}) {
        for (const auto& s : stats.snapshot()) {
            if (s.name == name && s.labels == labels) return s.value;
        }
        return std::nullopt;
    }
    int warnings() const {
        int n = 0;
        const std::string text = log_text.str();
        for (std::size_t at = 0;
             (at = text.find("plugin statistic refused", at)) != std::string::npos; ++at) {
            ++n;
        }
        return n;
    }
};

}  // namespace

TEST_CASE("counters add up, gauges keep the last value, labels in any order are one series") {
    Rig rig;
    rig.report(AH_STAT_COUNTER_ADD, "requests_total", 2, {{"status", "200"}, {"method", "GET"}});
    rig.report(AH_STAT_COUNTER_ADD, "requests_total", 3, {{"method", "GET"}, {"status", "200"}});
    rig.report(AH_STAT_COUNTER_ADD, "requests_total", 1, {{"status", "429"}, {"method", "GET"}});
    rig.report(AH_STAT_GAUGE_SET, "rate_limit_remaining", 50);
    rig.report(AH_STAT_GAUGE_SET, "rate_limit_remaining", 12.5);
    CHECK(rig.value("requests_total", {{"method", "GET"}, {"status", "200"}}) == 5);
    CHECK(rig.value("requests_total", {{"method", "GET"}, {"status", "429"}}) == 1);
    CHECK(rig.value("rate_limit_remaining") == 12.5);
    const auto all = rig.stats.snapshot();
    REQUIRE(all.size() == 3);
    CHECK(all[0].name == "rate_limit_remaining");  // ordered by name, then labels
    CHECK(all[0].kind == AH_STAT_GAUGE_SET);
    CHECK(rig.warnings() == 0);
}

TEST_CASE("a refused statistic records nothing and is logged once per name") {
    Rig rig;
    rig.report(AH_STAT_COUNTER_ADD, "Bad-Name", 1);
    rig.report(AH_STAT_COUNTER_ADD, "Bad-Name", 1);
    rig.report(AH_STAT_COUNTER_ADD, "requests", 1);  // a counter without _total
    rig.report(AH_STAT_COUNTER_ADD, "errors_total", -1);
    CHECK(rig.stats.snapshot().empty());
    CHECK(rig.warnings() == 3);
    CHECK(rig.log_text.str().find("plugin statistic refused: statistic \"requests\": a counter's "
                                  "name must end in _total (further refusals of this name are "
                                  "not logged)") != std::string::npos);
}

TEST_CASE("unreadable statistics are refused without reading past the bounds") {
    Rig rig;
    rig.stats.record(nullptr);
    const ah_statistic small{16, AH_STAT_GAUGE_SET, "x", nullptr, 0, 1};  // older than 1.1
    rig.stats.record(&small);
    const ah_statistic no_name{sizeof(ah_statistic), AH_STAT_GAUGE_SET, nullptr, nullptr, 0, 1};
    rig.stats.record(&no_name);
    const ah_statistic no_labels{sizeof(ah_statistic), AH_STAT_GAUGE_SET, "x", nullptr, 2, 1};
    rig.stats.record(&no_labels);
    const ah_label null_value{"a", nullptr};
    const ah_statistic null_label{sizeof(ah_statistic), AH_STAT_GAUGE_SET, "y", &null_value, 1, 1};
    rig.stats.record(&null_label);
    const std::string long_name(10'000, 'a');  // read only up to the bound
    rig.report(AH_STAT_GAUGE_SET, long_name.c_str(), 1);
    std::vector<ah_label> many(100, ah_label{"a", "b"});
    rig.report(AH_STAT_GAUGE_SET, "z", 1, many);
    CHECK(rig.stats.snapshot().empty());
    CHECK(rig.log_text.str().find("smaller than ABI 1.1's (struct_size 16)") != std::string::npos);
    CHECK(rig.log_text.str().find("at most 8 labels") != std::string::npos);
}

TEST_CASE("at most AH_STAT_MAX_SERIES series; existing ones still update") {
    Rig rig;
    for (int i = 0; i < AH_STAT_MAX_SERIES + 10; ++i) {
        const std::string v = std::to_string(i);
        rig.report(AH_STAT_COUNTER_ADD, "per_device_total", 1, {{"device", v.c_str()}});
    }
    CHECK(rig.stats.snapshot().size() == AH_STAT_MAX_SERIES);
    rig.report(AH_STAT_COUNTER_ADD, "per_device_total", 1, {{"device", "0"}});
    CHECK(rig.value("per_device_total", {{"device", "0"}}) == 2);
    CHECK(rig.warnings() == 1);  // one name, one warning
    CHECK(rig.log_text.str().find("already has 256 series") != std::string::npos);
}

TEST_CASE("refusal warnings stop after 32 names") {
    Rig rig;
    for (int i = 0; i < 100; ++i) {
        const std::string name = "Bad" + std::to_string(i);
        rig.report(AH_STAT_GAUGE_SET, name.c_str(), 1);
    }
    CHECK(rig.warnings() == 32);
    CHECK(rig.log_text.str().find("(further refused statistics are not logged)") !=
          std::string::npos);
}

TEST_CASE("cycle hints: per cycle, from the well-known statistics; cycle_mode is a state set") {
    Rig rig;
    rig.stats.begin_cycle();
    CycleHints none = rig.stats.cycle_hints();
    CHECK_FALSE(none.mode.has_value());
    CHECK_FALSE(none.records_skipped.has_value());

    rig.report(AH_STAT_GAUGE_SET, AH_STAT_CYCLE_MODE, 1, {{"mode", "full"}});
    rig.report(AH_STAT_COUNTER_ADD, AH_STAT_RECORDS_SKIPPED, 0);
    rig.report(AH_STAT_COUNTER_ADD, AH_STAT_RECORDS_SKIPPED, 4);
    CycleHints first = rig.stats.cycle_hints();
    CHECK(first.mode == "full");
    CHECK(first.records_skipped == 4u);

    rig.stats.begin_cycle();
    rig.report(AH_STAT_GAUGE_SET, AH_STAT_CYCLE_MODE, 1, {{"mode", "incremental"}});
    rig.report(AH_STAT_GAUGE_SET, AH_STAT_CYCLE_MODE, 0, {{"mode", "full"}});  // no change
    rig.report(AH_STAT_COUNTER_ADD, AH_STAT_RECORDS_SKIPPED, 1);
    CycleHints second = rig.stats.cycle_hints();
    CHECK(second.mode == "incremental");
    CHECK(second.records_skipped == 1u);
    // The counter is cumulative; exactly one mode reads 1.
    CHECK(rig.value(AH_STAT_RECORDS_SKIPPED) == 5);
    CHECK(rig.value(AH_STAT_CYCLE_MODE, {{"mode", "incremental"}}) == 1);
    CHECK(rig.value(AH_STAT_CYCLE_MODE, {{"mode", "full"}}) == 0);
}
