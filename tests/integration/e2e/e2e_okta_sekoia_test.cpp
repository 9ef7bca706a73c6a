// The whole path Okta → asset-host → Sekoia through real binaries: okta-sim serving devices,
// `asset-host` loading okta_device.so, delivering to sekoia-sim, over loopback HTTP, with real
// signals. "Nothing lost" is checked from the outside: what okta-sim holds against what
// sekoia-sim acknowledged, and the persisted checkpoint against both.
#include "e2e_fixture.h"

#include <checkpoint_watcher.h>
#include <eventually.h>
#include <tls_test_certs.h>

#include <signal.h>

#include <algorithm>
#include <thread>

using namespace e2e;
using testsupport::eventually;

namespace {

std::vector<std::string> sorted(const std::set<std::string>& ids) {
    return {ids.begin(), ids.end()};  // std::set is already in byte order, okta-sim's page order
}

// One look at "a marker is persisted only once every record before it is acknowledged", from
// the outside. The marker is read first and Sekoia's set afterwards: that set only grows, so
// the later read can only make the check more lenient for records acknowledged in between,
// never report a violation that did not exist when the marker was read.
using Coverage = testsupport::CheckpointWatcher::Look;  // covered: valid devices the marker covers

Coverage check_coverage(const Host& host, const SekoiaSim& sekoia,
                        const std::vector<std::string>& valid_in_page_order) {
    Coverage c;
    const auto marker = host.marker();
    if (!marker || !marker->is_object()) return c;
    const bool complete = marker->value("state", "") == "complete";
    auto covered_end = valid_in_page_order.end();
    if (!complete) {
        // Pages are served in id order; the cursor names the last id of the last page read, so
        // the marker covers every device up to and including that id.
        const auto after = query_param(marker->value("resume", ""), "after");
        const auto id = after ? cursor_id(*after) : std::nullopt;
        if (!id) {
            c.ok = false;
            c.problem = "an in-progress marker without a readable cursor: " + marker->dump();
            return c;
        }
        if (!std::binary_search(valid_in_page_order.begin(), valid_in_page_order.end(), *id)) {
            c.ok = false;  // the last device of a page read is always a valid one here
            c.problem = "the cursor names no known device: " + marker->dump();
            return c;
        }
        covered_end = std::upper_bound(valid_in_page_order.begin(), valid_in_page_order.end(), *id);
    }
    const auto acknowledged = sekoia.try_uids();
    if (!acknowledged) return c;  // cannot tell this time
    c.seen = complete ? Coverage::Seen::kComplete : Coverage::Seen::kInProgress;
    c.covered = static_cast<std::size_t>(covered_end - valid_in_page_order.begin());
    for (auto it = valid_in_page_order.begin(); it != covered_end; ++it) {
        if (!acknowledged->count(*it)) {
            c.ok = false;
            c.problem = "the checkpoint covers device " + *it +
                        ", which Sekoia has not acknowledged; marker " + marker->dump();
            return c;
        }
    }
    return c;
}

// "fetched=123 " → 123, from a summary line; -1 when absent.
long summary_number(const std::string& line, const std::string& key) {
    const auto pos = line.find(" " + key + "=");
    if (pos == std::string::npos) return -1;
    try {
        return std::stol(line.substr(pos + key.size() + 2));
    } catch (...) {
        return -1;
    }
}

bool has_enrichment(const json& record, const std::string& name, const std::string& value) {
    for (const auto& e : record.value("enrichments", json::array())) {
        if (e.value("name", "") == name && e.value("value", "") == value) return true;
    }
    return false;
}

// A connector is mid-cycle: a marker with a cursor is persisted and Sekoia holds some devices.
bool mid_cycle(const Host& host, const SekoiaSim& sekoia, int min_items) {
    const auto m = host.marker();
    return m && m->value("state", "") == "in_progress" && sekoia.items_received() >= min_items;
}

}  // namespace

TEST_CASE("clean run: every valid Okta device arrives at Sekoia exactly once") {
    OktaSim okta(3000, {"--invalid-devices", "5"});
    SekoiaSim sekoia;
    Host host;
    host.write_manifest(connector_for(okta, sekoia));

    const auto r = host.run({"run", "--once"});
    REQUIRE_MESSAGE(r.exited_with(0), r.err);

    const auto valid = OktaSim::valid_ids(okta.devices());
    REQUIRE(valid.size() == 3000);  // the 5 invalid devices are in the sim, not in this set
    CHECK(sekoia.uids() == valid);
    const json stats = sekoia.stats();
    CHECK(stats["items_received"] == 3000);
    CHECK(stats["duplicates"] == 0);
    CHECK(stats["rejected_posts"] == 0);
    CHECK(okta.stats()["device_requests"] == 31);  // 3005 devices at page_size 100

    const std::string line = summary_line(r.err, "okta-devices");
    CHECK_MESSAGE(contains(line, "outcome=ok mode=full fetched=3000 sent=3000 "), line);
    CHECK_MESSAGE(contains(line, " skipped=5 "), line);
    CHECK_MESSAGE(contains(line, " checkpoint=saved"), line);
    CHECK(summary_number(line, "batches") >= 30);

    const auto marker = host.marker();
    REQUIRE(marker);
    CHECK((*marker)["state"] == "complete");
    CHECK((*marker)["mode"] == "full");
    CHECK_FALSE(marker->contains("resume"));
}

TEST_CASE("incremental: changed and added devices travel, a suspension shows; then a full sync") {
    OktaSim okta(3000);
    SekoiaSim sekoia;
    Host host;
    Connector c = connector_for(okta, sekoia);
    host.write_manifest(c);
    REQUIRE(host.run({"run", "--once"}).exited_with(0));
    REQUIRE(sekoia.stats()["unique_uids"] == 3000);

    std::string suspend_id;
    for (const auto& d : okta.devices()) {
        if (d.value("status", "") == "ACTIVE") {
            suspend_id = d["id"].get<std::string>();
            break;
        }
    }
    REQUIRE_FALSE(suspend_id.empty());
    const json changed =
        okta.mutate({{"update", {{"count", 12}}}, {"set", {{"osVersion", "99.1.0"}}}, {"add", 7}});
    const json suspended =
        okta.mutate({{"update", {{"ids", {suspend_id}}}}, {"set", {{"status", "SUSPENDED"}}}});
    REQUIRE(suspended["updated"].size() == 1);
    std::set<std::string> updated, expected;
    for (const auto& id : changed["updated"]) updated.insert(id.get<std::string>());
    for (const auto& id : changed["added"]) expected.insert(id.get<std::string>());
    expected.insert(updated.begin(), updated.end());
    expected.insert(suspend_id);
    REQUIRE(updated.size() == 12);
    REQUIRE(expected.size() >= 19);

    sekoia.reset();
    const auto r = host.run({"run", "--once"});
    REQUIRE_MESSAGE(r.exited_with(0), r.err);
    const std::string line = summary_line(r.err, "okta-devices");
    CHECK_MESSAGE(contains(line, "outcome=ok mode=incremental "), line);

    const auto uids = sekoia.uids();
    for (const auto& id : expected) CHECK_MESSAGE(uids.count(id) == 1, "missing " << id);
    const int received = sekoia.stats()["items_received"].get<int>();
    CHECK(received >= static_cast<int>(expected.size()));
    CHECK(received < 300);  // the changes plus at most a few from the overlap window, not 3,000
    CHECK(summary_number(line, "fetched") == received);

    // What Sekoia received carries the new state.
    bool saw_suspended = false;
    int saw_new_os = 0;
    for (const auto& item : sekoia.items()) {
        const std::string uid = item["device"]["uid"].get<std::string>();
        if (uid == suspend_id) saw_suspended = has_enrichment(item, "device_status", "SUSPENDED");
        if (updated.count(uid) && item["device"].contains("os") &&
            item["device"]["os"].value("version", "") == "99.1.0") {
            ++saw_new_os;
        }
    }
    CHECK(saw_suspended);
    CHECK(saw_new_os == 12);
    const auto marker = host.marker();
    REQUIRE(marker);
    CHECK((*marker)["mode"] == "incremental");
    CHECK((*marker)["state"] == "complete");

    // full_sync_every 0s: the next cycle is a full sync again, every device re-sent.
    c.full_sync_every = "0s";
    host.write_manifest(c);
    sekoia.reset();
    const auto full = host.run({"run", "--once"});
    REQUIRE_MESSAGE(full.exited_with(0), full.err);
    const std::string full_line = summary_line(full.err, "okta-devices");
    CHECK_MESSAGE(contains(full_line, "outcome=ok mode=full fetched=3007 sent=3007 "), full_line);
    CHECK(sekoia.uids() == OktaSim::valid_ids(okta.devices()));
}

TEST_CASE("Sekoia failing every few requests: every device arrives, no checkpoint ahead of it") {
    // Okta pages slowed down a little, so that the watcher sees many intermediate markers.
    OktaSim okta(3000, {"--latency-ms", "15"});
    SekoiaSim sekoia;
    sekoia.faults(
        json::array({{{"kind", "http_503"}, {"every", 3}},
                     {{"kind", "rate_limit_429"}, {"on_request", 5}, {"retry_after", 1}}}));
    Host host;
    host.write_manifest(connector_for(okta, sekoia));
    const auto valid = OktaSim::valid_ids(okta.devices());

    const auto in_page_order = sorted(valid);
    testsupport::CheckpointWatcher watch(
        [&] { return check_coverage(host, sekoia, in_page_order); }, 15ms);
    const auto started = std::chrono::steady_clock::now();
    const auto r = host.run({"run", "--once"});
    const auto took = std::chrono::steady_clock::now() - started;
    watch.finish();
    REQUIRE_MESSAGE(r.exited_with(0), r.err);
    CHECK_MESSAGE(watch.violations() == 0, watch.first_problem());
    // The check above looked at intermediate markers that covered real progress. (How far
    // they got varies: while an early batch is being retried, no later marker may be saved,
    // and the cycle can jump from an early marker straight to the complete one. Requests 1
    // and 2, pages 1 and 2, are never faulted, so their markers are always saved.)
    CHECK(watch.in_progress_seen() >= 3);
    CHECK(watch.max_covered_in_progress() >= 100);
    CHECK(watch.max_covered_in_progress() < 3000);
    MESSAGE("run with Sekoia faults took "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms, "
            << watch.in_progress_seen() << " in-progress markers checked");

    CHECK(sekoia.uids() == valid);
    const json stats = sekoia.stats();
    CHECK(stats["status_counts"].value("503", 0) >= 5);
    CHECK(stats["status_counts"].value("429", 0) == 1);
    const std::string line = summary_line(r.err, "okta-devices");
    CHECK_MESSAGE(contains(line, "outcome=ok mode=full fetched=3000 sent=3000 "), line);
    CHECK(summary_number(line, "retries") >= 6);
    const Coverage end = check_coverage(host, sekoia, sorted(valid));
    CHECK(end.seen == Coverage::Seen::kComplete);
    CHECK(end.ok);
}

TEST_CASE("kill -9 mid-cycle, then restart: nothing missing, resumed at the saved cursor") {
    OktaSim okta(3000, {"--latency-ms", "40"});  // 60 pages of 50: a few seconds of paging
    SekoiaSim sekoia;
    Host host;
    Connector c = connector_for(okta, sekoia);
    c.page_size = 50;
    host.write_manifest(c);
    const auto valid = OktaSim::valid_ids(okta.devices());
    {
        auto p = host.start({"run", "--once"});
        REQUIRE(eventually([&] { return mid_cycle(host, sekoia, 600); }, 30s));
        p->signal(SIGKILL);
        const auto killed = p->wait(10s);
        CHECK(killed.term_signal == SIGKILL);
        host.check_no_secrets(killed);
    }
    const auto saved = host.marker();
    REQUIRE(saved);
    REQUIRE((*saved)["state"] == "in_progress");
    const auto saved_after = query_param((*saved)["resume"].get<std::string>(), "after");
    REQUIRE(saved_after);
    const Coverage at_kill = check_coverage(host, sekoia, sorted(valid));
    CHECK_MESSAGE(at_kill.ok, at_kill.problem);
    CHECK(at_kill.covered >= 50);  // at least one page of 50
    CHECK(at_kill.covered < 3000);

    // A fresh request log for the second run. The killed run's last request may still be
    // inside okta-sim (latency); let it land before the reset so it is not logged after it.
    okta.config({{"latency_ms", 0}});
    std::this_thread::sleep_for(300ms);
    okta.reset();
    const auto again = host.run({"run", "--once"});
    REQUIRE_MESSAGE(again.exited_with(0), again.err);

    const auto targets = okta.device_request_targets();
    REQUIRE_FALSE(targets.empty());
    CHECK_MESSAGE(query_param(targets.front(), "after") == saved_after,
                  "the restart began with " << targets.front());
    const std::string line = summary_line(again.err, "okta-devices");
    CHECK_MESSAGE(contains(line, "outcome=ok mode=full "), line);
    const long fetched = summary_number(line, "fetched");
    CHECK(fetched > 0);
    CHECK(fetched < 3000);          // resumed, not restarted from page 1
    CHECK(sekoia.uids() == valid);  // duplicates allowed, losses not
    CHECK((*host.marker())["state"] == "complete");
}

TEST_CASE("SIGTERM mid-cycle: exit 0 within the grace period, progress saved, next run completes") {
    OktaSim okta(3000, {"--latency-ms", "40"});
    SekoiaSim sekoia;
    Host host;
    Connector c = connector_for(okta, sekoia);
    c.page_size = 50;
    c.every = "1s";  // the daemon's first cycle starts after a jitter of at most min(every, 30 s)
    host.write_manifest(c);
    const auto valid = OktaSim::valid_ids(okta.devices());

    auto p = host.start({"run", "--grace-period", "5s"});
    REQUIRE(eventually([&] { return mid_cycle(host, sekoia, 600); }, 30s));
    const auto signalled = std::chrono::steady_clock::now();
    p->signal(SIGTERM);
    const auto r = p->wait(20s);
    const auto took = std::chrono::steady_clock::now() - signalled;
    host.check_no_secrets(r);
    CHECK_MESSAGE(r.exited_with(0), r.err);
    CHECK(took < 10s);
    CHECK_MESSAGE(contains(summary_line(r.err, "okta-devices"), "outcome=cancelled"), r.err);

    const auto saved = host.marker();
    REQUIRE(saved);
    CHECK((*saved)["state"] == "in_progress");
    const Coverage at_stop = check_coverage(host, sekoia, sorted(valid));
    CHECK_MESSAGE(at_stop.ok, at_stop.problem);
    CHECK(at_stop.covered >= 50);
    CHECK(at_stop.covered < 3000);

    okta.config({{"latency_ms", 0}});
    const auto again = host.run({"run", "--once"});
    REQUIRE_MESSAGE(again.exited_with(0), again.err);
    const std::string line = summary_line(again.err, "okta-devices");
    CHECK_MESSAGE(contains(line, "outcome=ok mode=full "), line);
    CHECK(summary_number(line, "fetched") < 3000);  // resumed
    CHECK(sekoia.uids() == valid);
    CHECK((*host.marker())["state"] == "complete");
}

TEST_CASE("Sekoia 401: exit 1 naming it, checkpoint byte-identical, no retry storm") {
    OktaSim okta(600);
    SekoiaSim sekoia;
    Host host;
    Connector c = connector_for(okta, sekoia);
    c.full_sync_every = "0s";  // the second cycle has devices to send again
    c.max_in_flight = 2;
    host.write_manifest(c);
    REQUIRE(host.run({"run", "--once"}).exited_with(0));
    const auto before = host.state_text();
    REQUIRE(before);

    host.set_secret_env("SEKOIA_API_KEY", "e2e-wrong-sekoia-key-0d9e3");
    sekoia.reset();
    const auto r = host.run({"run", "--once"});
    CHECK(r.exited_with(1));
    const std::string line = summary_line(r.err, "okta-devices");
    CHECK_MESSAGE(contains(line, "outcome=failed"), r.err);
    CHECK_MESSAGE(contains(r.err, "HTTP 401"), r.err);
    CHECK_MESSAGE(contains(r.err, "UNAUTHORIZED"), r.err);                // Sekoia's code
    CHECK_MESSAGE(contains(r.err, "missing or invalid API key"), r.err);  // and message
    CHECK_MESSAGE(contains(r.err, "destination.api_key"), r.err);         // and what to fix
    CHECK(host.state_text() == before);
    const json stats = sekoia.stats();
    CHECK(stats["posts"].get<int>() >= 1);
    CHECK(stats["posts"].get<int>() <= 2);  // max_in_flight; no retry of a 401
    CHECK(stats["accepted_posts"] == 0);
}

TEST_CASE("two connectors at once, one with a wrong Okta token: the other delivers everything") {
    OktaSim okta(1500);
    SekoiaSim sekoia;
    Host host;
    Connector good = connector_for(okta, sekoia);
    good.name = "good";
    good.uuid = kUuidA;
    Connector bad = connector_for(okta, sekoia);
    bad.name = "bad";
    bad.uuid = kUuidB;
    bad.token_env = "BAD_OKTA_TOKEN";
    host.set_secret_env("BAD_OKTA_TOKEN", "e2e-wrong-okta-token-51aa7");
    host.write_manifest(good);
    host.write_manifest(bad);

    const auto r = host.run({"run", "--once"});
    CHECK(r.exited_with(1));
    const auto valid = OktaSim::valid_ids(okta.devices());
    const json stats = sekoia.stats();
    CHECK(stats["per_connector"][kUuidA]["unique_uids"] == 1500);
    CHECK(stats["per_connector"][kUuidA]["duplicates"] == 0);
    CHECK(stats["per_connector"].value(kUuidB, json::object()).value("items_received", 0) == 0);
    CHECK(sekoia.uids() == valid);

    const std::string good_line = summary_line(r.err, "good");
    const std::string bad_line = summary_line(r.err, "bad");
    CHECK_MESSAGE(contains(good_line, "outcome=ok mode=full fetched=1500 sent=1500 "), good_line);
    CHECK_MESSAGE(contains(bad_line, "outcome=failed"), bad_line);
    CHECK_MESSAGE(contains(bad_line, "401"), bad_line);
    CHECK_MESSAGE(contains(bad_line, "E0000011"), bad_line);
    REQUIRE(host.marker("good"));
    CHECK((*host.marker("good"))["state"] == "complete");
    CHECK_FALSE(host.state_text("bad").has_value());
    CHECK(okta.stats()["auth_failures"].get<int>() >= 1);
}

TEST_CASE("a tight Okta rate limit: paced across windows, no 429, everything delivered") {
    // 20 requests per 2 s window; with the default reserve of 0.5 the connector uses 10 per
    // window, and 30 pages need three windows.
    OktaSim okta(1500, {"--rate-limit", "20", "--rate-window-ms", "2000"});
    SekoiaSim sekoia;
    Host host;
    Connector c = connector_for(okta, sekoia);
    c.page_size = 50;
    c.rate_limit_reserve = "0.5";
    host.write_manifest(c);

    const auto started = std::chrono::steady_clock::now();
    const auto r = host.run({"run", "--once"});
    const auto took = std::chrono::steady_clock::now() - started;
    REQUIRE_MESSAGE(r.exited_with(0), r.err);
    const json stats = okta.stats();
    CHECK(stats["device_requests"] == 30);
    CHECK(stats["rate_limit"]["rejected_429"] == 0);  // paced, never pushed into a 429
    CHECK(stats["status_counts"].value("429", 0) == 0);
    // Ten requests per window: the run spans at least three windows, so more than one whole
    // window (2 s) of waiting.
    CHECK(took >= 2s);
    CHECK_FALSE(contains(r.err, "waited 0s"));
    CHECK(sekoia.uids() == OktaSim::valid_ids(okta.devices()));
    CHECK(sekoia.stats()["duplicates"] == 0);
    MESSAGE(
        "paced sync took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                           << " ms");
}

TEST_CASE("Test connector: plugin checks, then destination checks, no asset sent; TLS trust") {
    OktaSim okta(20);
    {
        SekoiaSim sekoia;
        Host host;
        host.write_manifest(connector_for(okta, sekoia));
        const auto r = host.run({"test", "okta-devices", "--json"});
        CHECK_MESSAGE(r.exited_with(0), r.out << r.err);
        const json report = json::parse(r.out);
        std::vector<std::string> sources;
        for (const auto& check : report["checks"]) {
            CHECK_MESSAGE(check["status"] != "fail", check.dump());
            sources.push_back(check["source"].get<std::string>());
        }
        // Every plugin check comes before every destination check, and both ran.
        REQUIRE(std::count(sources.begin(), sources.end(), "plugin") >= 5);
        REQUIRE(std::count(sources.begin(), sources.end(), "destination") == 4);
        CHECK(std::is_sorted(sources.begin(), sources.end(),
                             [](const std::string& a, const std::string& b) {
                                 return a == "plugin" && b == "destination";
                             }));
        CHECK(check_named(report, "devices_read")->at("status") == "ok");
        CHECK(check_named(report, "destination.connector_uuid")->at("status") == "ok");
        CHECK(check_named(report, "destination.api_key")->at("status") == "ok");
        CHECK(check_named(report, "destination.connector")->at("status") == "ok");
        // Plain http to the loopback simulator: reachable, with a warning about http.
        CHECK(check_named(report, "destination.reachability")->at("status") == "warn");
        CHECK(report["result"] == "warn");
        CHECK(sekoia.stats()["items_received"] == 0);  // one empty push, no asset
        CHECK(sekoia.stats()["posts"] == 1);
    }

    testsupport::TempDir certs;
    const auto cert = testsupport::write_self_signed_cert(certs.path(), "sekoia");
    SekoiaSim tls({"--tls-cert", cert.cert.string(), "--tls-key", cert.key.string()});
    REQUIRE(tls.url().rfind("https://", 0) == 0);
    Host host;
    Connector c = connector_for(okta, tls);
    c.insecure_sekoia = false;
    host.write_manifest(c);
    auto r = host.run({"test", "okta-devices", "--json"});
    CHECK(r.exited_with(1));
    json report = json::parse(r.out);
    const json* reach = check_named(report, "destination.reachability");
    REQUIRE(reach);
    CHECK(reach->at("status") == "fail");
    CHECK_MESSAGE(contains(reach->at("detail").get<std::string>(), "not trusted"), reach->dump());
    CHECK(contains(reach->at("remedy").get<std::string>(), "ca_file"));

    c.ca_file = cert.cert.string();
    host.write_manifest(c);
    r = host.run({"test", "okta-devices", "--json"});
    CHECK_MESSAGE(r.exited_with(0), r.out << r.err);
    report = json::parse(r.out);
    reach = check_named(report, "destination.reachability");
    REQUIRE(reach);
    CHECK(reach->at("status") == "ok");
    CHECK(contains(reach->at("detail").get<std::string>(), "certificate trusted"));
    CHECK(tls.stats()["items_received"] == 0);  // one empty push (the untrusted run: none)
    CHECK(tls.stats()["posts"] == 1);
}
