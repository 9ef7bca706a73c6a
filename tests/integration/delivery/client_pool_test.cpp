// Sekoia destinations sharing a ClientPool (delivery/client_pool.h) against the REAL sekoia-sim:
// connectors delivering to one origin reuse each other's connections (the sim counts the TCP
// connections it accepts), and a shared connection never carries one connector's key or
// User-Agent with another connector's records (the sim gives each connector a key of its own
// and refuses a push with any other: 401).
#include "delivery/client_pool.h"
#include "delivery/sekoia_destination.h"
#include "delivery_test_util.h"
#include "sekoia_test_sim.h"

#include <asset_sdk/clock.h>

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

using asset_host::SekoiaDestinationSpec;
using asset_host::delivery::ClientPool;
using asset_host::delivery::DeliveryResult;
using asset_host::delivery::SekoiaDestination;
using deliverytest::make_batch;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// Two connectors of two communities: each its UUID and its key.
struct Tenant {
    std::string uuid;
    std::string key;
};
const Tenant kTenants[] = {{"11111111-1111-4111-8111-111111111111", "sk-tenant-a-0d9c41e2"},
                           {"22222222-2222-4222-8222-222222222222", "sk-tenant-b-7f3ab805"}};

// sekoia-sim knowing only the tenants' keys (its --api-key matches neither).
struct TenantSim : testsupport::SekoiaSim {
    TenantSim()
        : SekoiaSim(
              args("sk-nobody", {"--connector-key", kTenants[0].uuid + "=" + kTenants[0].key,
                                 "--connector-key", kTenants[1].uuid + "=" + kTenants[1].key})) {}

    SekoiaDestinationSpec spec(const Tenant& tenant) const {
        SekoiaDestinationSpec s;
        s.base_url = url();
        s.api_key = tenant.key;
        s.connector_uuid = tenant.uuid;
        s.allow_insecure_http = true;
        s.request_timeout = 5s;
        s.retry_budget = 30s;
        return s;
    }
};

// The connections the destinations opened: sekoia-sim counts every connection it accepted, the
// one of this stats request included (the only control call the tests make).
int client_connections(const json& stats) {
    return stats["connections"].get<int>() - 1;
}

}  // namespace

TEST_CASE("connectors sharing a pool reuse one connection, each request with its own key") {
    TenantSim sim;
    auto pool = std::make_shared<ClientPool>();
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    SekoiaDestination a(sim.spec(kTenants[0]), 100, clock, nullptr, {}, pool);
    SekoiaDestination b(sim.spec(kTenants[1]), 100, clock, nullptr, {}, pool);
    // Alternating, one at a time: every push can take the client the previous one returned.
    for (int i = 0; i < 3; ++i) {
        for (SekoiaDestination* dest : {&a, &b}) {
            const DeliveryResult r = dest->deliver(make_batch(i * 10 + 1, 2), {});
            REQUIRE_MESSAGE(r.status.is_ok(), r.status.message());
        }
    }
    const json stats = sim.stats();
    CHECK(stats["accepted_posts"] == 6);
    CHECK(stats["status_counts"] == json{{"200", 6}});  // no 401: never the other's key
    CHECK(stats["per_connector"][kTenants[0].uuid]["accepted_posts"] == 3);
    CHECK(stats["per_connector"][kTenants[1].uuid]["accepted_posts"] == 3);
    CHECK(client_connections(stats) == 1);
    CHECK(pool->clients_created() == 1);
    CHECK(pool->idle_clients() == 1);
}

TEST_CASE("without a shared pool each destination opens its own connection") {
    TenantSim sim;
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    SekoiaDestination a(sim.spec(kTenants[0]), 100, clock);
    SekoiaDestination b(sim.spec(kTenants[1]), 100, clock);
    for (SekoiaDestination* dest : {&a, &b, &a, &b}) {
        const DeliveryResult r = dest->deliver(make_batch(1, 1), {});
        REQUIRE_MESSAGE(r.status.is_ok(), r.status.message());
    }
    CHECK(client_connections(sim.stats()) == 2);
}

TEST_CASE("concurrent deliveries of two connectors through one pool never swap keys") {
    TenantSim sim;
    auto pool = std::make_shared<ClientPool>();
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    SekoiaDestination a(sim.spec(kTenants[0]), 100, clock, nullptr, {}, pool);
    SekoiaDestination b(sim.spec(kTenants[1]), 100, clock, nullptr, {}, pool);
    constexpr int kThreads = 4;
    constexpr int kBatches = 15;
    std::vector<std::thread> threads;
    std::vector<std::string> failures(kThreads);
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            SekoiaDestination& dest = t % 2 == 0 ? a : b;
            for (int i = 0; i < kBatches; ++i) {
                const DeliveryResult r = dest.deliver(make_batch(t * 1000 + i * 10 + 1, 3), {});
                if (!r.status.is_ok()) failures[t] = r.status.message();
            }
        });
    }
    for (auto& th : threads) th.join();
    for (const auto& f : failures) CHECK_MESSAGE(f.empty(), f);
    const json stats = sim.stats();
    CHECK(stats["status_counts"] == json{{"200", kThreads * kBatches}});
    for (const auto& tenant : kTenants) {
        CHECK(stats["per_connector"][tenant.uuid]["items_received"] == 2 * kBatches * 3);
    }
    // No more clients (and connections) than deliveries at once.
    CHECK(pool->clients_created() <= kThreads);
    CHECK(client_connections(stats) <= kThreads);
}

TEST_CASE("different origins or client settings never share a client") {
    TenantSim sim;
    TenantSim other;
    auto pool = std::make_shared<ClientPool>();
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    SekoiaDestinationSpec slow = sim.spec(kTenants[1]);
    slow.request_timeout = 4s;  // another connect timeout: another key
    SekoiaDestination a(sim.spec(kTenants[0]), 100, clock, nullptr, {}, pool);
    SekoiaDestination b(other.spec(kTenants[1]), 100, clock, nullptr, {}, pool);
    SekoiaDestination c(slow, 100, clock, nullptr, {}, pool);
    for (SekoiaDestination* dest : {&a, &b, &c}) {
        const DeliveryResult r = dest->deliver(make_batch(1, 1), {});
        REQUIRE_MESSAGE(r.status.is_ok(), r.status.message());
    }
    CHECK(pool->clients_created() == 3);
    CHECK(client_connections(sim.stats()) == 2);
    CHECK(client_connections(other.stats()) == 1);
}

TEST_CASE("idle clients are closed past their time and beyond the per-key bound") {
    TenantSim sim;
    asset_sdk::ManualClock clock(std::chrono::system_clock::now());
    ClientPool::Limits limits;
    limits.max_idle_per_key = 2;
    limits.max_idle_time = 60s;
    ClientPool pool(limits, clock);
    asset_sdk::HttpClientOptions options;
    {
        std::vector<ClientPool::Lease> leases;
        for (int i = 0; i < 3; ++i) leases.push_back(pool.acquire(sim.url(), options));
        CHECK(pool.clients_created() == 3);
    }
    CHECK(pool.idle_clients() == 2);  // the third went over the bound
    clock.advance(61s);
    ClientPool::Lease fresh = pool.acquire(sim.url(), options);  // the idle ones expired
    CHECK(pool.clients_created() == 4);
    CHECK(pool.idle_clients() == 0);
}
