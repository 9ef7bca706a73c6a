// Fleet benchmark: many connectors on one host. N manifests (each a connector of the Okta
// Device plugin pointing at one okta-sim org of D devices, each delivering to its own Sekoia
// connector UUID on one sekoia-sim), then the real asset-host:
//
//  1. `run --once`: every connector's full sync. Must deliver N × D items (sekoia-sim's
//     counters, per connector UUID) or the benchmark fails. Measured: wall time, the host
//     process's peak RSS (VmHWM of asset-host itself, sampled from /proc every 20 ms; and
//     wait4()'s ru_maxrss, which also covers the worker processes it waited for), the most
//     threads it had at once (/proc/<pid>/status Threads), the most worker processes (its
//     children) at once and their largest RSS seen.
//  2. the daemon (`run`, schedule every 1h): once every connector's first cycle is logged, it
//     is idle until the next slot; its RSS and threads are sampled for a few seconds.
// Both count the TCP connections sekoia-sim accepted meanwhile (how well the connectors share
// connections to their one destination).
//
// Prints Markdown tables on stdout (tests/bench/README.md), progress on stderr.
#include "e2e_report.h"

#include <process.h>
#include <sim_process.h>

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using bench::fmt;
using namespace std::chrono_literals;

// Loopback simulators only; the values are throw-away.
constexpr char kOktaToken[] = "bench-okta-token";
constexpr char kSekoiaKey[] = "bench-sekoia-key";

struct Options {
    int connectors = 1000;
    int devices = 200;
    int idle_seconds = 5;
    std::string max_concurrent;  // empty: asset-host's default
    std::string isolation;       // empty: the manifest default
    bool daemon = true;
    std::string asset_host = ASSET_HOST_BIN;
    std::string plugins_dir = ASSET_HOST_PLUGINS_DIR;
    std::string okta_sim = ASSET_HOST_OKTA_SIM_BIN;
    std::string sekoia_sim = ASSET_HOST_SEKOIA_SIM_BIN;
};

const char kUsage[] =
    "usage: fleet_bench [--connectors 1000] [--devices 200] [--idle-seconds 5]\n"
    "         [--max-concurrent-cycles K] [--isolation process|thread] [--no-daemon]\n"
    "         [--asset-host BIN] [--plugins-dir DIR] [--okta-sim BIN] [--sekoia-sim BIN]\n";

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
            return argv[++i];
        };
        if (a == "--connectors") {
            o.connectors = std::stoi(value());
        } else if (a == "--devices") {
            o.devices = std::stoi(value());
        } else if (a == "--idle-seconds") {
            o.idle_seconds = std::stoi(value());
        } else if (a == "--max-concurrent-cycles") {
            o.max_concurrent = value();
        } else if (a == "--isolation") {
            o.isolation = value();
        } else if (a == "--no-daemon") {
            o.daemon = false;
        } else if (a == "--asset-host") {
            o.asset_host = value();
        } else if (a == "--plugins-dir") {
            o.plugins_dir = value();
        } else if (a == "--okta-sim") {
            o.okta_sim = value();
        } else if (a == "--sekoia-sim") {
            o.sekoia_sim = value();
        } else {
            throw std::invalid_argument("unknown option " + a);
        }
    }
    return o;
}

// A field of /proc/<pid>/status in kB (VmRSS, VmHWM) or a count (Threads); -1 when gone.
long status_field(int pid, const std::string& field) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
    }
    return -1;
}

// The pids of `pid`'s children (its worker processes), from every thread's children list.
std::vector<int> children_of(int pid) {
    std::vector<int> out;
    const fs::path tasks = "/proc/" + std::to_string(pid) + "/task";
    std::error_code ec;
    for (const auto& task : fs::directory_iterator(tasks, ec)) {
        std::ifstream in(task.path() / "children");
        for (int child = 0; in >> child;) out.push_back(child);
    }
    return out;
}

struct Samples {
    long host_hwm_kib = 0;        // VmHWM of asset-host
    long host_rss_kib = 0;        // the last VmRSS seen
    long max_threads = 0;         // Threads of asset-host
    long max_workers = 0;         // children at once
    long worker_max_rss_kib = 0;  // the largest VmHWM seen of a child

    void take(int pid) {
        const long hwm = status_field(pid, "VmHWM");
        if (hwm < 0) return;
        host_hwm_kib = std::max(host_hwm_kib, hwm);
        host_rss_kib = status_field(pid, "VmRSS");
        max_threads = std::max(max_threads, status_field(pid, "Threads"));
        const auto kids = children_of(pid);
        max_workers = std::max(max_workers, static_cast<long>(kids.size()));
        for (int kid : kids)
            worker_max_rss_kib = std::max(worker_max_rss_kib, status_field(kid, "VmHWM"));
    }
};

std::string uuid_of(int i) {
    return fmt("00000000-0000-4000-8000-%012d", i);
}

void write_manifests(const Options& o, const fs::path& dir, const std::string& okta_url,
                     const std::string& sekoia_url, const std::string& every) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (int i = 0; i < o.connectors; ++i) {
        std::ofstream out(dir / fmt("fleet-%04d.yaml", i));
        out << "name: " << fmt("fleet-%04d", i) << "\nplugin: okta_device\n";
        if (!o.isolation.empty()) out << "isolation: " << o.isolation << "\n";
        out << "schedule: { every: " << every << " }\n"
            << "config:\n  base_url: " << okta_url
            << "\n  api_token: ${env:BENCH_OKTA_TOKEN}\n  allow_insecure_http: true\n"
            << "destination:\n  type: sekoia\n  base_url: " << sekoia_url
            << "\n  api_key: ${env:BENCH_SEKOIA_KEY}\n  connector_uuid: " << uuid_of(i)
            << "\n  allow_insecure_http: true\n";
    }
}

std::vector<std::string> host_argv(const Options& o, const fs::path& work, bool once) {
    std::vector<std::string> argv{o.asset_host,
                                  "--plugins-dir",
                                  o.plugins_dir,
                                  "--manifests-dir",
                                  (work / "manifests").string(),
                                  "--state-dir",
                                  (work / (once ? "state-once" : "state-daemon")).string(),
                                  "run"};
    if (once) argv.push_back("--once");
    if (!o.max_concurrent.empty()) {
        argv.push_back("--max-concurrent-cycles");
        argv.push_back(o.max_concurrent);
    }
    return argv;
}

testsupport::ProcessOptions host_env() {
    testsupport::ProcessOptions options;
    options.env = {{"BENCH_OKTA_TOKEN", kOktaToken}, {"BENCH_SEKOIA_KEY", kSekoiaKey}};
    return options;
}

// Every connector delivered all its devices, once: per connector UUID on sekoia-sim.
void check_delivered(const testsupport::SimProcess& sekoia, const Options& o) {
    const auto stats = sekoia.get_json("/_sim/stats");
    const long items = stats["items_received"].get<long>();
    const auto& per = stats["per_connector"];
    long complete = 0;
    for (int i = 0; i < o.connectors; ++i) {
        const auto it = per.find(uuid_of(i));
        if (it != per.end() && (*it)["items_received"].get<long>() == o.devices) ++complete;
    }
    if (items != static_cast<long>(o.connectors) * o.devices || complete != o.connectors) {
        throw std::runtime_error(
            fmt("sekoia-sim received %ld items, %ld of %d connectors "
                "complete (expected %d each)",
                items, complete, o.connectors, o.devices));
    }
}

// The connections sekoia-sim accepted since `mark` (then moved to now), without the ones of
// the two stats requests that measure it.
long connections_since(const testsupport::SimProcess& sekoia, long& mark) {
    const long now = sekoia.get_json("/_sim/stats")["connections"].get<long>();
    const long opened = now - mark - 1;
    mark = now;
    return opened;
}

struct OnceResult {
    testsupport::ProcessResult host;
    Samples samples;
    long connections = 0;  // accepted by sekoia-sim
};

OnceResult run_once(const Options& o, const fs::path& work, const testsupport::SimProcess& sekoia,
                    long& connections_mark) {
    testsupport::Process host(host_argv(o, work, true), host_env());
    OnceResult r;
    // Sample while it runs; reading stderr meanwhile keeps its pipe from filling up.
    while (host.running()) {
        r.samples.take(host.pid());
        host.read_line(20ms);  // stdout is empty: this only pumps
    }
    r.host = host.wait(1min);
    if (!r.host.exited_with(0)) {
        throw std::runtime_error("run --once failed: " + r.host.err.substr(0, 2000));
    }
    check_delivered(sekoia, o);
    r.connections = connections_since(sekoia, connections_mark);
    return r;
}

// How many connectors recorded a cycle in `state_dir` (`<name>.last-cycle.json`).
int cycles_recorded(const fs::path& state_dir) {
    int n = 0;
    std::error_code ec;
    for (const auto& f : fs::directory_iterator(state_dir, ec)) {
        const std::string name = f.path().filename().string();
        if (name.size() > 16 && name.ends_with(".last-cycle.json")) ++n;
    }
    return n;
}

struct DaemonResult {
    Samples starting;  // from start until every connector's first cycle ended
    Samples idle;      // afterwards, for --idle-seconds
    double first_round_seconds = 0;
    long connections = 0;  // accepted by sekoia-sim during the first round
};

// The daemon until every connector's first cycle ended, then idle until its next slot (1 h
// away) for --idle-seconds; stopped with SIGTERM.
DaemonResult run_daemon(const Options& o, const fs::path& work,
                        const testsupport::SimProcess& sekoia, long& connections_mark) {
    const fs::path state = work / "state-daemon";
    fs::remove_all(state);
    testsupport::Process host(host_argv(o, work, false), host_env());
    DaemonResult r;
    const auto started = std::chrono::steady_clock::now();
    while (cycles_recorded(state) < o.connectors) {
        if (!host.running()) throw std::runtime_error("the daemon exited early");
        if (std::chrono::steady_clock::now() - started > 10min) {
            throw std::runtime_error("the daemon's first cycles took over 10 minutes");
        }
        r.starting.take(host.pid());
        host.read_line(50ms);  // keeps reading stderr
    }
    r.first_round_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    r.connections = connections_since(sekoia, connections_mark);
    for (int i = 0; i < o.idle_seconds * 10; ++i) {
        r.idle.take(host.pid());
        host.read_line(100ms);
    }
    host.signal(SIGTERM);
    const auto result = host.wait(2min);
    if (!result.exited_with(0)) throw std::runtime_error("the daemon did not stop cleanly");
    return r;
}

std::string mib(long kib) {
    return fmt("%.1f", static_cast<double>(kib) / 1024.0);
}

void report(const Options& o, const OnceResult& once, const DaemonResult* daemon) {
    std::cout << "Machine: " << bench::machine_description() << "\n\n";
    std::cout << fmt(
        "### %d connectors x %d devices, run --once (max concurrent cycles: %s, "
        "isolation: %s)\n\n",
        o.connectors, o.devices, o.max_concurrent.empty() ? "default" : o.max_concurrent.c_str(),
        o.isolation.empty() ? "manifest default" : o.isolation.c_str());
    bench::Table t({"records delivered", "wall s", "host CPU s", "host peak RSS MiB (VmHWM)",
                    "wait4 max RSS MiB", "max threads", "max workers at once",
                    "largest worker RSS MiB", "Sekoia connections"});
    t.add({std::to_string(static_cast<long>(o.connectors) * o.devices),
           fmt("%.1f", once.host.wall_seconds),
           fmt("%.1f", once.host.user_seconds + once.host.sys_seconds),
           mib(once.samples.host_hwm_kib), mib(once.host.max_rss_kib),
           std::to_string(once.samples.max_threads), std::to_string(once.samples.max_workers),
           mib(once.samples.worker_max_rss_kib), std::to_string(once.connections)});
    std::cout << t.markdown() << "\n";
    if (daemon == nullptr) return;
    std::cout << fmt("### The daemon with %d connectors (every 1h), idle after the first round\n\n",
                     o.connectors);
    bench::Table d({"first round s", "peak RSS MiB during it", "max threads during it",
                    "Sekoia connections", "idle RSS MiB", "idle threads"});
    d.add({fmt("%.1f", daemon->first_round_seconds), mib(daemon->starting.host_hwm_kib),
           std::to_string(daemon->starting.max_threads), std::to_string(daemon->connections),
           mib(daemon->idle.host_rss_kib), std::to_string(daemon->idle.max_threads)});
    std::cout << d.markdown() << "\n";
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    try {
        o = parse(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "fleet_bench: " << e.what() << "\n" << kUsage;
        return 2;
    }
    try {
        const fs::path work = fs::temp_directory_path() / fmt("fleet_bench.%d", getpid());
        fs::create_directories(work);
        // Okta's rate limit is lifted: this measures the host, not Okta's budget.
        testsupport::SimProcess okta(
            o.okta_sim, {"--devices", std::to_string(o.devices), "--seed", "1", "--token",
                         kOktaToken, "--rate-limit", "100000000"});
        testsupport::SimProcess sekoia(o.sekoia_sim, {"--api-key", kSekoiaKey});
        write_manifests(o, work / "manifests", okta.base_url(), sekoia.base_url(), "1h");
        std::cerr << "fleet_bench: run --once with " << o.connectors << " connectors\n";
        long connections_mark = sekoia.get_json("/_sim/stats")["connections"].get<long>();
        const OnceResult once = run_once(o, work, sekoia, connections_mark);
        std::optional<DaemonResult> daemon;
        if (o.daemon) {
            std::cerr << "fleet_bench: the daemon, until every first cycle ended\n";
            daemon = run_daemon(o, work, sekoia, connections_mark);
        }
        report(o, once, daemon ? &*daemon : nullptr);
        fs::remove_all(work);
    } catch (const std::exception& e) {
        std::cerr << "fleet_bench: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
