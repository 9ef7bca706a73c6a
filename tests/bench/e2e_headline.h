// The headline of the end-to-end benchmark (issue 14's deliverable): for one size (100,000
// devices by default), in each isolation mode side by side —
//   - CPU per device of the whole sync (host + worker, from wait4), median of the runs;
//   - the same split by pipeline stage, from a `perf record` of one more run (stage_profile.h):
//     each stage's share of the profile's samples times the median CPU per device;
//   - peak RSS (the larger of host and worker);
//   - wall time with no added latency, and with the latency added to every Okta page AND every
//     Sekoia POST, against the pure Okta wait (Okta requests x latency: the pages are
//     sequential, so no sync can be faster).
#pragma once

#include "e2e_run.h"

#include <filesystem>
#include <string>
#include <vector>

namespace bench {

struct HeadlineOptions {
    int devices = 100000;
    int repeat = 3;
    int batch_size = 100;
    int max_in_flight = 4;
    int latency_ms = 50;
    std::string expand = "userSummary";
    std::vector<std::string> isolation{"process", "thread"};
    bool profile = true;  // the per-stage split (needs perf)
    Binaries binaries;
};

// Prints the Markdown table on stdout (progress on stderr). Throws std::runtime_error when a
// run fails.
void run_headline(const HeadlineOptions& options, const std::filesystem::path& work);

}  // namespace bench
