// Page n+1 asked for while page n is read (DeviceSync::prefetch_next), over REAL HTTP against
// okta-sim: the pages overlap, and every guarantee of the sequential walk still holds — the
// rate limit (a 429 on a prefetched page), cancellation, link pinning, exactly-once delivery
// with checkpoint resume, a page re-read.
#include "config.h"
#include "device_sync.h"
#include "okta_sync.h"

#include <asset_sdk/clock.h>
#include <asset_sdk/http_client.h>
#include <asset_host/recording_host.hpp>

#include <doctest/doctest.h>
#include <eventually.h>
#include <okta_sim.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <set>
#include <span>
#include <string>
#include <thread>
#include <vector>

using nlohmann::json;
using okta_device::DeviceSync;
using okta_device::OktaAuth;
using namespace std::chrono_literals;
using namespace okta_device::testing;  // Sim, config_for, as_set, kToken

namespace {

// A RecordingHost that lets the test look at okta-sim from inside a checkpoint call, i.e. after
// a page's records were emitted and before the plugin goes on.
class WatchedHost final : public asset_host::Host {
public:
    asset_host::RecordingHost io;
    std::function<void(std::size_t page)> on_checkpoint;  // page: 1, 2, ...

    void log(ah_log_level level, std::string_view message) override { io.log(level, message); }
    bool emit(std::string_view record) override { return io.emit(record); }
    bool checkpoint(std::string_view marker) override {
        if (on_checkpoint) on_checkpoint(io.markers.size() + 1);
        return io.checkpoint(marker);
    }
    bool cancelled() override { return io.cancelled(); }
    ah_stop_reason stop_reason() override { return io.stop_reason(); }
    void statistic(ah_stat_kind kind, std::string_view name, double value,
                   std::span<const asset_host::Label> labels) override {
        io.statistic(kind, name, value, labels);
    }
};

std::vector<std::string> uids_of(const asset_host::RecordingHost& io) {
    std::vector<std::string> out;
    for (const auto& r : io.records) {
        out.push_back(json::parse(r)["device"]["uid"].get<std::string>());
    }
    return out;
}

// One sync through `http` (tests that run twice reuse the client, as the plugin does).
asset_sdk::Status sync_once(asset_sdk::HttpClient& http, const okta_device::OktaConfig& cfg,
                            asset_sdk::Clock& clock, asset_host::Host& host,
                            std::optional<std::string> marker = std::nullopt) {
    auto auth = OktaAuth::create(cfg, http, clock);
    REQUIRE_MESSAGE(auth.is_ok(), auth.status().message());
    DeviceSync sync(cfg, http, **auth, clock, host, 42);
    return sync.run(marker ? std::optional<std::string_view>(*marker) : std::nullopt, false);
}

std::uint64_t device_requests(const Sim& sim) {
    return sim.stats()["device_requests"].get<std::uint64_t>();
}

}  // namespace

TEST_CASE("prefetch: page n+1 reaches Okta before page n's checkpoint, nothing beyond the end") {
    Sim sim(1000);  // 5 pages of 200
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    WatchedHost host;
    std::vector<bool> next_page_requested;  // at each page's checkpoint
    host.on_checkpoint = [&](std::size_t page) {
        // The plugin is blocked here, inside page `page`'s checkpoint: the request for the next
        // page can only have been sent before the page was read. Sequentially it is never sent
        // by now, and this wait fails.
        next_page_requested.push_back(testsupport::eventually(
            [&] { return device_requests(sim) >= page + 1; }, page < 5 ? 5000ms : 300ms));
    };
    auto http = asset_sdk::make_curl_client({});
    const auto status = sync_once(*http, config_for(sim), clock, host);
    REQUIRE_MESSAGE(status.is_ok(), status.message());
    CHECK(next_page_requested == std::vector<bool>{true, true, true, true, false});
    CHECK(device_requests(sim) == 5);  // the last page prefetches nothing
    CHECK(uids_of(host.io).size() == 1000);
    CHECK(as_set(uids_of(host.io)) == sim.ids());
    // Each prefetched request is the page the checkpoint before it resumes at.
    const auto targets = sim.device_request_targets();
    REQUIRE(targets.size() == 5);
    for (std::size_t i = 0; i + 1 < host.io.markers.size(); ++i) {
        CHECK(targets[i + 1] == json::parse(host.io.markers[i])["resume"].get<std::string>());
    }
}

TEST_CASE("prefetch: a 429 on the prefetched page waits for the reset, then the page is read") {
    Sim sim(600);
    sim.faults(
        json::array({{{"kind", "rate_limit_429"}, {"on_request", 2}, {"reset_after_ms", 4000}}}));
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    WatchedHost host;
    std::vector<std::uint64_t> requests_at_checkpoint;
    host.on_checkpoint = [&](std::size_t page) {
        if (page == 1) testsupport::eventually([&] { return device_requests(sim) >= 2; }, 5000ms);
        requests_at_checkpoint.push_back(device_requests(sim));
    };
    auto http = asset_sdk::make_curl_client({});
    const auto status = sync_once(*http, config_for(sim), clock, host);
    REQUIRE_MESSAGE(status.is_ok(), status.message());
    // Page 2 was asked for during page 1 (the 429), then again after the wait.
    REQUIRE(requests_at_checkpoint.size() == 3);
    CHECK(requests_at_checkpoint[0] == 2);
    CHECK(sim.stats()["faults_fired"]["rate_limit_429"] == 1);
    REQUIRE(clock.sleeps().size() == 1);  // the wait for the window's reset, and only it
    CHECK(clock.sleeps()[0] >= 4000ms);
    CHECK(clock.sleeps()[0] < 8000ms);
    CHECK(host.io.all_logs().find("rate limited on GET /api/v1/devices") != std::string::npos);
    CHECK(uids_of(host.io).size() == 600);
    CHECK(as_set(uids_of(host.io)) == sim.ids());
    CHECK(device_requests(sim) == 4);  // 3 pages + the one refused
}

TEST_CASE("prefetch: a prefetch is not sent while the rate limit needs a pause") {
    // A window of 4 requests with half kept in reserve: after page 2 only the reserve is left, so
    // page 3 must wait for the next window (real time: the window is okta-sim's).
    Sim sim(600, {"--rate-limit", "4", "--rate-window-ms", "1500"});
    asset_sdk::SystemClock& clock = asset_sdk::SystemClock::instance();
    WatchedHost host;
    std::vector<std::uint64_t> requests_at_checkpoint;
    host.on_checkpoint = [&](std::size_t page) {
        if (page == 1) {
            testsupport::eventually([&] { return device_requests(sim) >= 2; }, 5000ms);
        } else {
            std::this_thread::sleep_for(300ms);  // time enough for a prefetch to arrive
        }
        requests_at_checkpoint.push_back(device_requests(sim));
    };
    auto http = asset_sdk::make_curl_client({});
    const auto status =
        sync_once(*http, config_for(sim, R"("rate_limit_reserve":0.5)"), clock, host);
    REQUIRE_MESSAGE(status.is_ok(), status.message());
    CHECK(sim.stats()["status_counts"].value("429", 0) == 0);  // paced, never refused
    // Page 1 left 3 of 4, above the reserve of 2: page 2 was prefetched. Page 2 left 2: page 3
    // was not, and waited for the next window.
    CHECK(requests_at_checkpoint == std::vector<std::uint64_t>{2, 2, 3});
    CHECK(uids_of(host.io).size() == 600);
    CHECK(host.io.all_logs().find("to keep the reserve") != std::string::npos);
}

TEST_CASE("prefetch: cancelled while the prefetched page is on its way, the sync stops at once") {
    Sim sim(1000);
    sim.faults(json::array({{{"kind", "slow"}, {"on_request", 2}, {"delay_ms", 4000}}}));
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    WatchedHost host;
    std::thread canceller;
    host.on_checkpoint = [&](std::size_t page) {
        if (page == 1) {
            canceller = std::thread([&] {
                std::this_thread::sleep_for(200ms);
                host.io.cancel = true;
            });
        }
    };
    // As the plugin makes it: transfers look at the host's cancellation.
    asset_host::Host* current = &host;
    asset_sdk::HttpClientOptions options;
    options.cancelled = [&current] { return current->cancelled(); };
    auto http = asset_sdk::make_curl_client(std::move(options));
    const auto cfg = config_for(sim);
    const auto t0 = std::chrono::steady_clock::now();
    const auto status = sync_once(*http, cfg, clock, host);
    const auto took = std::chrono::steady_clock::now() - t0;
    canceller.join();
    CHECK(status.code() == asset_sdk::StatusCode::kCancelled);
    CHECK(took < 2500ms);  // not the 4 s the prefetched page takes
    REQUIRE(host.io.markers.size() == 1);
    CHECK(uids_of(host.io).size() == 200);

    // The same client goes on from the marker: the abandoned transfer left nothing behind.
    WatchedHost again;
    current = &again;
    const auto resumed = sync_once(*http, cfg, clock, again, host.io.markers.back());
    REQUIRE_MESSAGE(resumed.is_ok(), resumed.message());
    std::vector<std::string> all = uids_of(host.io);
    for (const auto& id : uids_of(again.io)) all.push_back(id);
    CHECK(all.size() == 1000);
    CHECK(as_set(all) == sim.ids());
}

TEST_CASE("prefetch: the host stops mid-page; resuming delivers every device exactly once") {
    Sim sim(1000);
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    WatchedHost first;
    first.io.stop_after_records = 450;  // page 3; page 4 is on its way then
    first.io.stop_with = AH_STOP_DELIVERY_FAILED;
    auto http = asset_sdk::make_curl_client({});
    const auto cfg = config_for(sim);
    const auto status = sync_once(*http, cfg, clock, first);
    CHECK(status.code() == asset_sdk::StatusCode::kCancelled);
    REQUIRE(first.io.markers.size() == 2);  // pages 1 and 2
    // Page 4 had been asked for (its request may still be reaching okta-sim), and only it.
    CHECK(testsupport::eventually([&] { return device_requests(sim) == 4; }, 5000ms));
    std::this_thread::sleep_for(100ms);
    CHECK(device_requests(sim) == 4);

    WatchedHost second;
    const auto resumed = sync_once(*http, cfg, clock, second, first.io.markers.back());
    REQUIRE_MESSAGE(resumed.is_ok(), resumed.message());
    const std::vector<std::string> before = uids_of(first.io);
    std::vector<std::string> delivered(before.begin(), before.begin() + 400);  // acknowledged
    for (const auto& id : uids_of(second.io)) delivered.push_back(id);
    CHECK(delivered.size() == 1000);
    CHECK(as_set(delivered) == sim.ids());
}

TEST_CASE("prefetch: a prefetched page's off-origin link is never requested") {
    Sim sim(1000);
    // Page 2 (prefetched) links off origin: page 3 must not be asked for, there or anywhere.
    sim.faults(
        json::array({{{"kind", "off_origin_next"}, {"on_request", 2}, {"variant", "port"}}}));
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    WatchedHost host;
    auto http = asset_sdk::make_curl_client({});
    const auto status = sync_once(*http, config_for(sim), clock, host);
    REQUIRE_FALSE(status.is_ok());
    CHECK(status.message().find("refusing to send the API token there") != std::string::npos);
    const json stats = sim.stats();
    CHECK(stats["decoy_requests"] == 0);
    CHECK(stats["off_origin_followed"] == 0);
    CHECK(stats["device_requests"] == 2);
    CHECK(host.io.markers.size() == 1);     // page 1; page 2's marker would point off origin
    CHECK(uids_of(host.io).size() == 400);  // page 2 was read, as without prefetching
}
