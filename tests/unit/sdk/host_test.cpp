// The C++ SDK's host seam: AbiHost over a C host API table (the 1.1 members used when the
// table has them, a 1.0 table degrading), the statistic rules, and RecordingHost, the test
// double plugin authors use.
#include <asset_host/host.hpp>
#include <asset_host/recording_host.hpp>
#include <asset_host/statistic_rules.hpp>

#include <doctest/doctest.h>

#include <limits>
#include <string>
#include <vector>

using asset_host::Label;

namespace {

// A C host API table recording what AbiHost passes through it.
struct CTable {
    ah_host_api api{};
    std::vector<std::string> logs, records;
    std::vector<std::string> statistics;  // "name{a=1,b=2}=value"
    bool cancel = false;
    ah_stop_reason reason = AH_STOP_NONE;

    explicit CTable(std::size_t struct_size) {
        api.struct_size = static_cast<std::uint32_t>(struct_size);
        api.log = [](void* c, ah_log_level, const char* m, size_t n) {
            self(c).logs.emplace_back(m, n);
        };
        api.emit = [](void* c, const char* r, size_t n) {
            self(c).records.emplace_back(r, n);
            return self(c).records.size() < 2 ? AH_EMIT_CONTINUE : AH_EMIT_STOP;
        };
        api.checkpoint = [](void*, const char*, size_t) { return AH_EMIT_CONTINUE; };
        api.cancelled = [](void* c) { return self(c).cancel ? 1 : 0; };
        api.statistic = [](void* c, const ah_statistic* s) {
            std::string text = std::string(s->name) + "{";
            for (std::size_t i = 0; i < s->label_count; ++i) {
                text += std::string(i ? "," : "") + s->labels[i].name + "=" + s->labels[i].value;
            }
            self(c).statistics.push_back(text + "}=" + std::to_string(static_cast<int>(s->value)));
        };
        api.stop_reason = [](void* c) { return self(c).reason; };
    }
    static CTable& self(void* c) { return *static_cast<CTable*>(c); }
};

}  // namespace

TEST_CASE("AbiHost passes everything through a 1.1 table, as NUL-terminated strings") {
    CTable table(sizeof(ah_host_api));
    asset_host::AbiHost host(&table.api, &table);
    host.info("hello");
    CHECK(host.emit("{}"));
    CHECK_FALSE(host.emit("{}"));  // the table says stop at the second record
    table.reason = AH_STOP_DELIVERY_FAILED;
    CHECK(host.stop_reason() == AH_STOP_DELIVERY_FAILED);

    const std::string long_value(40, 'x');  // no SSO: views into a bigger buffer
    const std::string buffer = "requests_total and more";
    host.count(std::string_view(buffer).substr(0, 14), 2, {{"status", "200"}});
    host.records_skipped(3);
    host.cycle_mode("incremental");
    host.gauge("depth", 7, {{"a", std::string_view(long_value).substr(0, 3)}, {"b", "y"}});
    CHECK(table.logs == std::vector<std::string>{"hello"});
    CHECK(table.statistics ==
          std::vector<std::string>{"requests_total{status=200}=2", "records_skipped_total{}=3",
                                   "cycle_mode{mode=incremental}=1", "depth{a=xxx,b=y}=7"});
}

TEST_CASE("AbiHost over a 1.0 table: no statistics, the stop reason answered from cancelled()") {
    CTable table(AH_STRUCT_END(ah_host_api, cancelled));
    asset_host::AbiHost host(&table.api, &table);
    host.count("requests_total");
    CHECK(table.statistics.empty());         // the member is beyond struct_size: never called
    table.reason = AH_STOP_DELIVERY_FAILED;  // ditto
    CHECK(host.stop_reason() == AH_STOP_NONE);
    table.cancel = true;
    CHECK(host.stop_reason() == AH_STOP_SHUTDOWN);
}

TEST_CASE("statistic rules: names, kinds, values, labels") {
    using asset_host::statistic_problem;
    const auto problem = [](ah_stat_kind kind, std::string_view name, double value,
                            std::vector<Label> labels = {}) {
        return statistic_problem(kind, name, value, labels);
    };
    CHECK(problem(AH_STAT_COUNTER_ADD, "requests_total", 1, {{"status", "429"}}).empty());
    CHECK(problem(AH_STAT_GAUGE_SET, "rate_limit_remaining", -3).empty());
    CHECK(problem(AH_STAT_GAUGE_SET, "_private", 0).empty());

    CHECK(problem(AH_STAT_GAUGE_SET, "Requests", 1) ==
          "statistic \"Requests\": names must match [a-z_][a-z0-9_]* (at most 64 bytes, not "
          "\"__...\")");
    CHECK_FALSE(problem(AH_STAT_GAUGE_SET, "2xx", 1).empty());
    CHECK_FALSE(problem(AH_STAT_GAUGE_SET, "__reserved", 1).empty());
    CHECK_FALSE(problem(AH_STAT_GAUGE_SET, std::string(65, 'a'), 1).empty());
    CHECK(problem(AH_STAT_GAUGE_SET, std::string(64, 'a'), 1).empty());
    CHECK(problem(AH_STAT_COUNTER_ADD, "requests", 1) ==
          "statistic \"requests\": a counter's name must end in _total");
    CHECK_FALSE(problem(AH_STAT_GAUGE_SET, "requests_total", 1).empty());
    CHECK_FALSE(problem(AH_STAT_COUNTER_ADD, "requests_total", -1).empty());
    CHECK_FALSE(problem(AH_STAT_GAUGE_SET, "x", std::numeric_limits<double>::quiet_NaN()).empty());
    CHECK_FALSE(problem(static_cast<ah_stat_kind>(7), "x", 1).empty());

    CHECK_FALSE(problem(AH_STAT_GAUGE_SET, "x", 1, {{"connector", "a"}}).empty());
    CHECK_FALSE(problem(AH_STAT_GAUGE_SET, "x", 1, {{"plugin", "a"}}).empty());
    CHECK_FALSE(problem(AH_STAT_GAUGE_SET, "x", 1, {{"a", "1"}, {"a", "2"}}).empty());
    CHECK_FALSE(problem(AH_STAT_GAUGE_SET, "x", 1, {{"a", "line\nbreak"}}).empty());
    CHECK_FALSE(problem(AH_STAT_GAUGE_SET, "x", 1, {{"a", std::string(129, 'v')}}).empty());
    CHECK(problem(AH_STAT_GAUGE_SET, "x", 1, {{"a", std::string(128, 'v')}}).empty());
    std::vector<Label> nine(9, Label{"a", "b"});
    CHECK(problem(AH_STAT_GAUGE_SET, "x", 1, nine) == "statistic \"x\": at most 8 labels");

    // The well-known statistics have a fixed shape.
    CHECK(problem(AH_STAT_COUNTER_ADD, "records_skipped_total", 2).empty());
    CHECK_FALSE(problem(AH_STAT_COUNTER_ADD, "records_skipped_total", 1.5).empty());
    CHECK_FALSE(problem(AH_STAT_COUNTER_ADD, "records_skipped_total", 1, {{"a", "b"}}).empty());
    CHECK(problem(AH_STAT_GAUGE_SET, "cycle_mode", 1, {{"mode", "full"}}).empty());
    CHECK(problem(AH_STAT_GAUGE_SET, "cycle_mode", 1) ==
          "statistic \"cycle_mode\": takes exactly one label, mode (e.g. "
          "cycle_mode{mode=\"full\"})");
}

TEST_CASE("RecordingHost: records, stops with a reason, keeps markers, checks statistics") {
    asset_host::RecordingHost host;
    host.stop_after_records = 2;
    host.stop_with = AH_STOP_DELIVERY_FAILED;
    CHECK(host.stop_reason() == AH_STOP_NONE);
    CHECK(host.emit("{\"n\":1}"));
    CHECK_FALSE(host.emit("{\"n\":2}"));  // taken, then stop
    CHECK_FALSE(host.emit("{\"n\":3}"));  // a stopped host takes nothing more
    CHECK(host.records.size() == 2);
    CHECK(host.stop_reason() == AH_STOP_DELIVERY_FAILED);
    CHECK_FALSE(host.checkpoint("{\"next\":2}"));
    CHECK(host.markers == std::vector<std::string>{"{\"next\":2}"});

    host.warn("careful");
    host.debug("detail");
    CHECK(host.count_logs(AH_LOG_WARN) == 1);
    CHECK(host.all_logs() == "careful\ndetail\n");

    host.count("requests_total", 1, {{"status", "200"}});
    host.count("requests_total", 2, {{"status", "200"}});
    host.count("requests_total", 1, {{"status", "429"}});
    host.gauge("rate_limit_remaining", 40);
    host.gauge("rate_limit_remaining", 39);
    host.gauge("Bad Name", 1);
    CHECK(host.counter("requests_total", {{"status", "200"}}) == 3);
    CHECK(host.counter("requests_total", {{"status", "429"}}) == 1);
    CHECK(host.counter("requests_total") == 0);  // another series
    CHECK(host.gauge_value("rate_limit_remaining") == 39);
    CHECK_FALSE(host.gauge_value("missing").has_value());
    REQUIRE(host.refused_statistics.size() == 1);
    CHECK(host.refused_statistics[0].rfind("statistic \"Bad Name\": names must match", 0) == 0);

    asset_host::RecordingHost cancelled;
    cancelled.cancel = true;
    CHECK(cancelled.cancelled());
    CHECK(cancelled.stop_reason() == AH_STOP_SHUTDOWN);
    cancelled.stop(AH_STOP_CYCLE_TIMEOUT);
    CHECK(cancelled.stop_reason() == AH_STOP_CYCLE_TIMEOUT);
    CHECK_FALSE(cancelled.emit("{}"));
}

TEST_CASE("every stop reason has words for a log line") {
    CHECK(asset_host::describe(AH_STOP_SHUTDOWN) == "the host is shutting down");
    CHECK(asset_host::describe(AH_STOP_DELIVERY_FAILED) ==
          "the host could not deliver the records");
    CHECK(asset_host::describe(static_cast<ah_stop_reason>(99)) == "the host asked to stop");
}
