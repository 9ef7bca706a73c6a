// Connectors delivering to one Sekoia share connections (host/src/delivery/client_pool.h),
// through the real binaries: several Okta connectors, of two Sekoia communities with different
// API keys, run by one `asset-host run --once` two at a time against one sekoia-sim that knows
// which key belongs to which connector (a push with another key is answered 401) and counts the
// TCP connections it accepts.
#include "e2e_fixture.h"

using namespace e2e;

TEST_CASE("connectors of two communities share connections, each push with its own key") {
    OktaSim okta(250);
    const std::vector<std::string> uuids = {kUuidA,
                                            kUuidB,
                                            "6a0b1c2d-3e4f-4a5b-9c6d-7e8f9a0b1c2d",
                                            "7b1c2d3e-4f5a-4b6c-8d7e-8f9a0b1c2d3e",
                                            "8c2d3e4f-5a6b-4c7d-9e8f-9a0b1c2d3e4f",
                                            "9d3e4f5a-6b7c-4d8e-8f9a-0b1c2d3e4f5a"};
    const std::string keys[] = {"e2e-SECRET-community-one-3c9d", "e2e-SECRET-community-two-a71e"};
    std::vector<std::string> sim_args;
    for (std::size_t i = 0; i < uuids.size(); ++i) {
        sim_args.push_back("--connector-key");
        sim_args.push_back(uuids[i] + "=" + keys[i % 2]);
    }
    SekoiaSim sekoia(sim_args);  // its --api-key (kSekoiaKey) is no connector's key
    Host host;
    host.set_secret_env("SEKOIA_KEY_ONE", keys[0]);
    host.set_secret_env("SEKOIA_KEY_TWO", keys[1]);
    for (std::size_t i = 0; i < uuids.size(); ++i) {
        Connector c = connector_for(okta, sekoia);
        c.name = "community-" + std::to_string(i % 2) + "-" + std::to_string(i);
        c.uuid = uuids[i];
        c.key_env = i % 2 == 0 ? "SEKOIA_KEY_ONE" : "SEKOIA_KEY_TWO";
        c.batch_size = 50;
        c.max_in_flight = 1;
        host.write_manifest(c);
    }

    const auto r = host.run({"run", "--once", "--max-concurrent-cycles", "2"});
    REQUIRE_MESSAGE(r.exited_with(0), r.err);
    const auto valid = OktaSim::valid_ids(okta.devices());
    const json stats = sekoia.stats();
    for (const auto& uuid : uuids) {
        CHECK(stats["per_connector"][uuid]["unique_uids"] == valid.size());
        CHECK(stats["per_connector"][uuid]["duplicates"] == 0);
    }
    // Every push carried its own connector's key: not one 401.
    const int posts = stats["posts"].get<int>();
    CHECK(stats["status_counts"] == json{{"200", posts}});
    // Without sharing each connector's cycle opens a connection of its own (6 at least); with
    // it, about one per cycle running at once.
    // (sekoia-sim counts this stats request's connection too: the only control call made.)
    const int connections = stats["connections"].get<int>() - 1;
    MESSAGE(connections << " connections for " << posts << " pushes of " << uuids.size()
                        << " connectors");
    CHECK(connections < static_cast<int>(uuids.size()));
}
