// SekoiaDestination against the REAL sekoia-sim over loopback: the wire contract, retries
// (503, 429 + Retry-After, hangs, connection errors), the retry budget, fail-fast refusals with
// Sekoia's {code, message}, and that the API key never shows up in an error (Test connector's
// checks: sekoia_checks_test.cpp). Waits between retries go through a ManualClock (instant,
// recorded); HTTP timeouts are real and kept short.
#include "delivery/sekoia_destination.h"
#include "delivery_test_util.h"
#include "sekoia_test_sim.h"

#include <asset_sdk/clock.h>

#include <doctest/doctest.h>

#include <cstdlib>
#include <thread>

using asset_host::SekoiaDestinationSpec;
using asset_host::delivery::Batch;
using asset_host::delivery::DeliveryResult;
using asset_host::delivery::SekoiaDestination;
using asset_host::delivery::SekoiaRetryPolicy;
using asset_sdk::StatusCode;
using deliverytest::check_no_key;
using deliverytest::make_batch;
using deliverytest::make_cert;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr const char* kKey = deliverytest::kSekoiaKey;
constexpr const char* kUuid = deliverytest::kConnectorUuid;
using Sim = deliverytest::SekoiaTestSim;

SekoiaRetryPolicy fast_policy() {
    SekoiaRetryPolicy p;
    p.initial_backoff = 1s;
    p.max_backoff = 4s;
    p.seed = 7;
    return p;
}

}  // namespace

TEST_CASE("a batch is posted with the contract's URL, headers and envelope") {
    Sim sim({"--connector", kUuid});  // the sim also checks Bearer, User-Agent, Content-Type
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    SekoiaDestination dest(sim.spec(), 100, clock, nullptr, fast_policy());
    const Batch batch = make_batch(1, 5);
    const DeliveryResult r = dest.deliver(batch, {});
    REQUIRE_MESSAGE(r.status.is_ok(), r.status.message());
    CHECK(r.attempts == 1);
    const json stats = sim.stats();
    CHECK(stats["accepted_posts"] == 1);
    // Posted to /api/v2/asset-management/asset-connector/{connector_uuid} of the base URL.
    CHECK(stats["per_connector"][kUuid]["accepted_posts"] == 1);
    CHECK(stats["items_received"] == 5);
    CHECK(stats["unique_uids"] == 5);
    // An uncompressed answer is asked for: the sim's server compresses its JSON answers with
    // whatever is offered (libcurl would offer br, gzip and deflate), which costs both sides more
    // than the few dozen bytes of an answer are worth.
    CHECK(stats["accept_encodings"] == json{{"identity", 1}});
    // Records travel verbatim: the sim received exactly what the plugin emitted.
    const json items = json::parse(sim.process().get("/_sim/items?limit=10").body)["items"];
    REQUIRE(items.size() == 5);
    CHECK(items[0] == json::parse(deliverytest::device_record(1)));
    CHECK(items[4] == json::parse(deliverytest::device_record(5)));
    CHECK(clock.sleeps().empty());
}

TEST_CASE("503 is retried with back-off until the batch is acknowledged") {
    Sim sim;
    sim.faults({{{"kind", "http_503"}, {"count", 2}}});
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    SekoiaDestination dest(sim.spec(), 100, clock, nullptr, fast_policy());
    const DeliveryResult r = dest.deliver(make_batch(1, 3), {});
    REQUIRE_MESSAGE(r.status.is_ok(), r.status.message());
    CHECK(r.attempts == 3);
    CHECK(r.retries() == 2);
    const auto sleeps = clock.sleeps();
    REQUIRE(sleeps.size() == 2);
    CHECK(sleeps[0] <= 1s);  // full jitter under a ceiling that doubles: 1 s, then 2 s
    CHECK(sleeps[1] <= 2s);
    CHECK(sleeps[0] >= 1ms);
    const json stats = sim.stats();
    CHECK(stats["posts"] == 3);
    CHECK(stats["status_counts"]["503"] == 2);
    CHECK(stats["unique_uids"] == 3);
    CHECK(stats["duplicates"] == 0);
}

TEST_CASE("429 waits exactly what Retry-After asks (delta-seconds)") {
    Sim sim;
    sim.faults({{{"kind", "rate_limit_429"}, {"retry_after", 7}}});
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    SekoiaDestination dest(sim.spec(), 100, clock, nullptr, fast_policy());
    const DeliveryResult r = dest.deliver(make_batch(1, 2), {});
    REQUIRE_MESSAGE(r.status.is_ok(), r.status.message());
    CHECK(r.attempts == 2);
    CHECK(clock.sleeps() == std::vector<asset_sdk::Millis>{7s});
}

TEST_CASE("429 with Retry-After as an HTTP-date") {
    Sim sim;
    sim.faults({{{"kind", "rate_limit_429"}, {"retry_after", 5}, {"retry_after_http_date", true}}});
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    SekoiaDestination dest(sim.spec(), 100, clock, nullptr, fast_policy());
    const DeliveryResult r = dest.deliver(make_batch(1, 2), {});
    REQUIRE_MESSAGE(r.status.is_ok(), r.status.message());
    const auto sleeps = clock.sleeps();
    REQUIRE(sleeps.size() == 1);
    CHECK(sleeps[0] >= 3s);  // whole seconds on the wire
    CHECK(sleeps[0] <= 6s);
}

TEST_CASE("the retry budget bounds how long one batch is retried") {
    Sim sim;
    sim.faults({{{"kind", "http_503"}, {"count", 0}}});  // every request, forever
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    auto spec = sim.spec();
    spec.retry_budget = 20s;
    SekoiaDestination dest(spec, 100, clock, nullptr, fast_policy());
    const DeliveryResult r = dest.deliver(make_batch(1, 2), {});
    CHECK(r.status.code() == StatusCode::kHttp);
    CHECK(r.status.message().find("retry budget of 20s") != std::string::npos);
    CHECK(r.status.message().find("HTTP 503") != std::string::npos);
    CHECK(clock.total_slept() <= 20s);
    CHECK(r.attempts >= 5);  // each wait is at most 4 s
    CHECK(sim.stats()["posts"] == r.attempts);
    CHECK(sim.stats()["items_received"] == 0);
    check_no_key(r.status.message());
}

TEST_CASE("a Retry-After beyond the remaining budget fails without waiting") {
    Sim sim;
    sim.faults({{{"kind", "rate_limit_429"}, {"retry_after", 3600}}});
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    SekoiaDestination dest(sim.spec(), 100, clock, nullptr, fast_policy());
    const DeliveryResult r = dest.deliver(make_batch(1, 2), {});
    CHECK(r.status.code() == StatusCode::kRateLimited);
    CHECK(r.attempts == 1);
    CHECK(r.status.message().find("Retry-After asked for 1h") != std::string::npos);
    CHECK(clock.sleeps().empty());
}

TEST_CASE("401 fails at once with Sekoia's code and message, never the key") {
    Sim sim;
    auto spec = sim.spec();
    spec.api_key = std::string(kKey) + "-wrong";
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    SekoiaDestination dest(spec, 100, clock, nullptr, fast_policy());
    const DeliveryResult r = dest.deliver(make_batch(1, 2), {});
    CHECK(r.status.code() == StatusCode::kHttp);
    CHECK(r.attempts == 1);
    const std::string& m = r.status.message();
    CHECK(m.find("HTTP 401") != std::string::npos);
    CHECK(m.find("code UNAUTHORIZED") != std::string::npos);
    CHECK(m.find("missing or invalid API key") != std::string::npos);
    CHECK(m.find("check destination.api_key") != std::string::npos);
    CHECK(m.find(spec.api_key) == std::string::npos);
    check_no_key(m);
    CHECK(sim.stats()["posts"] == 1);
    CHECK(clock.sleeps().empty());
}

TEST_CASE("an error body that echoes the key is scrubbed") {
    Sim sim;
    sim.faults({{{"kind", "http_403"}, {"message", std::string("key ") + kKey + " is revoked"}}});
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    SekoiaDestination dest(sim.spec(), 100, clock, nullptr, fast_policy());
    const DeliveryResult r = dest.deliver(make_batch(1, 1), {});
    CHECK(r.attempts == 1);
    CHECK(r.status.message().find("key *** is revoked") != std::string::npos);
    check_no_key(r.status.message());
}

TEST_CASE("400 names the offending item and field") {
    Sim sim;
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    SekoiaDestination dest(sim.spec(), 100, clock, nullptr, fast_policy());
    Batch batch = make_batch(1, 1);
    json bad = json::parse(deliverytest::device_record(2));
    bad["device"].erase("uid");
    batch.append(bad.dump());
    const DeliveryResult r = dest.deliver(batch, {});
    CHECK(r.attempts == 1);
    CHECK(r.status.code() == StatusCode::kHttp);
    CHECK(r.status.message().find("HTTP 400 (code VALIDATION_ERROR): items[1].device.uid: "
                                  "field required") != std::string::npos);
    CHECK(sim.stats()["items_received"] == 0);  // all or nothing
}

TEST_CASE("413 suggests a smaller batch_size; 404 points at the connector UUID") {
    Sim sim({"--connector", "11111111-2222-3333-4444-555555555555"});
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    SUBCASE("413") {
        sim.faults({{{"kind", "http_413"}}});
        SekoiaDestination dest(sim.spec(), 500, clock, nullptr, fast_policy());
        const DeliveryResult r = dest.deliver(make_batch(1, 1), {});
        CHECK(r.attempts == 1);
        CHECK(r.status.message().find("lower destination.batch_size (now 500)") !=
              std::string::npos);
    }
    SUBCASE("404") {
        SekoiaDestination dest(sim.spec(), 100, clock, nullptr, fast_policy());
        const DeliveryResult r = dest.deliver(make_batch(1, 1), {});
        CHECK(r.attempts == 1);
        CHECK(r.status.message().find("HTTP 404") != std::string::npos);
        CHECK(r.status.message().find("check destination.connector_uuid") != std::string::npos);
    }
}

TEST_CASE("a request that never answers times out and is retried") {
    Sim sim;
    sim.faults({{{"kind", "hang"}, {"hang_ms", 20000}}});
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    auto spec = sim.spec();
    spec.request_timeout = 300ms;
    SekoiaDestination dest(spec, 100, clock, nullptr, fast_policy());
    const auto start = std::chrono::steady_clock::now();
    const DeliveryResult r = dest.deliver(make_batch(1, 4), {});
    REQUIRE_MESSAGE(r.status.is_ok(), r.status.message());
    CHECK(r.attempts == 2);
    CHECK(std::chrono::steady_clock::now() - start < 5s);
    const json stats = sim.stats();
    CHECK(stats["hangs"] == 1);
    CHECK(stats["accepted_posts"] == 1);
    CHECK(stats["unique_uids"] == 4);
}

TEST_CASE("a lost answer means a re-send: duplicates, never a loss (at-least-once)") {
    Sim sim;
    sim.faults({{{"kind", "accept_then_hang"}, {"hang_ms", 20000}}});
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    auto spec = sim.spec();
    spec.request_timeout = 300ms;
    SekoiaDestination dest(spec, 100, clock, nullptr, fast_policy());
    const DeliveryResult r = dest.deliver(make_batch(1, 4), {});
    REQUIRE_MESSAGE(r.status.is_ok(), r.status.message());
    CHECK(r.attempts == 2);
    CHECK(sim.stats()["unique_uids"] == 4);
    CHECK(sim.stats()["duplicates"] == 4);
}

TEST_CASE("any 2xx acknowledges a batch") {
    for (const char* status : {"201", "202", "204"}) {
        CAPTURE(status);
        Sim sim({"--success-status", status});
        asset_sdk::ManualClock clock(std::chrono::system_clock::now());
        SekoiaDestination dest(sim.spec(), 100, clock, nullptr, fast_policy());
        const DeliveryResult r = dest.deliver(make_batch(1, 2), {});
        CHECK(r.status.is_ok());
        CHECK(r.attempts == 1);
    }
}

TEST_CASE("abort interrupts a delivery promptly") {
    Sim sim;
    sim.faults({{{"kind", "hang"}, {"hang_ms", 20000}}});
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    SekoiaDestination dest(sim.spec(), 100, clock, nullptr, fast_policy());
    const auto start = std::chrono::steady_clock::now();
    const DeliveryResult r = dest.deliver(
        make_batch(1, 1), [&] { return std::chrono::steady_clock::now() - start > 200ms; });
    CHECK(r.status.code() == StatusCode::kCancelled);
    CHECK(std::chrono::steady_clock::now() - start < 2s);
}

TEST_CASE("concurrent deliveries share one destination safely") {
    Sim sim;
    sim.faults({{{"kind", "http_503"}, {"every", 3}}});
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    SekoiaDestination dest(sim.spec(), 20, clock, nullptr, fast_policy());
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int b = 0; b < 10; ++b) {
                const auto first = static_cast<std::uint64_t>((t * 10 + b) * 20 + 1);
                if (!dest.deliver(make_batch(first, 20), {}).status.is_ok()) ++failures;
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK(failures == 0);
    const json stats = sim.stats();
    CHECK(stats["unique_uids"] == 800);
    CHECK(stats["duplicates"] == 0);
    CHECK(stats["status_counts"]["503"].get<int>() >= 10);
}

TEST_CASE("connection refused is retried within the budget, then reported") {
    std::string dead_url;
    {
        Sim gone;
        dead_url = gone.url();
    }  // stopped: nothing listens on that port any more
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    SekoiaDestinationSpec spec;
    spec.base_url = dead_url;
    spec.api_key = kKey;
    spec.connector_uuid = kUuid;
    spec.allow_insecure_http = true;
    spec.retry_budget = 10s;
    SekoiaDestination dest(spec, 100, clock, nullptr, fast_policy());
    const DeliveryResult r = dest.deliver(make_batch(1, 1), {});
    CHECK(r.status.code() == StatusCode::kTransport);
    CHECK(r.attempts > 1);
    CHECK(r.status.message().find("connection refused") != std::string::npos);
    check_no_key(r.status.message());
}

TEST_CASE("TLS: an untrusted certificate fails at once; with ca_file the batch goes through") {
    testsupport::TempDir dir;
    const auto [crt, key] = make_cert(dir);
    Sim sim({"--tls-cert", crt, "--tls-key", key});
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    auto spec = sim.spec();
    spec.base_url = sim.url();
    spec.allow_insecure_http = false;
    {
        SekoiaDestination dest(spec, 100, clock, nullptr, fast_policy());
        const DeliveryResult r = dest.deliver(make_batch(1, 1), {});
        CHECK(r.status.code() == StatusCode::kTransport);
        CHECK(r.attempts == 1);
        CHECK(r.status.message().find("TLS certificate not trusted") != std::string::npos);
    }
    spec.ca_file = crt;
    SekoiaDestination dest(spec, 100, clock, nullptr, fast_policy());
    const DeliveryResult r = dest.deliver(make_batch(1, 3), {});
    CHECK_MESSAGE(r.status.is_ok(), r.status.message());
}
