// SekoiaDestination and the destination checks against the REAL sekoia-sim over loopback:
// the wire contract, retries (503, 429 + Retry-After, hangs, connection errors), the retry
// budget, fail-fast refusals with Sekoia's {code, message}, and that the API key never shows
// up in an error. Waits between retries go through a ManualClock (instant, recorded); HTTP
// timeouts are real and kept short.
#include "delivery/sekoia_destination.h"
#include "delivery_test_util.h"

#include "sekoia_sim.h"
#include "temp_dir.h"
#include "tls_test_certs.h"

#include <asset_sdk/clock.h>

#include <doctest/doctest.h>

#include <cstdlib>
#include <thread>

using asset_host::CheckResult;
using asset_host::DestinationSpec;
using asset_host::SekoiaDestinationSpec;
using asset_host::delivery::Batch;
using asset_host::delivery::DeliveryResult;
using asset_host::delivery::SekoiaDestination;
using asset_host::delivery::SekoiaRetryPolicy;
using asset_sdk::StatusCode;
using deliverytest::find_check;
using deliverytest::make_batch;
using deliverytest::run_checks;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr const char* kKey = "sk-test-5d1f0c9a7be24e6f";
constexpr const char* kUuid = "04716e25-c97f-4a22-925e-8b636ad9c8a4";

// sekoia-sim accepting kKey, and a destination spec pointing at it.
struct Sim : testsupport::SekoiaSim {
    explicit Sim(std::vector<std::string> extra = {}) : SekoiaSim(args(kKey, std::move(extra))) {}
    SekoiaDestinationSpec spec() const {
        SekoiaDestinationSpec s;
        s.base_url = url();
        s.api_key = kKey;
        s.connector_uuid = kUuid;
        s.allow_insecure_http = true;
        s.request_timeout = 5s;
        s.retry_budget = 60s;
        return s;
    }
};

SekoiaRetryPolicy fast_policy() {
    SekoiaRetryPolicy p;
    p.initial_backoff = 1s;
    p.max_backoff = 4s;
    p.seed = 7;
    return p;
}

// Every error text must be free of the key.
void check_no_key(const std::string& text) {
    CHECK(text.find(kKey) == std::string::npos);
}

// A self-signed certificate for 127.0.0.1 (and localhost), written to `dir`.
std::pair<std::string, std::string> make_cert(const testsupport::TempDir& dir) {
    const auto files = testsupport::write_self_signed_cert(dir.path(), "sim");
    return {files.cert.string(), files.key.string()};
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

TEST_CASE("destination checks: TLS reachability, UUID and key, without sending assets") {
    testsupport::TempDir dir;
    const auto [crt, key] = make_cert(dir);
    Sim sim({"--tls-cert", crt, "--tls-key", key});
    DestinationSpec spec;
    spec.type = DestinationSpec::Type::kSekoia;
    spec.sekoia = sim.spec();
    spec.sekoia.base_url = sim.url();
    spec.sekoia.allow_insecure_http = false;

    SUBCASE("all good with the CA bundle") {
        spec.sekoia.ca_file = crt;
        bool ok = false;
        const auto checks = run_checks(spec, &ok);
        CHECK(ok);
        REQUIRE(checks.size() == 3);
        for (const auto& c : checks) {
            CAPTURE(c.name);
            CAPTURE(c.detail);
            CHECK(c.status == AH_CHECK_OK);
            CHECK(c.source == "destination");
            check_no_key(c.detail);
        }
        CHECK(find_check(checks, "destination.reachability")->detail.find("over TLS") !=
              std::string::npos);
    }
    SUBCASE("untrusted certificate") {
        bool ok = true;
        const auto checks = run_checks(spec, &ok);
        CHECK_FALSE(ok);
        const CheckResult* reach = find_check(checks, "destination.reachability");
        REQUIRE(reach != nullptr);
        CHECK(reach->status == AH_CHECK_FAIL);
        CHECK(reach->detail.find("TLS certificate not trusted") != std::string::npos);
        CHECK(reach->remedy.find("destination.ca_file") != std::string::npos);
    }
    SUBCASE("malformed UUID and missing key") {
        spec.sekoia.ca_file = crt;
        spec.sekoia.connector_uuid = "not-a-uuid";
        spec.sekoia.api_key.clear();
        bool ok = true;
        const auto checks = run_checks(spec, &ok);
        CHECK_FALSE(ok);
        CHECK(find_check(checks, "destination.connector_uuid")->status == AH_CHECK_FAIL);
        CHECK(find_check(checks, "destination.api_key")->status == AH_CHECK_FAIL);
        CHECK(find_check(checks, "destination.reachability")->status == AH_CHECK_OK);
    }
}

TEST_CASE("destination checks: plain http is refused unless allowed, then only a warning") {
    Sim sim;
    DestinationSpec spec;
    spec.type = DestinationSpec::Type::kSekoia;
    spec.sekoia = sim.spec();
    spec.sekoia.allow_insecure_http = false;
    bool ok = true;
    auto checks = run_checks(spec, &ok);
    CHECK_FALSE(ok);
    CHECK(find_check(checks, "destination.reachability")->status == AH_CHECK_FAIL);

    spec.sekoia.allow_insecure_http = true;
    checks = run_checks(spec, &ok);
    CHECK(ok);
    CHECK(find_check(checks, "destination.reachability")->status == AH_CHECK_WARN);
    CHECK(sim.stats()["posts"] == 0);  // nothing was pushed
}

TEST_CASE("destination checks: nothing listening") {
    std::string dead_url;
    {
        Sim gone;
        dead_url = gone.url();
    }
    DestinationSpec spec;
    spec.type = DestinationSpec::Type::kSekoia;
    spec.sekoia.base_url = dead_url;
    spec.sekoia.api_key = kKey;
    spec.sekoia.connector_uuid = kUuid;
    spec.sekoia.allow_insecure_http = true;
    bool ok = true;
    const auto checks = run_checks(spec, &ok);
    CHECK_FALSE(ok);
    const CheckResult* reach = find_check(checks, "destination.reachability");
    CHECK(reach->status == AH_CHECK_FAIL);
    CHECK(reach->remedy.find("nothing listens") != std::string::npos);
}
