// asset-host status [NAME] [--json]: what each connector last did, from the state directory
// alone (the last-cycle records `run` writes, the checkpoints), whether or not the daemon runs.
// Read-only: it takes no lock and needs no secret (manifests are read as YAML, references left
// unresolved), so it works beside a running daemon and on a host without the secrets.
#include "cli/commands.h"
#include "common/console.h"
#include "common/exit_codes.h"
#include "common/paths.h"
#include "config/manifest_finder.h"
#include "config/yaml_json.h"
#include "state/checkpoint_store.h"
#include "state/cycle_record_store.h"

#include <asset_sdk/time_util.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

namespace asset_host {

namespace {

using ordered_json = nlohmann::ordered_json;

struct ConnectorStatus {
    std::string name;
    std::string plugin;
    bool enabled = true;
    std::string every = "20m";  // the manifest's schedule.every (the host's default)
    std::optional<CycleRecord> last;
    std::optional<double> checkpoint_age_s;
    std::string problem;  // a state file that cannot be read
};

// What the manifest says, read without validation or secrets; nullopt when it has no name.
std::optional<ConnectorStatus> from_manifest(const std::filesystem::path& file) {
    auto doc = load_yaml_file(file);
    if (!doc || !doc->is_object() || !(*doc)["name"].is_string()) return std::nullopt;
    ConnectorStatus s;
    s.name = (*doc)["name"].get<std::string>();
    if ((*doc)["plugin"].is_string()) s.plugin = (*doc)["plugin"].get<std::string>();
    if ((*doc)["enabled"].is_boolean()) s.enabled = (*doc)["enabled"].get<bool>();
    const nlohmann::json& schedule = (*doc)["schedule"];
    if (schedule.is_object() && schedule.contains("every") && schedule["every"].is_string()) {
        s.every = schedule["every"].get<std::string>();
    }
    return s;
}

void add_state(const GlobalOptions& g, ConnectorStatus& s) {
    auto record = CycleRecordStore(g.state_dir).load(s.name);
    if (record) {
        s.last = *record;
    } else {
        s.problem = record.status().message();
    }
    auto checkpoint = CheckpointStore(g.state_dir).load(s.name);
    if (checkpoint && checkpoint->has_value()) {
        if (auto t = asset_sdk::parse_iso8601((*checkpoint)->updated_at)) {
            s.checkpoint_age_s =
                std::chrono::duration<double>(std::chrono::system_clock::now() - *t).count();
        }
    } else if (!checkpoint) {
        s.problem = checkpoint.status().message();
    }
}

ordered_json or_null(const std::string& text) {
    return text.empty() ? ordered_json(nullptr) : ordered_json(text);
}

ordered_json to_json(const ConnectorStatus& s) {
    ordered_json out = {{"connector", s.name},
                        {"plugin", s.plugin},
                        {"enabled", s.enabled},
                        {"schedule", {{"every", s.every}}}};
    if (s.last) {
        const CycleRecord& r = *s.last;
        out["last_cycle"] = {{"started_at", r.started_at},
                             {"duration_s", r.duration_s},
                             {"outcome", r.outcome},
                             {"mode", r.mode},
                             {"records_delivered", r.records_delivered},
                             {"records_rejected", r.records_rejected},
                             {"error", or_null(r.error)}};
        out["last_success_at"] = or_null(r.last_success_at);
        out["next_due_at"] = or_null(r.next_due_at);
    } else {
        out["last_cycle"] = nullptr;
        out["last_success_at"] = nullptr;
        out["next_due_at"] = nullptr;
    }
    out["checkpoint_age_s"] =
        s.checkpoint_age_s ? ordered_json(std::round(*s.checkpoint_age_s)) : ordered_json(nullptr);
    out["problem"] = or_null(s.problem);
    return out;
}

std::string age_text(double seconds) {
    const auto whole = static_cast<std::int64_t>(std::round(std::max(0.0, seconds)));
    return asset_sdk::format_duration(std::chrono::seconds(whole)) + " ago";
}

void print_text(const ConnectorStatus& s) {
    print_out(s.name + " (" + (s.plugin.empty() ? "?" : s.plugin) +
              "): " + (s.enabled ? "enabled" : "disabled") + ", every " + s.every);
    if (!s.last) {
        print_out("  last cycle:   none recorded");
    } else {
        const CycleRecord& r = *s.last;
        print_out("  last cycle:   " + r.outcome + ", mode " + r.mode + ", started " +
                  r.started_at + ", took " +
                  asset_sdk::format_duration(
                      asset_sdk::Millis(static_cast<std::int64_t>(r.duration_s * 1000)),
                      asset_sdk::DurationPrecision::kTenths) +
                  ", " + std::to_string(r.records_delivered) + " delivered, " +
                  std::to_string(r.records_rejected) + " rejected");
        if (!r.error.empty()) print_out("  error:        " + r.error);
        print_out("  last success: " + (r.last_success_at.empty() ? "never" : r.last_success_at));
        print_out("  next due:     " + (r.next_due_at.empty() ? "unknown" : r.next_due_at));
    }
    print_out("  checkpoint:   " +
              (s.checkpoint_age_s ? "saved " + age_text(*s.checkpoint_age_s) : "none"));
    if (!s.problem.empty()) print_out("  problem:      " + s.problem);
}

// The manifests to report on: the one NAME|FILE names, or every manifest. nullopt: error
// printed.
std::optional<std::vector<std::filesystem::path>> manifests_for(const GlobalOptions& g,
                                                                const StatusArgs& args) {
    if (args.target) {
        auto file = find_manifest(*args.target, g.manifests_dir);
        if (!file) {
            print_error("asset-host: " + file.status().message());
            return std::nullopt;
        }
        return std::vector<std::filesystem::path>{*file};
    }
    auto files = list_manifest_files(g.manifests_dir);
    if (!files) {
        print_error("asset-host: " + files.status().message());
        return std::nullopt;
    }
    return *files;
}

}  // namespace

int cmd_status(const GlobalOptions& g, const StatusArgs& args) {
    const auto files = manifests_for(g, args);
    if (!files) return kExitUsage;
    std::vector<ConnectorStatus> connectors;
    for (const auto& file : *files) {
        auto s = from_manifest(file);
        if (!s) {
            print_error("warning: " + display_path(file) +
                        ": no connector name could be read; left out (asset-host validate "
                        "says why)");
            continue;
        }
        add_state(g, *s);
        connectors.push_back(std::move(*s));
    }
    if (args.json) {
        ordered_json out = ordered_json::array();
        for (const auto& s : connectors) out.push_back(to_json(s));
        print_out(out.dump(2, ' ', false, ordered_json::error_handler_t::replace));
        return kExitOk;
    }
    for (const auto& s : connectors) print_text(s);
    return kExitOk;
}

}  // namespace asset_host
