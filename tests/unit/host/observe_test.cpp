// The daemon's observability parts in process: plugin metric naming and labels, the daemon
// state behind /healthz and /readyz, the metrics registry's series, --listen addresses.
#include "observe/daemon_state.h"
#include "observe/host_metrics.h"
#include "observe/listen_address.h"
#include "observe/metric_names.h"

#include <asset_sdk/clock.h>

#include <doctest/doctest.h>

#include <string>

using namespace asset_host::observe;
using namespace std::chrono_literals;

namespace {
bool has(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}
}  // namespace

TEST_CASE("plugin statistics become asset_host_plugin_<name>; invalid names are refused") {
    CHECK(plugin_metric_name("requests_total") == "asset_host_plugin_requests_total");
    CHECK(plugin_metric_name("rate_limit_remaining") == "asset_host_plugin_rate_limit_remaining");
    CHECK_FALSE(plugin_metric_name(""));
    CHECK_FALSE(plugin_metric_name("bad-name"));
    CHECK_FALSE(plugin_metric_name("with space"));
    CHECK_FALSE(plugin_metric_name("dot.ted"));
}

TEST_CASE("plugin labels: Prometheus label names, never connector/plugin or reserved ones") {
    CHECK(plugin_label_allowed("status"));
    CHECK(plugin_label_allowed("mode"));
    CHECK_FALSE(plugin_label_allowed("connector"));
    CHECK_FALSE(plugin_label_allowed("plugin"));
    CHECK_FALSE(plugin_label_allowed("__name__"));
    CHECK_FALSE(plugin_label_allowed("1st"));
    CHECK_FALSE(plugin_label_allowed("bad-label"));
}

TEST_CASE("daemon state: alive only while the loop ticks within the threshold") {
    asset_sdk::ManualClock clock;
    DaemonState state(clock, 10s);
    CHECK_FALSE(state.alive());  // never ticked
    state.tick();
    CHECK(state.alive());
    clock.advance(10s);
    CHECK(state.alive());
    clock.advance(1ms);
    CHECK_FALSE(state.alive());
    state.tick();
    CHECK(state.alive());
}

TEST_CASE("daemon state: ready only while running, not starting, reloading or stopping") {
    asset_sdk::ManualClock clock;
    DaemonState state(clock);
    CHECK_FALSE(state.ready());
    state.set_phase(DaemonPhase::kRunning);
    CHECK(state.ready());
    state.set_phase(DaemonPhase::kReloading);
    CHECK_FALSE(state.ready());
    CHECK(phase_name(state.phase()) == "reloading");
    state.set_phase(DaemonPhase::kStopping);
    CHECK_FALSE(state.ready());
}

TEST_CASE("metrics: a cycle's counts appear under the connector's labels") {
    asset_sdk::ManualClock clock;
    HostMetrics metrics("9.9.9", "1.1", clock);
    auto c = metrics.connector("okta-a", "okta_device");
    CycleObservation cycle;
    cycle.outcome = "success";
    cycle.duration_seconds = 2.5;
    cycle.records_emitted = 42;
    cycle.records_delivered = 40;
    cycle.records_rejected = 2;
    cycle.batches_ok = 3;
    cycle.retries = 1;
    c->cycle_finished(cycle, clock.now());
    c->checkpoint_at(clock.now() - 90s);
    const std::string text = metrics.scrape();
    const std::string labels = "connector=\"okta-a\",plugin=\"okta_device\"";
    // prometheus-cpp writes labels in name order: connector, outcome, plugin.
    CHECK(has(text,
              "asset_host_cycles_total{connector=\"okta-a\",outcome=\"success\","
              "plugin=\"okta_device\"} 1"));
    CHECK(has(text,
              "asset_host_cycles_total{connector=\"okta-a\",outcome=\"failed\","
              "plugin=\"okta_device\"} 0"));
    CHECK(has(text, "asset_host_records_emitted_total{" + labels + "} 42"));
    CHECK(has(text, "asset_host_records_delivered_total{" + labels + "} 40"));
    CHECK(has(text, "asset_host_records_rejected_total{" + labels + "} 2"));
    CHECK(has(text,
              "asset_host_batches_total{connector=\"okta-a\",outcome=\"acknowledged\","
              "plugin=\"okta_device\"} 3"));
    CHECK(has(text, "asset_host_destination_retries_total{" + labels + "} 1"));
    CHECK(has(text, "asset_host_cycle_duration_seconds_count{" + labels + "} 1"));
    CHECK(has(text, "asset_host_last_success_timestamp_seconds{" + labels + "} 1700000000"));
    CHECK(has(text, "asset_host_checkpoint_age_seconds{" + labels + "} 90"));
    CHECK(has(text, "asset_host_build_info{abi=\"1.1\",version=\"9.9.9\"} 1"));
    CHECK(has(text, "asset_host_connectors{state=\"idle\"} 1"));
}

TEST_CASE("metrics: a partial cycle is counted as partial and ends the failure streak") {
    asset_sdk::ManualClock clock;
    HostMetrics metrics("1", "1.1", clock);
    auto c = metrics.connector("a", "example");
    CycleObservation failed;
    failed.outcome = "failed";
    c->cycle_finished(failed, clock.now());
    const std::string labels = "connector=\"a\",plugin=\"example\"";
    CHECK(has(metrics.scrape(), "asset_host_consecutive_failed_cycles{" + labels + "} 1"));
    CHECK(has(metrics.scrape(), "asset_host_last_success_timestamp_seconds{" + labels + "} 0"));
    CycleObservation partial;
    partial.outcome = "partial";
    partial.records_rejected = 3;
    c->cycle_finished(partial, clock.now());
    const std::string text = metrics.scrape();
    CHECK(has(text,
              "asset_host_cycles_total{connector=\"a\",outcome=\"partial\","
              "plugin=\"example\"} 1"));
    CHECK(has(text, "asset_host_records_rejected_total{" + labels + "} 3"));
    CHECK(has(text, "asset_host_consecutive_failed_cycles{" + labels + "} 0"));
    CHECK(has(text, "asset_host_last_success_timestamp_seconds{" + labels + "} 1700000000"));
    CHECK(has(text, "asset_host_connectors{state=\"idle\"} 1"));
}

TEST_CASE("metrics: next cycle known before the connector's first cycle; removal drops series") {
    asset_sdk::ManualClock clock;
    HostMetrics metrics("1", "1.1", clock);
    metrics.connector_next_cycle("a", clock.now() + 60s);
    auto c = metrics.connector("a", "example");
    c->cycle_started();
    CHECK(has(metrics.scrape(),
              "asset_host_next_cycle_timestamp_seconds{connector=\"a\","
              "plugin=\"example\"} 1700000060"));
    CHECK(has(metrics.scrape(), "asset_host_connectors{state=\"running\"} 1"));
    c.reset();
    metrics.remove_connector("a");
    const std::string text = metrics.scrape();
    CHECK_FALSE(has(text, "connector=\"a\""));
    CHECK(has(text, "asset_host_connectors{state=\"running\"} 0"));
}

TEST_CASE("metrics: plugin statistics get the prefix and labels; counters never go back") {
    asset_sdk::ManualClock clock;
    HostMetrics metrics("1", "1.1", clock);
    auto c = metrics.connector("a", "okta_device");
    c->publish_plugin({{"requests_total", {{"status", "200"}}, true, 5},
                       {"rate_limit_remaining", {}, false, 480},
                       {"bad name", {}, false, 1},
                       {"x_total", {{"connector", "spoof"}}, true, 1}});
    std::string text = metrics.scrape();
    CHECK(has(text, "# TYPE asset_host_plugin_requests_total counter"));
    CHECK(has(text,
              "asset_host_plugin_requests_total{connector=\"a\",plugin=\"okta_device\","
              "status=\"200\"} 5"));
    CHECK(has(text,
              "asset_host_plugin_rate_limit_remaining{connector=\"a\","
              "plugin=\"okta_device\"} 480"));
    CHECK_FALSE(has(text, "bad name"));
    CHECK_FALSE(has(text, "spoof"));
    // The same instance reports a total of 8: +3. A new instance starts from 0 and reports 2.
    c->publish_plugin({{"requests_total", {{"status", "200"}}, true, 8}});
    c->plugin_instance_started();
    c->publish_plugin({{"requests_total", {{"status", "200"}}, true, 2}});
    text = metrics.scrape();
    CHECK(has(text,
              "asset_host_plugin_requests_total{connector=\"a\",plugin=\"okta_device\","
              "status=\"200\"} 10"));
}

TEST_CASE("--listen: HOST:PORT and [IPv6]:PORT; errors say the expected form") {
    auto v4 = parse_listen_address("127.0.0.1:9464");
    REQUIRE(v4.is_ok());
    CHECK(v4->host == "127.0.0.1");
    CHECK(v4->port == 9464);
    auto v6 = parse_listen_address("[::1]:0");
    REQUIRE(v6.is_ok());
    CHECK(v6->host == "::1");
    CHECK(v6->port == 0);
    CHECK(v6->to_string() == "[::1]:0");
    for (const char* bad :
         {"9464", "::1:9464", ":9464", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:x", "[::1]"}) {
        auto r = parse_listen_address(bad);
        CHECK_MESSAGE(!r.is_ok(), bad);
        if (!r.is_ok()) CHECK(has(r.status().message(), "expected HOST:PORT or [IPv6]:PORT"));
    }
}
