// Micro-benchmark of the Okta Device plugin's core path: one GET /api/v1/devices page body →
// OCSF records (okta_device::PageReader: simdjson On-Demand over the page, DeviceMapper,
// JsonWriter), without HTTP. Pages are captured from a real okta-sim at start-up for each
// `expand` variant. Reports time per device, JSON throughput and heap allocations per device
// (operator new is replaced in this binary, alloc_counter.cpp).
//
//   okta_page_bench [--devices N] [--expand userSummary,user,none] [google-benchmark flags]
//
// Without --benchmark_repetitions it runs 5 repetitions and shows mean/median/stddev/cv.
#include "alloc_counter.h"
#include "e2e_report.h"
#include "page_corpus.h"

#include <page_reader.h>
#include <sim_process.h>

#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <unistd.h>
#include <cstdio>
#include <cstring>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

constexpr char kToken[] = "bench-token";

struct PassResult {
    std::int64_t devices = 0;
    std::int64_t skipped = 0;
    std::uint64_t record_bytes = 0;
};

// The reader as the plugin drives it: one reader reused for every page, records handed to a
// callback that only looks at them (the host's side is not part of this benchmark).
class PagePass {
public:
    explicit PagePass(const bench::PageCorpus& corpus) : bodies_(corpus.pages) {
        // The HTTP client leaves simdjson's padding in the body's capacity; so do we.
        for (auto& b : bodies_) b.reserve(b.size() + simdjson::SIMDJSON_PADDING);
        emit_ = [this](std::string_view record) {
            result_.record_bytes += record.size();
            benchmark::DoNotOptimize(record.data());
            return true;
        };
        skip_ = [this](int, std::string_view, std::string_view) { ++result_.skipped; };
    }

    PassResult run() {
        result_ = PassResult{};
        okta_device::PageStats stats;
        for (auto& body : bodies_) {
            const asset_sdk::Status st =
                reader_.read(body, collected_at_, /*retry=*/false, emit_, skip_, stats);
            if (!st.is_ok()) throw std::runtime_error("page rejected: " + st.message());
            result_.devices += stats.devices;
        }
        return result_;
    }

private:
    std::vector<std::string> bodies_;
    okta_device::PageReader reader_;
    okta_device::PageReader::EmitFn emit_;
    okta_device::PageReader::SkipFn skip_;
    asset_sdk::SystemTime collected_at_{std::chrono::seconds(1'750'000'000)};
    PassResult result_;
};

void bench_pages(benchmark::State& state, const bench::PageCorpus* corpus) {
    PagePass pass(*corpus);
    pass.run();  // warm-up: parser buffers, record buffer and scratch vectors reach their size
    const bench::AllocSnapshot before = bench::alloc_snapshot();
    const PassResult counted = pass.run();
    const bench::AllocSnapshot after = bench::alloc_snapshot();
    if (counted.devices == 0) {
        state.SkipWithError("no devices in the captured pages");
        return;
    }

    for (auto _ : state) {
        const PassResult r = pass.run();
        benchmark::DoNotOptimize(r.record_bytes);
    }

    using benchmark::Counter;
    const double devices = static_cast<double>(counted.devices);
    state.SetItemsProcessed(state.iterations() * counted.devices);
    // Per-device time: a rate counter, inverted (seconds per device), shown in the time unit.
    state.counters["time/device"] =
        Counter(devices, Counter::kIsIterationInvariantRate | Counter::kInvert);
    state.counters["JSON_MB/s"] =
        Counter(static_cast<double>(corpus->json_bytes) / 1e6, Counter::kIsIterationInvariantRate);
    state.counters["allocs/device"] =
        Counter(static_cast<double>(after.count - before.count) / devices);
    state.counters["alloc_B/device"] =
        Counter(static_cast<double>(after.bytes - before.bytes) / devices);
    state.counters["JSON_B/device"] = Counter(static_cast<double>(corpus->json_bytes) / devices);
    state.counters["record_B/device"] =
        Counter(static_cast<double>(counted.record_bytes) / devices);
    state.counters["devices/pass"] = Counter(devices);
}

// The console output as usual, plus a Markdown table of the medians (for the README) at the end.
class MarkdownSummary : public benchmark::ConsoleReporter {
public:
    explicit MarkdownSummary(OutputOptions options) : ConsoleReporter(options) {}

    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const Run& r : runs) {
            if (r.error_occurred) continue;
            // With repetitions: the median and cv aggregates; with one run: the run itself.
            const bool single = r.run_type == Run::RT_Iteration && r.repetitions <= 1;
            if (r.aggregate_name == "median" || single) medians_[r.run_name.str()] = r;
            if (r.aggregate_name == "cv") cvs_[r.run_name.str()] = r;
        }
    }

    std::string markdown() const {
        bench::Table t({"benchmark", "us/device", "JSON MB/s", "devices/s", "allocs/device",
                        "alloc B/device", "JSON B/device", "record B/device", "cv of time"});
        for (const auto& [name, r] : medians_) {
            auto counter = [&](const char* key) {
                const auto it = r.counters.find(key);
                return it == r.counters.end() ? 0.0 : it->second.value;
            };
            std::string cv = "-";
            if (const auto it = cvs_.find(name); it != cvs_.end()) {
                // The cv aggregate holds each counter's coefficient of variation as a ratio.
                const auto c = it->second.counters.find("time/device");
                if (c != it->second.counters.end())
                    cv = bench::fmt("%.1f%%", c->second.value * 100);
            }
            t.add({name, bench::fmt("%.2f", counter("time/device") * 1e6),
                   bench::fmt("%.0f", counter("JSON_MB/s")),
                   bench::fmt("%.0f", counter("items_per_second")),
                   bench::fmt("%.2f", counter("allocs/device")),
                   bench::fmt("%.1f", counter("alloc_B/device")),
                   bench::fmt("%.0f", counter("JSON_B/device")),
                   bench::fmt("%.0f", counter("record_B/device")), cv});
        }
        return t.markdown();
    }

private:
    std::map<std::string, Run> medians_;
    std::map<std::string, Run> cvs_;
};

std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');) {
        if (!item.empty()) out.push_back(item);
    }
    return out;
}

// Takes this benchmark's own flags out of argv (Google Benchmark refuses unknown ones).
std::string take_flag(int& argc, char** argv, const char* name, std::string fallback) {
    const std::string prefix = std::string(name) + "=";
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        std::string value;
        int consumed = 0;
        if (arg == name && i + 1 < argc) {
            value = argv[i + 1];
            consumed = 2;
        } else if (arg.rfind(prefix, 0) == 0) {
            value = arg.substr(prefix.size());
            consumed = 1;
        }
        if (consumed == 0) continue;
        for (int j = i; j + consumed <= argc; ++j) argv[j] = argv[j + consumed];
        argc -= consumed;
        return value;
    }
    return fallback;
}

}  // namespace

int main(int argc, char** argv) {
    const int devices = std::stoi(take_flag(argc, argv, "--devices", "2000"));
    const std::vector<std::string> expands =
        split(take_flag(argc, argv, "--expand", "userSummary,user,none"));
    const std::string okta_sim = take_flag(argc, argv, "--okta-sim", ASSET_HOST_OKTA_SIM_BIN);

    // Default: repetitions with aggregates, so one run gives a median and a spread.
    std::vector<char*> args(argv, argv + argc);
    bool has_repetitions = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strncmp(argv[i], "--benchmark_repetitions", 23) == 0) has_repetitions = true;
    }
    std::string reps = "--benchmark_repetitions=5";
    std::string aggregates = "--benchmark_display_aggregates_only=true";
    if (!has_repetitions) {
        args.push_back(reps.data());
        args.push_back(aggregates.data());
    }
    int args_count = static_cast<int>(args.size());
    args.push_back(nullptr);

    std::vector<bench::PageCorpus> corpora;
    try {
        testsupport::SimProcess sim(okta_sim, {"--devices", std::to_string(devices), "--seed", "1",
                                               "--token", kToken, "--rate-limit", "1000000"});
        for (const auto& expand : expands) {
            corpora.push_back(bench::capture_pages(sim.base_url(), kToken, expand));
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "okta_page_bench: %s\n", e.what());
        return 1;
    }
    for (const auto& c : corpora) {
        std::fprintf(stderr, "captured expand=%s: %zu pages, %.2f MB of JSON, %d devices\n",
                     c.expand.c_str(), c.pages.size(), static_cast<double>(c.json_bytes) / 1e6,
                     devices);
        benchmark::RegisterBenchmark(("okta_page_to_ocsf/expand=" + c.expand).c_str(), bench_pages,
                                     &c)
            ->Unit(benchmark::kMillisecond);
    }

    benchmark::Initialize(&args_count, args.data());
    if (benchmark::ReportUnrecognizedArguments(args_count, args.data())) return 1;
    // Colours only on a terminal: scripts/bench.sh output is read in files and logs.
    MarkdownSummary reporter(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_ColorTabular
                                                   : benchmark::ConsoleReporter::OO_Tabular);
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    std::printf(
        "\n### Okta page -> OCSF records (okta_device_core), %d devices, median CPU time\n\n%s",
        devices, reporter.markdown().c_str());
    return 0;
}
