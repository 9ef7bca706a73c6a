// The daemon seen through `run --listen`: okta-sim → asset-host (okta_device.so) → sekoia-sim,
// with the metrics scraped over loopback and compared with what the simulators saw.
#include "e2e_fixture.h"
#include "eventually.h"
#include "scrape.h"

#include <csignal>

using namespace e2e;
using testsupport::eventually;
using testsupport::http_get;
using testsupport::metric_value;

namespace {

// The exposition once `ready(text)` holds (scraped every 50 ms, at most `limit`).
template <typename Ready>
std::string scrape_until(const std::string& address, Ready ready, std::chrono::seconds limit) {
    std::string text;
    eventually(
        [&] {
            const auto answer = http_get(address, "/metrics");
            text = answer.body;
            return answer.status == 200 && ready(text);
        },
        limit);
    return text;
}

}  // namespace

TEST_CASE("metrics after one cycle equal what sekoia-sim received; a failing connector shows") {
    OktaSim okta(250);
    SekoiaSim sekoia;
    Host host;
    Connector good = connector_for(okta, sekoia);
    good.every = "5s";  // first cycle within 5 s (jitter); the next one 5 s after it started
    host.write_manifest(good);
    Connector bad = good;
    bad.name = "okta-bad-key";
    bad.key_env = "SEKOIA_WRONG_KEY";
    bad.retry_budget = "1s";
    host.set_secret_env("SEKOIA_WRONG_KEY", "e2e-SECRET-wrong-key-99");
    host.write_manifest(bad);

    auto p = host.start({"run", "--listen", "127.0.0.1:0"});
    const std::string address = testsupport::wait_listening(*p);
    REQUIRE_MESSAGE(!address.empty(), "no 'listening on' line");
    const std::map<std::string, std::string> good_labels{{"connector", "okta-devices"},
                                                         {"plugin", "okta_device"}};
    auto with = [](std::map<std::string, std::string> l, const char* k, const char* v) {
        l[k] = v;
        return l;
    };
    const std::string text = scrape_until(
        address,
        [&](const std::string& t) {
            const auto ok =
                metric_value(t, "asset_host_cycles_total", with(good_labels, "outcome", "success"));
            const auto failed =
                metric_value(t, "asset_host_cycles_total",
                             {{"connector", "okta-bad-key"}, {"outcome", "failed"}});
            return ok && *ok >= 1 && failed && *failed >= 1;
        },
        60s);
    // Read the ledger right after the scrape: the next cycle is seconds away.
    const int received = sekoia.items_received();
    p->signal(SIGTERM);
    const auto r = p->wait(30s);
    host.check_no_secrets(r);
    CHECK_MESSAGE(r.exited_with(0), r.err);

    CHECK(metric_value(text, "asset_host_cycles_total", with(good_labels, "outcome", "success")) ==
          1);
    CHECK(metric_value(text, "asset_host_records_delivered_total", good_labels) == received);
    CHECK(metric_value(text, "asset_host_records_emitted_total", good_labels) == received);
    CHECK(received == static_cast<int>(OktaSim::valid_ids(okta.devices()).size()));
    const auto batches = metric_value(text, "asset_host_batches_total",
                                      with(good_labels, "outcome", "acknowledged"));
    REQUIRE(batches);
    CHECK(*batches >= (received + 99) / 100);  // at most 100 records a batch
    CHECK(metric_value(text, "asset_host_last_success_timestamp_seconds", good_labels) > 0);
    CHECK(metric_value(text, "asset_host_next_cycle_timestamp_seconds", good_labels) > 0);
    CHECK(metric_value(text, "asset_host_checkpoint_age_seconds", good_labels) >= 0);
    CHECK(metric_value(text, "asset_host_cycle_duration_seconds_count", good_labels) == 1);
    CHECK(metric_value(text, "asset_host_destination_request_duration_seconds_count",
                       good_labels) == *batches);  // one delivery per batch, no failure
    // The plugin's statistics, with the host's prefix and labels: 250 devices, 100 a page.
    CHECK(metric_value(text, "asset_host_plugin_pages_total", good_labels) == 3);
    CHECK(metric_value(text, "asset_host_plugin_requests_total",
                       with(good_labels, "status", "200")) == 3);
    const auto remaining =
        metric_value(text, "asset_host_plugin_rate_limit_remaining", good_labels);
    const auto limit = metric_value(text, "asset_host_plugin_rate_limit_limit", good_labels);
    REQUIRE(remaining);
    REQUIRE(limit);
    CHECK(*remaining < *limit);
    CHECK(metric_value(text, "asset_host_plugin_records_skipped_total", good_labels) ==
          250 - received);
    // The failing connector: its cycle failed, nothing delivered, no success time.
    const std::map<std::string, std::string> bad_labels{{"connector", "okta-bad-key"}};
    CHECK(metric_value(text, "asset_host_records_delivered_total", bad_labels) == 0);
    CHECK(metric_value(text, "asset_host_last_success_timestamp_seconds", bad_labels) == 0);
    CHECK(metric_value(text, "asset_host_build_info") == 1);
    CHECK(metric_value(text, "asset_host_plugins_loaded") == 1);
}

TEST_CASE("a long cycle logs progress (records so far, the plugin's pages and rate-limit waits)") {
    OktaSim okta(600, {"--latency-ms", "150"});
    SekoiaSim sekoia;
    Host host;
    Connector c = connector_for(okta, sekoia);
    host.write_manifest(c);
    // Test-only: progress every 300 ms instead of 30 s.
    host.set_env("ASSET_HOST_TEST_PROGRESS_INTERVAL", "300ms");
    const auto r = host.run({"run", "--once", "--log-format", "json"});
    REQUIRE_MESSAGE(r.exited_with(0), r.err);
    int progress = 0;
    std::string last_plugin_stats;
    for (const auto& line : testsupport::split_lines(r.err)) {
        const json j = json::parse(line, nullptr, false);
        REQUIRE_MESSAGE(j.is_object(), line);
        if (j.value("event", "") != "cycle_progress") continue;
        ++progress;
        CHECK(j["connector"] == "okta-devices");
        CHECK(j["records"].get<int>() >= 0);
        CHECK(j["elapsed_s"].get<double>() > 0);
        CHECK(contains(j["msg"].get<std::string>(), "records so far"));
        last_plugin_stats = j["plugin"].get<std::string>();
    }
    CHECK(progress >= 2);  // 6 pages of 150 ms or more
    // The plugin's counters appear once its first page is answered: on a loaded machine that
    // can be after the first progress line (300 ms), never after the last.
    CHECK_MESSAGE(contains(last_plugin_stats, "requests_total{status=200}="), r.err);
}
