#include "stage_profile.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace bench {

namespace {

enum Stage : std::size_t {
    kParseMap,
    kEscape,
    kRecordCheck,
    kBatchBuild,
    kSend,
    kOktaFetch,
    kHandOver,
    kOther,
    kNone  // the frame names no stage: look further up the stack
};

enum class Where { kAny, kPlugin, kHost };

struct Rule {
    const char* symbol;  // a substring of the demangled symbol
    Where where;
    Stage stage;
};

// The first rule that matches a frame names its stage; frames no rule names (helpers, shared
// libraries) take the stage of the nearest caller that has one.
constexpr Rule kRules[] = {
    // The plugin: JSON output, the HTTP client and paging (fetching is not mapping), and the
    // rest of it (the page reader, the mapper) is parse+map.
    {"asset_sdk::JsonWriter", Where::kPlugin, kEscape},
    {"asset_sdk::ocsf::", Where::kPlugin, kEscape},
    {"CurlClient", Where::kPlugin, kOktaFetch},
    {"asset_sdk::HttpClient", Where::kPlugin, kOktaFetch},
    {"okta_device::OktaClient", Where::kPlugin, kOktaFetch},
    {"okta_device::Pager", Where::kPlugin, kOktaFetch},
    {"okta_device::RateLimiter", Where::kPlugin, kOktaFetch},
    {"okta_device::OktaAuth", Where::kPlugin, kOktaFetch},
    {"DeviceSync::fetch_page", Where::kPlugin, kOktaFetch},
    {"okta_device::", Where::kPlugin, kParseMap},
    // The host's delivery pipeline.
    {"delivery::RecordCheck", Where::kHost, kRecordCheck},
    {"DeliveryPipeline::valid_record", Where::kHost, kRecordCheck},
    {"delivery::Batch::", Where::kHost, kBatchBuild},
    {"DeliveryPipeline::record", Where::kHost, kBatchBuild},
    {"DeliveryPipeline::cut_open", Where::kHost, kBatchBuild},
    {"build_body", Where::kHost, kBatchBuild},
    {"SekoiaDestination", Where::kHost, kSend},
    {"BisectingDelivery", Where::kHost, kSend},
    {"CurlClient", Where::kHost, kSend},
    {"asset_sdk::HttpClient", Where::kHost, kSend},
    {"DeliveryPipeline::worker_loop", Where::kHost, kSend},
    // From the plugin's emit() to the pipeline: the ABI trampoline, the worker's relay and
    // outbox, the frames, the host's session that reads them.
    {"asset_host::isolation::", Where::kHost, kHandOver},
    {"PluginInstance::Impl::emit", Where::kHost, kHandOver},
    {"PluginInstance::Impl::hand_on", Where::kHost, kHandOver},
    {"PluginInstance::Impl::checkpoint", Where::kHost, kHandOver},
};

struct Frame {
    std::string symbol;
    std::string dso;
};

Stage frame_stage(const Frame& f, const std::string& plugin_dso) {
    const bool in_plugin = f.dso.find(plugin_dso) != std::string::npos;
    const bool in_host = f.dso.find("asset-host") != std::string::npos;
    for (const Rule& r : kRules) {
        if ((r.where == Where::kPlugin && !in_plugin) || (r.where == Where::kHost && !in_host)) {
            continue;
        }
        if (f.symbol.find(r.symbol) != std::string::npos) return r.stage;
    }
    return kNone;
}

Stage sample_stage(const std::vector<Frame>& stack, const std::string& plugin_dso) {
    for (const Frame& f : stack) {  // leaf first
        if (const Stage s = frame_stage(f, plugin_dso); s != kNone) return s;
    }
    return kOther;
}

// "\t    7f3a2c1d4e5f asset_sdk::JsonWriter::key(...) (/path/libokta_device.so)"
Frame parse_frame(const std::string& line) {
    std::size_t at = line.find_first_not_of(" \t");
    at = line.find(' ', at);  // past the address
    Frame f;
    if (at == std::string::npos) return f;
    const std::size_t open = line.rfind(" (");
    if (open != std::string::npos && open > at) {
        f.symbol = line.substr(at + 1, open - at - 1);
        f.dso = line.substr(open + 2, line.size() - open - 3);
    } else {
        f.symbol = line.substr(at + 1);
    }
    return f;
}

struct SampleHeader {
    long pid = 0;
    double period = 1;
};

// "asset-host  4242/4243  250000:" or "4242/4243 250000": pid/tid, the period last.
SampleHeader parse_header(const std::string& header) {
    std::istringstream in(header);
    SampleHeader h;
    for (std::string token; in >> token;) {
        if (!token.empty() && token.back() == ':') token.pop_back();
        if (const std::size_t slash = token.find('/'); slash != std::string::npos) {
            h.pid = std::strtol(token.c_str(), nullptr, 10);
            continue;
        }
        char* end = nullptr;
        const double v = std::strtod(token.c_str(), &end);
        if (!token.empty() && end == token.c_str() + token.size()) h.period = v;
    }
    return h;
}

std::string leaf_name(const std::vector<Frame>& stack, bool in_worker) {
    for (const Frame& f : stack) {
        if (f.dso.find("kernel") != std::string::npos) continue;
        const std::size_t slash = f.dso.rfind('/');
        return (in_worker ? "worker: " : "host: ") + f.symbol.substr(0, 60) + " (" +
               f.dso.substr(slash == std::string::npos ? 0 : slash + 1) + ")";
    }
    return in_worker ? "worker: kernel" : "host: kernel";
}

}  // namespace

StageProfile classify_perf_script(std::istream& in, const std::string& plugin_dso) {
    StageProfile p;
    p.weight.assign(stage_names().size(), 0);
    std::vector<Frame> stack;
    SampleHeader sample;
    long host_pid = 0;  // perf starts asset-host first: its first sample is the host's
    bool in_sample = false;
    auto flush = [&] {
        if (!in_sample) return;
        if (host_pid == 0) host_pid = sample.pid;
        const bool in_worker = sample.pid != host_pid;
        const Stage stage = sample_stage(stack, plugin_dso);
        p.weight[stage] += sample.period;
        if (stage == kOther) p.other_leaves[leaf_name(stack, in_worker)] += sample.period;
        p.total += sample.period;
        ++p.samples;
        stack.clear();
        in_sample = false;
    };
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) {
            flush();
        } else if (line[0] == '\t') {  // a frame; a sample's header starts otherwise
            if (in_sample) stack.push_back(parse_frame(line));
        } else {
            flush();
            sample = parse_header(line);
            in_sample = true;
        }
    }
    flush();
    return p;
}

bool perf_available() {
    return std::system(
               "setarch -R perf record -q -o /dev/null -e cpu-clock -- true >/dev/null 2>&1") == 0;
}

namespace {

// The runner execs without a PATH search.
std::string find_program(const std::string& name) {
    std::istringstream path(std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin");
    for (std::string dir; std::getline(path, dir, ':');) {
        if (!dir.empty() && ::access((dir + "/" + name).c_str(), X_OK) == 0)
            return dir + "/" + name;
    }
    return name;
}

}  // namespace

std::vector<std::string> perf_record_prefix(const std::filesystem::path& data_file) {
    // setarch -R (no address space randomisation): perf gives a child started with
    // posix_spawn (CLONE_VM, as the host starts its workers) its parent's address map until
    // the exec, and with randomised addresses the worker's stacks then do not unwind past a
    // frame or two; with the same addresses in both they do. cpu-clock: a software event, so it
    // works in VMs without hardware counters. DWARF stacks: the binaries have no frame pointers,
    // and libcurl/libc's frames must be walked through.
    return {find_program("setarch"),
            "-R",
            find_program("perf"),
            "record",
            "-q",
            "-e",
            "cpu-clock",
            "-F",
            "2000",
            "--call-graph",
            "dwarf,16384",
            "-o",
            data_file.string(),
            "--"};
}

StageProfile stage_profile(const std::filesystem::path& data_file, const std::string& plugin_dso) {
    const std::string command = "perf script -i '" + data_file.string() +
                                "' -F pid,tid,period,ip,sym,dso --no-inline 2>/dev/null";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
    if (!pipe) throw std::runtime_error("cannot run " + command);
    std::string text;
    char buf[1 << 16];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe.get())) > 0;) text.append(buf, n);
    std::istringstream in(text);
    StageProfile p = classify_perf_script(in, plugin_dso);
    if (p.samples == 0) throw std::runtime_error("no samples in " + data_file.string());
    return p;
}

}  // namespace bench
