// asset-host replay NAME|FILE NDJSON: re-sends records through the connector's destination,
// e.g. its dead-letter file once the cause of the refusals is fixed. A dead-letter line
// ({"time", "connector", "status", "reason", "record"}) is unwrapped to its record; any other
// line is a record itself. Records pass the same check as in a cycle (one JSON object, at most
// max_record_bytes) and the same bisection: what is refused again is listed, never written
// anywhere. The checkpoint is never touched; the plugin is not run.
#include "cli/commands.h"
#include "cli/connector_setup.h"
#include "common/cancellation.h"
#include "common/console.h"
#include "common/exit_codes.h"
#include "common/logging.h"
#include "common/paths.h"
#include "delivery/bisecting_delivery.h"
#include "delivery/destination_factory.h"
#include "delivery/record_check.h"

#include <asset_sdk/text.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <mutex>

namespace asset_host {

namespace {

// SIGINT/SIGTERM stop a replay between requests.
bool shutdown_requested() {
    return shutdown_source().cancelled();
}

struct ReplayCounts {
    std::uint64_t read = 0;
    std::uint64_t delivered = 0;
    std::uint64_t refused = 0;   // by the record check or the destination
    std::uint64_t not_sent = 0;  // a failed batch, an excerpt-only line
};

// Refusals during a replay are reported, not kept: the file being replayed still holds them.
class PrintingRejects final : public delivery::RejectSink {
public:
    asset_sdk::Status reject(const delivery::Rejection& r) override {
        std::lock_guard lock(mu_);
        print_error("asset-host: replay: refused again (HTTP " + std::to_string(r.status) +
                    "): " + std::string(r.reason) + ": " + asset_sdk::one_line(r.record, 120));
        return asset_sdk::Status::ok();
    }

private:
    std::mutex mu_;
};

// The record a line carries: a dead-letter entry's "record", or the line itself. Empty when
// there is nothing to send (an excerpt-only entry, an unparsable line).
std::string record_of(const std::string& line) {
    // ordered_json: the record is sent with its keys in the order they were kept.
    const auto doc = nlohmann::ordered_json::parse(line, nullptr, false);
    const bool dead_letter =
        doc.is_object() && doc.contains("record") && doc.contains("reason") && doc.contains("time");
    if (!dead_letter) return line;
    if (!doc["record"].is_object()) return {};
    return doc["record"].dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

void send_batch(delivery::BisectingDelivery& bisect, delivery::Batch& batch, ReplayCounts& counts) {
    if (batch.empty()) return;
    const auto result = bisect.deliver(batch, [] { return shutdown_requested(); });
    counts.delivered += result.delivered;
    counts.refused += result.rejected;
    if (!result.status.is_ok()) {
        counts.not_sent += batch.size() - result.delivered - result.rejected;
        print_error("asset-host: replay: a batch of " + std::to_string(batch.size()) +
                    " records was not delivered: " + result.status.message());
    }
    batch.clear();
}

// Reads `file` and delivers its records in batches of the manifest's batch_size.
bool replay_file(const std::filesystem::path& file, const Manifest& manifest,
                 delivery::Destination& destination, ReplayCounts& counts) {
    std::ifstream in(file);
    if (!in) {
        print_error("asset-host: replay: cannot read " + display_path(file) + ": " +
                    errno_message(errno));
        return false;
    }
    PrintingRejects rejects;
    delivery::BisectingDelivery bisect(destination, &rejects, manifest.destination.batch_size,
                                       connector_logger(manifest.name),
                                       /*all_refused_fails=*/false);
    delivery::RecordCheck check(manifest.destination.max_record_bytes);
    delivery::Batch batch;
    std::uint64_t line_number = 0;
    for (std::string line; std::getline(in, line) && !shutdown_requested();) {
        ++line_number;
        if (asset_sdk::trim(line).empty()) continue;
        ++counts.read;
        const std::string record = record_of(line);
        if (record.empty()) {
            ++counts.not_sent;
            print_error("asset-host: replay: line " + std::to_string(line_number) +
                        ": the record was not kept (too large), nothing to send");
            continue;
        }
        if (auto problem = check.problem(record)) {
            ++counts.refused;
            print_error("asset-host: replay: line " + std::to_string(line_number) + ": " +
                        problem->reason);
            continue;
        }
        batch.append(record);
        if (batch.size() >= static_cast<std::size_t>(bisect.current_batch_limit())) {
            send_batch(bisect, batch, counts);
        }
    }
    send_batch(bisect, batch, counts);
    return true;
}

}  // namespace

int cmd_replay(const GlobalOptions& g, const ReplayArgs& args) {
    int exit_code = kExitOk;
    const auto lock = lock_state_dir(g, exit_code);
    if (!lock) return exit_code;
    auto connector = prepare_connector(g, args.target, exit_code);
    if (!connector) return exit_code;
    const Manifest& manifest = connector->manifest;
    auto destination = delivery::make_destination(
        manifest.destination, asset_sdk::SystemClock::instance(), connector_logger(manifest.name));
    if (!destination) {
        print_error("asset-host: " + destination.status().message());
        return kExitUsage;
    }
    ReplayCounts counts;
    if (!replay_file(args.file, manifest, **destination, counts)) return kExitFailure;
    print_out("replay " + manifest.name + ": " + std::to_string(counts.read) + " records read, " +
              std::to_string(counts.delivered) + " delivered, " + std::to_string(counts.refused) +
              " refused, " + std::to_string(counts.not_sent) + " not sent" +
              (shutdown_requested() ? " (interrupted)" : ""));
    const bool all = counts.delivered == counts.read && !shutdown_requested();
    return all ? kExitOk : kExitFailure;
}

}  // namespace asset_host
