#include "e2e_headline.h"

#include "e2e_report.h"
#include "stage_profile.h"

#include <cstdio>
#include <memory>
#include <optional>

namespace bench {

namespace {

namespace fs = std::filesystem;

struct ModeRuns {
    std::vector<SyncRunResult> plain;    // no added latency
    std::vector<SyncRunResult> latency;  // latency on both sides
    std::optional<StageProfile> stages;
};

double cpu_seconds(const SyncRunResult& r) {
    return r.host.user_seconds + r.host.sys_seconds;
}

template <typename F>
double median_by(const std::vector<SyncRunResult>& runs, F field) {
    std::vector<double> v;
    for (const auto& r : runs) v.push_back(field(r));
    return median(v);
}

StageProfile profile_one(SyncBench& bench, const HeadlineOptions& o, const std::string& mode,
                         const fs::path& work) {
    const fs::path data = work / ("perf-" + mode + ".data");
    std::fprintf(stderr, "  profiling %s with perf record (then perf script: a minute or so)\n",
                 mode.c_str());
    bench.run(o.batch_size, o.max_in_flight, mode, perf_record_prefix(data));
    StageProfile p = stage_profile(data, "okta_device.so");
    fs::remove(data);
    return p;
}

void print_cpu_table(const HeadlineOptions& o, const std::vector<ModeRuns>& modes) {
    std::vector<std::string> headers{"isolation", "CPU us/device"};
    for (const auto& s : stage_names()) headers.push_back(s);
    headers.push_back("peak RSS MiB");
    Table t(headers);
    for (std::size_t m = 0; m < modes.size(); ++m) {
        const ModeRuns& r = modes[m];
        const double cpu_us = median_by(r.plain, cpu_seconds) / o.devices * 1e6;
        std::vector<std::string> row{o.isolation[m], fmt("%.2f", cpu_us)};
        for (std::size_t s = 0; s < stage_names().size(); ++s) {
            row.push_back(r.stages ? fmt("%.2f", r.stages->share(s) * cpu_us) : "-");
        }
        row.push_back(fmt("%.1f", median_by(r.plain, [](auto& x) {
                              return static_cast<double>(x.host.max_rss_kib) / 1024.0;
                          })));
        t.add(row);
    }
    std::printf(
        "\n### Headline: %d devices, CPU per device by stage (expand=%s, batch_size %d, "
        "max_in_flight %d; median of %d runs)\n\n",
        o.devices, o.expand.c_str(), o.batch_size, o.max_in_flight, o.repeat);
    std::printf(
        "CPU = host + worker (wait4), us per device. The stage columns split it by a perf "
        "profile of one more run: each stage's share of the samples x CPU us/device "
        "(stage_profile.h says which functions make a stage).\n\n");
    std::fputs(t.markdown().c_str(), stdout);
    for (std::size_t m = 0; m < modes.size(); ++m) {
        if (modes[m].stages) {
            std::printf("Profile of %s: %lld samples.\n", o.isolation[m].c_str(),
                        static_cast<long long>(modes[m].stages->samples));
        }
    }
}

void print_wall_table(const HeadlineOptions& o, const std::vector<ModeRuns>& modes) {
    Table t({"isolation", "wall 0 ms s", "wall +latency s", "Okta requests", "pure Okta wait s",
             "wall / Okta wait", "okta-sim CPU s", "wall / (Okta wait + okta-sim CPU)"});
    for (std::size_t m = 0; m < modes.size(); ++m) {
        const ModeRuns& r = modes[m];
        const double requests =
            median_by(r.latency, [](auto& x) { return double(x.okta_requests); });
        const double wait = requests * o.latency_ms / 1000.0;
        const double wall = median_by(r.latency, [](auto& x) { return x.host.wall_seconds; });
        const double sim = median_by(r.latency, [](auto& x) { return x.okta_sim_cpu_seconds; });
        t.add({o.isolation[m],
               fmt("%.2f", median_by(r.plain, [](auto& x) { return x.host.wall_seconds; })),
               fmt("%.2f", wall), fmt("%.0f", requests), fmt("%.2f", wait),
               fmt("%.3f", wall / wait), fmt("%.2f", sim), fmt("%.3f", wall / (wait + sim))});
    }
    std::printf(
        "\n### Headline: %d devices, wall time with %d ms added to every Okta page and every "
        "Sekoia POST (median of %d runs)\n\n",
        o.devices, o.latency_ms, o.repeat);
    std::printf(
        "Pure Okta wait = Okta requests x %d ms: the pages are sequential (each needs the "
        "previous one's next link), so no sync can be faster. okta-sim serves them one after "
        "the other on the same machine: its CPU time is part of what a real Okta answers "
        "within its latency, hence the last column.\n\n",
        o.latency_ms);
    std::fputs(t.markdown().c_str(), stdout);
}

}  // namespace

void run_headline(const HeadlineOptions& o, const fs::path& work) {
    const int n = o.devices;
    const int l = o.latency_ms;
    std::fprintf(stderr, "starting simulators for the headline (%d devices)\n", n);
    SyncBench plain(o.binaries, work / "headline-plain", SyncSetup{n, 0, 0, o.expand});
    SyncBench latency(o.binaries, work / "headline-latency", SyncSetup{n, l, l, o.expand});
    std::vector<ModeRuns> modes(o.isolation.size());
    for (int rep = 0; rep < o.repeat; ++rep) {
        for (std::size_t m = 0; m < modes.size(); ++m) {
            const std::string& mode = o.isolation[m];
            modes[m].plain.push_back(plain.run(o.batch_size, o.max_in_flight, mode));
            print_progress(fmt("headline %s 0 ms run %d", mode.c_str(), rep + 1),
                           modes[m].plain.back());
            modes[m].latency.push_back(latency.run(o.batch_size, o.max_in_flight, mode));
            print_progress(fmt("headline %s +%d ms run %d", mode.c_str(), l, rep + 1),
                           modes[m].latency.back());
        }
    }
    if (o.profile && !perf_available()) {
        std::fprintf(stderr,
                     "e2e_sync_bench: perf is not usable here (install linux-perf; "
                     "kernel.perf_event_paranoid may forbid it): no per-stage split\n");
    } else if (o.profile) {
        for (std::size_t m = 0; m < modes.size(); ++m) {
            modes[m].stages = profile_one(plain, o, o.isolation[m], work);
        }
    }
    print_cpu_table(o, modes);
    print_wall_table(o, modes);
}

}  // namespace bench
