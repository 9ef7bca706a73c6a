#include "e2e_run.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace bench {

namespace {

namespace fs = std::filesystem;

// Loopback simulators only; the values are throw-away.
constexpr char kOktaToken[] = "bench-okta-token";
constexpr char kSekoiaKey[] = "bench-sekoia-key";
constexpr char kConnector[] = "6f1c2d3e-4a5b-4c6d-8e7f-a0b1c2d3e4f5";

std::string find_cycle_line(const std::string& log) {
    std::istringstream in(log);
    for (std::string line; std::getline(in, line);) {
        if (line.find("cycle connector=") != std::string::npos) return line;
    }
    return "";
}

std::string tail(const std::string& text, std::size_t n) {
    return text.size() <= n ? text : "..." + text.substr(text.size() - n);
}

}  // namespace

SyncBench::SyncBench(Binaries binaries, fs::path work_dir, SyncSetup setup)
    : binaries_(std::move(binaries)), work_dir_(std::move(work_dir)), setup_(std::move(setup)) {
    fs::create_directories(work_dir_ / "manifests");
    // Okta's rate limit is lifted: this measures the host's own cost, not Okta's budget
    // (with a real org the rate limit, not CPU, bounds a large sync).
    // A million devices take minutes to generate on a loaded machine.
    const std::chrono::seconds generation(120 + setup_.devices / 1000);
    okta_ = std::make_unique<testsupport::SimProcess>(
        binaries_.okta_sim,
        std::vector<std::string>{"--devices", std::to_string(setup_.devices), "--seed", "1",
                                 "--token", kOktaToken, "--rate-limit", "1000000", "--latency-ms",
                                 std::to_string(setup_.okta_latency_ms)},
        generation);
    sekoia_ = std::make_unique<testsupport::SimProcess>(
        binaries_.sekoia_sim, std::vector<std::string>{"--api-key", kSekoiaKey, "--latency-ms",
                                                       std::to_string(setup_.sekoia_latency_ms)});
}

void SyncBench::write_manifest(int batch_size, int max_in_flight,
                               const std::string& isolation) const {
    std::ofstream out(work_dir_ / "manifests" / "okta-devices.yaml");
    out << "name: okta-devices\n"
           "plugin: okta_device\n"
           "isolation: "
        << isolation
        << "\n"
           "config:\n"
           "  base_url: "
        << okta_->base_url()
        << "\n"
           "  api_token: ${env:BENCH_OKTA_TOKEN}\n"
           "  allow_insecure_http: true\n"
           "  expand: "
        << setup_.expand
        << "\n"
           "destination:\n"
           "  type: sekoia\n"
           "  base_url: "
        << sekoia_->base_url()
        << "\n"
           "  api_key: ${env:BENCH_SEKOIA_KEY}\n"
           "  connector_uuid: "
        << kConnector
        << "\n"
           "  allow_insecure_http: true\n"
           "  batch_size: "
        << batch_size << "\n  max_in_flight: " << max_in_flight << "\n";
}

SyncRunResult SyncBench::run(int batch_size, int max_in_flight, const std::string& isolation,
                             const std::vector<std::string>& wrapper) {
    okta_->post_json("/_sim/reset");
    sekoia_->post_json("/_sim/reset");
    write_manifest(batch_size, max_in_flight, isolation);
    const fs::path state_dir = work_dir_ / ("state-" + std::to_string(++run_count_));
    fs::remove_all(state_dir);

    const double okta_cpu_before = testsupport::cpu_seconds_so_far(okta_->pid());
    const double sekoia_cpu_before = testsupport::cpu_seconds_so_far(sekoia_->pid());
    testsupport::ProcessOptions options;
    options.env = {{"BENCH_OKTA_TOKEN", kOktaToken}, {"BENCH_SEKOIA_KEY", kSekoiaKey}};
    SyncRunResult result;
    std::vector<std::string> argv = wrapper;
    argv.insert(argv.end(), {binaries_.asset_host, "--plugins-dir", binaries_.plugins_dir,
                             "--manifests-dir", (work_dir_ / "manifests").string(), "--state-dir",
                             state_dir.string(), "--log-level", "info", "run", "--once"});
    result.host = testsupport::run_process(argv, options, std::chrono::minutes(30));
    result.okta_sim_cpu_seconds = testsupport::cpu_seconds_so_far(okta_->pid()) - okta_cpu_before;
    result.sekoia_sim_cpu_seconds =
        testsupport::cpu_seconds_so_far(sekoia_->pid()) - sekoia_cpu_before;

    const std::string& log = result.host.err;
    result.cycle_line = find_cycle_line(log);
    if (!result.host.exited_with(0)) {
        throw std::runtime_error(
            "asset-host run --once failed (exit " + std::to_string(result.host.exit_code) +
            ", signal " + std::to_string(result.host.term_signal) +
            (result.host.timed_out ? ", timed out" : "") + "): " + tail(log, 2000));
    }

    const nlohmann::json okta = okta_->get_json("/_sim/stats");
    const nlohmann::json sekoia = sekoia_->get_json("/_sim/stats");
    result.okta_requests = okta.at("requests").get<std::int64_t>();
    result.okta_pages = okta.at("device_requests").get<std::int64_t>();
    result.sekoia_posts = sekoia.at("posts").get<std::int64_t>();
    result.sekoia_items = sekoia.at("items_received").get<std::int64_t>();
    result.sekoia_unique = sekoia.at("unique_uids").get<std::int64_t>();
    if (result.sekoia_unique != setup_.devices || result.sekoia_items != setup_.devices) {
        throw std::runtime_error("sekoia-sim received " + std::to_string(result.sekoia_items) +
                                 " items, " + std::to_string(result.sekoia_unique) +
                                 " distinct devices; expected " + std::to_string(setup_.devices) +
                                 " of each: " + tail(log, 2000));
    }
    fs::remove_all(state_dir);
    return result;
}

void print_progress(const std::string& what, const SyncRunResult& r) {
    std::fprintf(stderr,
                 "  %s: wall %.3f s, cpu %.3f s, rss %.1f MiB, okta %lld req, sekoia %lld posts\n",
                 what.c_str(), r.host.wall_seconds, r.host.user_seconds + r.host.sys_seconds,
                 static_cast<double>(r.host.max_rss_kib) / 1024.0,
                 static_cast<long long>(r.okta_requests), static_cast<long long>(r.sekoia_posts));
}

}  // namespace bench
