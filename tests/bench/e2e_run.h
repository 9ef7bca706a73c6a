// One end-to-end sync as a user runs it: okta-sim (N devices) → `asset-host run --once` with the
// Okta Device plugin → sekoia-sim, in a scratch directory. The simulators stay up across runs
// of the same size (generating 50,000 devices takes seconds) and are reset before each run;
// every run starts from an empty state directory, so it is a full sync.
#pragma once

#include <process.h>
#include <sim_process.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace bench {

struct Binaries {
    std::string asset_host = ASSET_HOST_BIN;
    std::string plugins_dir = ASSET_HOST_PLUGINS_DIR;
    std::string okta_sim = ASSET_HOST_OKTA_SIM_BIN;
    std::string sekoia_sim = ASSET_HOST_SEKOIA_SIM_BIN;
};

struct SyncSetup {
    int devices = 1000;
    int okta_latency_ms = 0;    // okta-sim: added to every Okta API answer
    int sekoia_latency_ms = 0;  // sekoia-sim: added to every intake POST
    std::string expand = "userSummary";
};

struct SyncRunResult {
    testsupport::ProcessResult host;  // asset-host's own wall, CPU and peak RSS
    std::int64_t okta_requests = 0;   // every Okta API request okta-sim answered
    std::int64_t okta_pages = 0;      // GET /api/v1/devices (list) requests
    std::int64_t sekoia_posts = 0;    // intake POSTs (accepted or not)
    std::int64_t sekoia_items = 0;    // items accepted
    std::int64_t sekoia_unique = 0;   // distinct device.uid accepted
    double okta_sim_cpu_seconds = 0;  // what the simulators burnt meanwhile (same machine)
    double sekoia_sim_cpu_seconds = 0;
    std::string cycle_line;  // asset-host's "cycle connector=... outcome=..." summary line
};

class SyncBench {
public:
    // Starts both simulators (throws std::runtime_error if they do not start).
    SyncBench(Binaries binaries, std::filesystem::path work_dir, SyncSetup setup);

    // One full sync with these delivery settings. Throws std::runtime_error when asset-host
    // fails or Sekoia did not receive every device exactly as expected (a benchmark of a broken
    // run would be meaningless).
    // `isolation`: the manifest's isolation: ("process", the default, or "thread"). In process
    // mode the host reaps its workers with wait4(), so their CPU is in the host's (wait4 reports
    // a child with its reaped children) and the peak RSS is the larger of host and worker.
    // `wrapper`: a command the host runs under (e.g. `perf record ... --`); its wait4() figures
    // are then the wrapper's.
    SyncRunResult run(int batch_size, int max_in_flight, const std::string& isolation = "process",
                      const std::vector<std::string>& wrapper = {});

    const SyncSetup& setup() const { return setup_; }

private:
    void write_manifest(int batch_size, int max_in_flight, const std::string& isolation) const;

    Binaries binaries_;
    std::filesystem::path work_dir_;
    SyncSetup setup_;
    std::unique_ptr<testsupport::SimProcess> okta_;
    std::unique_ptr<testsupport::SimProcess> sekoia_;
    int run_count_ = 0;
};

// One line on stderr: "  <what>: wall 1.234 s, cpu 0.567 s, rss 20.1 MiB, okta 5 req, ...".
void print_progress(const std::string& what, const SyncRunResult& r);

}  // namespace bench
