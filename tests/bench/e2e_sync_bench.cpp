// End-to-end benchmark: full syncs okta-sim → `asset-host run --once` (the real binary and
// okta_device.so) → sekoia-sim, measuring asset-host with wait4() (wall, user+sys CPU, peak
// RSS) and the simulators' request counters. Two experiments, printed as Markdown tables:
//
//  1. scaling: N devices for each --sizes, no added latency, for each --isolation mode
//     (process and thread side by side): wall time, devices/s, CPU per device (a worker's CPU
//     included), peak RSS (is memory flat with N?), requests made (N/200 Okta pages?), and
//     what process isolation costs over thread.
//  0. headline (--headline N): e2e_headline.h — N devices in both modes, CPU per device overall
//     and per pipeline stage (a perf profile), peak RSS, wall with and without latency.
//  2. overlap: the same sync with --latency-ms added to every Okta page AND every Sekoia POST,
//     for each max_in_flight in --in-flight: is wall time close to the slower path, or to the
//     sum of both? A run without latency gives the fixed cost to subtract.
//
// Every number is the median of --repeat runs (runs of different settings are interleaved so
// that a burst of load from other processes on the machine does not hit one setting only).
#include "e2e_headline.h"
#include "e2e_report.h"
#include "e2e_run.h"
#include "stage_profile.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using bench::fmt;
using bench::median;

struct Options {
    std::vector<int> sizes{1000, 10000, 50000};
    int repeat = 3;
    int batch_size = 100;
    int max_in_flight = 4;
    std::string expand = "userSummary";
    int overlap_devices = 5000;
    int latency_ms = 50;
    std::vector<int> in_flight{1, 2, 4};
    std::vector<std::string> isolation{"process", "thread"};
    int headline = 0;       // devices of the headline experiment; 0: none
    std::string stages_of;  // a perf.data to split by stage, instead of running anything
    bool profile = true;
    bool scaling = true;
    bool overlap = true;
    bench::Binaries binaries;
};

const char kUsage[] =
    "usage: e2e_sync_bench [--sizes 1000,10000,50000] [--repeat 3] [--batch-size 100]\n"
    "         [--max-in-flight 4] [--expand userSummary|user|none]\n"
    "         [--overlap-devices 5000] [--latency-ms 50] [--in-flight 1,2,4]\n"
    "         [--isolation process,thread] [--headline N] [--no-profile] [--no-scaling]\n"
    "         [--no-overlap] [--stages-of PERF_DATA]\n"
    "         [--asset-host BIN] [--plugins-dir DIR] [--okta-sim BIN] [--sekoia-sim BIN]\n";

std::vector<int> int_list(const std::string& text) {
    std::vector<int> out;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');) {
        if (!item.empty()) out.push_back(std::stoi(item));
    }
    return out;
}

std::vector<std::string> isolation_list(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');) {
        if (item != "process" && item != "thread") {
            throw std::invalid_argument("--isolation takes process and/or thread, not " + item);
        }
        out.push_back(item);
    }
    if (out.empty()) throw std::invalid_argument("--isolation needs process and/or thread");
    return out;
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
            return argv[++i];
        };
        if (a == "--sizes") {
            o.sizes = int_list(value());
        } else if (a == "--repeat") {
            o.repeat = std::max(1, std::stoi(value()));
        } else if (a == "--batch-size") {
            o.batch_size = std::stoi(value());
        } else if (a == "--max-in-flight") {
            o.max_in_flight = std::stoi(value());
        } else if (a == "--expand") {
            o.expand = value();
        } else if (a == "--overlap-devices") {
            o.overlap_devices = std::stoi(value());
        } else if (a == "--latency-ms") {
            o.latency_ms = std::stoi(value());
        } else if (a == "--in-flight") {
            o.in_flight = int_list(value());
        } else if (a == "--isolation") {
            o.isolation = isolation_list(value());
        } else if (a == "--headline") {
            o.headline = std::stoi(value());
        } else if (a == "--stages-of") {
            o.stages_of = value();
        } else if (a == "--no-profile") {
            o.profile = false;
        } else if (a == "--no-scaling") {
            o.scaling = false;
        } else if (a == "--no-overlap") {
            o.overlap = false;
        } else if (a == "--asset-host") {
            o.binaries.asset_host = value();
        } else if (a == "--plugins-dir") {
            o.binaries.plugins_dir = value();
        } else if (a == "--okta-sim") {
            o.binaries.okta_sim = value();
        } else if (a == "--sekoia-sim") {
            o.binaries.sekoia_sim = value();
        } else if (a == "--help" || a == "-h") {
            std::fputs(kUsage, stdout);
            std::exit(0);
        } else {
            throw std::invalid_argument("unknown option " + a);
        }
    }
    return o;
}

double mib(long kib) {
    return static_cast<double>(kib) / 1024.0;
}

template <typename F>
double median_of(const std::vector<bench::SyncRunResult>& runs, F field) {
    std::vector<double> v;
    for (const auto& r : runs) v.push_back(static_cast<double>(field(r)));
    return median(v);
}

// One row of the scaling table: the medians of one size in one isolation mode.
struct ScalingRow {
    int devices;
    std::string isolation;
    double cpu;  // host CPU s (a worker's included)
    double rss;  // MiB
};

ScalingRow add_scaling_row(bench::Table& t, int devices, const std::string& isolation,
                           const std::vector<bench::SyncRunResult>& r) {
    const double n = devices;
    const double wall = median_of(r, [](auto& x) { return x.host.wall_seconds; });
    const double c = median_of(r, [](auto& x) { return x.host.user_seconds + x.host.sys_seconds; });
    const double m = median_of(r, [](auto& x) { return mib(x.host.max_rss_kib); });
    double lo = 1e18, hi = 0;
    for (const auto& x : r) {
        lo = std::min(lo, mib(x.host.max_rss_kib));
        hi = std::max(hi, mib(x.host.max_rss_kib));
    }
    t.add({fmt("%d", devices), isolation, fmt("%.2f", wall), fmt("%.0f", n / wall), fmt("%.2f", c),
           fmt("%.2f", median_of(r, [](auto& x) { return x.host.user_seconds; })),
           fmt("%.2f", median_of(r, [](auto& x) { return x.host.sys_seconds; })),
           fmt("%.1f", c / n * 1e6), fmt("%.1f", m), fmt("%.1f-%.1f", lo, hi),
           fmt("%.0f", median_of(r, [](auto& x) { return x.okta_requests; })),
           fmt("%.0f", median_of(r, [](auto& x) { return x.okta_pages; })),
           fmt("%.0f", median_of(r, [](auto& x) { return x.sekoia_posts; })),
           fmt("%.2f", median_of(r, [](auto& x) { return x.okta_sim_cpu_seconds; })),
           fmt("%.2f", median_of(r, [](auto& x) { return x.sekoia_sim_cpu_seconds; }))});
    return {devices, isolation, c, m};
}

// Growth with N (first isolation mode), and what process isolation costs over thread.
void print_scaling_notes(const Options& o, const std::vector<ScalingRow>& rows) {
    const std::size_t modes = o.isolation.size();
    if (o.sizes.size() >= 2) {
        const ScalingRow& a = rows.front();
        const ScalingRow& b = rows[rows.size() - modes];
        const double dn = b.devices - a.devices;
        std::printf(
            "\nFrom %d to %d devices (%s): peak RSS %+.1f MiB (%.1f -> %.1f MiB, %.0f bytes per "
            "extra device); marginal CPU %.1f us per extra device.\n",
            a.devices, b.devices, a.isolation.c_str(), b.rss - a.rss, a.rss, b.rss,
            (b.rss - a.rss) * 1024 * 1024 / dn, (b.cpu - a.cpu) / dn * 1e6);
    }
    if (modes != 2) return;
    for (std::size_t i = 0; i + 1 < rows.size(); i += 2) {
        const ScalingRow& x = rows[i];      // o.isolation[0]
        const ScalingRow& y = rows[i + 1];  // o.isolation[1]
        const double n = x.devices;
        std::printf("%d devices: CPU %.1f us/device %s vs %.1f us/device %s (%+.1f%%)\n", x.devices,
                    x.cpu / n * 1e6, x.isolation.c_str(), y.cpu / n * 1e6, y.isolation.c_str(),
                    (x.cpu / y.cpu - 1) * 100);
    }
}

void scaling(const Options& o, const fs::path& work) {
    // All sizes stay up at once so repetitions can be interleaved across sizes and modes.
    std::vector<std::unique_ptr<bench::SyncBench>> benches;
    for (int n : o.sizes) {
        std::fprintf(stderr, "starting simulators with %d devices\n", n);
        benches.push_back(std::make_unique<bench::SyncBench>(
            o.binaries, work / fmt("scaling-%d", n), bench::SyncSetup{n, 0, 0, o.expand}));
    }
    const std::size_t modes = o.isolation.size();
    std::vector<std::vector<bench::SyncRunResult>> runs(benches.size() * modes);
    for (int rep = 0; rep < o.repeat; ++rep) {
        for (std::size_t i = 0; i < benches.size(); ++i) {
            for (std::size_t m = 0; m < modes; ++m) {
                auto& r = runs[i * modes + m];
                r.push_back(benches[i]->run(o.batch_size, o.max_in_flight, o.isolation[m]));
                bench::print_progress(
                    fmt("N=%d %s run %d", o.sizes[i], o.isolation[m].c_str(), rep + 1), r.back());
            }
        }
    }

    std::printf(
        "\n### Full sync, no added latency (expand=%s, batch_size %d, max_in_flight %d; "
        "median of %d runs)\n\n",
        o.expand.c_str(), o.batch_size, o.max_in_flight, o.repeat);
    bench::Table t({"devices", "isolation", "wall s", "devices/s", "host CPU s", "user s", "sys s",
                    "CPU us/device", "peak RSS MiB", "RSS range MiB", "Okta requests", "Okta pages",
                    "Sekoia POSTs", "okta-sim CPU s", "sekoia-sim CPU s"});
    std::vector<ScalingRow> rows;
    for (std::size_t i = 0; i < benches.size(); ++i) {
        for (std::size_t m = 0; m < modes; ++m) {
            rows.push_back(add_scaling_row(t, o.sizes[i], o.isolation[m], runs[i * modes + m]));
        }
    }
    std::fputs(t.markdown().c_str(), stdout);
    print_scaling_notes(o, rows);
    std::printf("Last cycle line: %s\n", runs.back().back().cycle_line.c_str());
}

void overlap(const Options& o, const fs::path& work) {
    // Four set-ups of the same sync: no latency, latency on the Okta side only, on the Sekoia
    // side only, on both. What each side's latency ADDS to the wall time is measured, not
    // assumed: the simulators' own processing time and the host's fixed costs are in all four
    // runs and cancel out of the differences.
    const int n = o.overlap_devices;
    const int l = o.latency_ms;
    struct Setting {
        const char* name;
        int okta_ms, sekoia_ms;
    };
    const std::vector<Setting> settings{
        {"none", 0, 0}, {"okta", l, 0}, {"sekoia", 0, l}, {"both", l, l}};
    std::fprintf(stderr, "starting simulators for the overlap runs (%d devices)\n", n);
    std::vector<std::unique_ptr<bench::SyncBench>> benches;
    for (const auto& s : settings) {
        benches.push_back(std::make_unique<bench::SyncBench>(
            o.binaries, work / fmt("overlap-%s", s.name),
            bench::SyncSetup{n, s.okta_ms, s.sekoia_ms, o.expand}));
    }
    const std::size_t k_count = o.in_flight.size();
    // runs[k][setting]
    std::vector<std::vector<std::vector<bench::SyncRunResult>>> runs(
        k_count, std::vector<std::vector<bench::SyncRunResult>>(settings.size()));
    for (int rep = 0; rep < o.repeat; ++rep) {
        for (std::size_t k = 0; k < k_count; ++k) {
            for (std::size_t s = 0; s < settings.size(); ++s) {
                runs[k][s].push_back(
                    benches[s]->run(o.batch_size, o.in_flight[k], o.isolation.front()));
                bench::print_progress(
                    fmt("K=%d latency %s run %d", o.in_flight[k], settings[s].name, rep + 1),
                    runs[k][s].back());
            }
        }
    }

    std::printf(
        "\n### Overlap: %d devices, +%d ms per Okta request and/or per Sekoia POST "
        "(expand=%s, batch_size %d, isolation %s; median of %d runs)\n\n",
        n, l, o.expand.c_str(), o.batch_size, o.isolation.front().c_str(), o.repeat);
    std::printf(
        "Okta path = Okta requests x latency (pages are sequential); Sekoia path = "
        "ceil(POSTs / max_in_flight) x latency. Added = wall with latency on both sides - wall "
        "without latency (fixed costs and the simulators' own processing cancel out). Overlap = "
        "(sum - added) / (sum - max): 100%% = added is the slower path alone, 0%% = the paths "
        "add up. A pipeline cannot hide everything: the first page comes before the first POST "
        "and the last POST after the last page.\n\n");
    bench::Table t({"max_in_flight", "Okta path s", "Sekoia path s", "sum s", "max s",
                    "wall none s", "wall both s", "added s", "overlap"});
    bench::Table m({"max_in_flight", "wall none s", "wall Okta-only s", "wall Sekoia-only s",
                    "if they add up s", "if they overlap s", "wall both s"});
    const double latency = l / 1000.0;
    for (std::size_t k = 0; k < k_count; ++k) {
        std::vector<double> wall;
        for (const auto& r : runs[k]) {
            wall.push_back(median_of(r, [](auto& x) { return x.host.wall_seconds; }));
        }
        const double requests = median_of(runs[k][3], [](auto& x) { return x.okta_requests; });
        const double posts = median_of(runs[k][3], [](auto& x) { return x.sekoia_posts; });
        const double okta_path = requests * latency;
        const double sekoia_path = std::ceil(posts / o.in_flight[k]) * latency;
        const double sum = okta_path + sekoia_path;
        const double max = std::max(okta_path, sekoia_path);
        const double added = wall[3] - wall[0];
        t.add({fmt("%d", o.in_flight[k]), fmt("%.2f", okta_path), fmt("%.2f", sekoia_path),
               fmt("%.2f", sum), fmt("%.2f", max), fmt("%.2f", wall[0]), fmt("%.2f", wall[3]),
               fmt("%.2f", added),
               sum > max ? fmt("%.0f%%", (sum - added) / (sum - max) * 100) : "n/a"});
        m.add({fmt("%d", o.in_flight[k]), fmt("%.2f", wall[0]), fmt("%.2f", wall[1]),
               fmt("%.2f", wall[2]), fmt("%.2f", wall[1] + wall[2] - wall[0]),
               fmt("%.2f", std::max(wall[1], wall[2])), fmt("%.2f", wall[3])});
    }
    std::fputs(t.markdown().c_str(), stdout);
    std::printf("\n");
    std::printf(
        "The same with measured paths: each side's latency alone (Okta-only, Sekoia-only runs). "
        "If the paths overlap, wall both = max(Okta-only, Sekoia-only); if they add up, wall "
        "both = Okta-only + Sekoia-only - none.\n\n");
    std::fputs(m.markdown().c_str(), stdout);
    std::printf("Last cycle line: %s\n", runs.back().back().back().cycle_line.c_str());
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    try {
        o = parse(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "e2e_sync_bench: %s\n%s", e.what(), kUsage);
        return 2;
    }
    if (!o.stages_of.empty()) {
        // A profile taken by hand (perf record -e cpu-clock --call-graph dwarf -- asset-host ...).
        bench::StageProfile p;
        try {
            p = bench::stage_profile(o.stages_of, "okta_device.so");
        } catch (const std::exception& e) {
            std::fprintf(stderr, "e2e_sync_bench: %s\n", e.what());
            return 1;
        }
        for (std::size_t s = 0; s < bench::stage_names().size(); ++s) {
            std::printf("%-18s %5.1f%%\n", bench::stage_names()[s].c_str(), p.share(s) * 100);
        }
        std::printf("%lld samples; what \"other\" is made of (innermost frame):\n",
                    static_cast<long long>(p.samples));
        std::vector<std::pair<double, std::string>> leaves;
        for (const auto& [name, weight] : p.other_leaves) leaves.emplace_back(weight, name);
        std::sort(leaves.rbegin(), leaves.rend());
        for (std::size_t i = 0; i < leaves.size() && i < 20; ++i) {
            std::printf("  %5.1f%%  %s\n", leaves[i].first / p.total * 100,
                        leaves[i].second.c_str());
        }
        return 0;
    }
    std::string pattern = (fs::temp_directory_path() / "asset-host-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
        std::perror("e2e_sync_bench: mkdtemp");
        return 1;
    }
    const fs::path work = pattern;
    try {
        std::printf("Machine: %s\n", bench::machine_description().c_str());
        std::fflush(stdout);
        if (o.headline > 0) {
            bench::run_headline({o.headline, o.repeat, o.batch_size, o.max_in_flight, o.latency_ms,
                                 o.expand, o.isolation, o.profile, o.binaries},
                                work);
        }
        std::fflush(stdout);
        if (o.scaling) scaling(o, work);
        std::fflush(stdout);
        if (o.overlap) overlap(o, work);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "e2e_sync_bench: %s\n(work files kept in %s)\n", e.what(),
                     work.c_str());
        return 1;
    }
    fs::remove_all(work);
    return 0;
}
