// Where the CPU of one `asset-host run --once` goes, stage by stage: the run is recorded with
// `perf record --call-graph dwarf` (the host and its worker process: perf follows children),
// then every sample is given to one stage by its call stack. The normal build carries no
// instrumentation: the profile is taken from outside, from the same binaries.
//
// A sample belongs to the stage of the innermost frame on its stack that names one (walking
// from the leaf towards main); frames of shared code — libc, libcurl, zlib, simdjson, the
// kernel — name none, so their time goes to whoever called them (a send() under the outbox is
// the isolation hop, a send() under libcurl under the Sekoia destination is "send"). The rules
// are in stage_profile.cpp, in one table.
//
// Stages: the five (parse+map, escape/serialise, record check, batch build, send), and
// what else a sync costs: the Okta HTTP fetch, the hand-over from the plugin to the host (the
// ABI emit in thread mode; relay, frames and the socketpair in process mode), and the rest
// (start-up, plugin loading, logging, checkpoints, idle waits).
#pragma once

#include <cstdint>
#include <filesystem>
#include <istream>
#include <map>
#include <string>
#include <vector>

namespace bench {

inline const std::vector<std::string>& stage_names() {
    static const std::vector<std::string> names{
        "parse+map", "escape/serialise", "record check", "batch build",
        "send",      "Okta fetch",       "hand-over",    "other"};
    return names;
}

struct StageProfile {
    std::vector<double> weight;  // per stage (stage_names() order): summed sample periods
    double total = 0;
    std::int64_t samples = 0;
    // "other": the innermost user-space frame of its samples ("symbol (library)") -> weight,
    // to see what the rules miss.
    std::map<std::string, double> other_leaves;
    double share(std::size_t stage) const { return total > 0 ? weight[stage] / total : 0; }
};

// Reads `perf script -F pid,tid,period,ip,sym,dso` output. `plugin_dso` is a substring of the
// plugin library's path (frames of the plugin that no rule names are parse+map).
StageProfile classify_perf_script(std::istream& in, const std::string& plugin_dso);

// Whether `perf record` works here (installed, and allowed by perf_event_paranoid).
bool perf_available();

// The command prefix that records a run into `data_file`.
std::vector<std::string> perf_record_prefix(const std::filesystem::path& data_file);

// Runs `perf script` on `data_file` and classifies it. Throws std::runtime_error on failure.
StageProfile stage_profile(const std::filesystem::path& data_file, const std::string& plugin_dso);

}  // namespace bench
