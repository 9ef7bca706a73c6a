// What one fetch cycle did, and the one log line that says it.
//
// Mode and skipped count come from the plugin: the host does not interpret markers, except
// that, for this line only, it reads two optional well-known keys of the LAST marker of the
// cycle when the marker is a JSON object: "mode" (a string, e.g. "full" | "incremental") and
// "skipped" (a non-negative integer: records the plugin dropped, e.g. malformed devices).
// Plugins that want them in the summary put them there; the others show "-".
#pragma once

#include <asset_sdk/clock.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace asset_host::cycle {

struct CycleSummary {
    enum class Outcome { kOk, kFailed, kCancelled };

    std::string connector;
    Outcome outcome = Outcome::kOk;
    std::string error;                     // when failed: why (plugin and/or delivery), no secrets
    std::string mode = "-";                // from the last marker's "mode"
    std::optional<std::uint64_t> skipped;  // the last marker's "skipped" + records the host
                                           // refused (not JSON objects)
    std::uint64_t records_fetched = 0;     // emitted by the plugin and accepted
    std::uint64_t records_sent = 0;        // acknowledged by the destination
    std::uint64_t batches = 0;             // acknowledged batches
    std::uint64_t retries = 0;
    std::size_t max_queue_depth = 0;  // records held at once (bounded memory evidence)
    asset_sdk::Millis duration{0};
    bool checkpoint_saved = false;  // a new marker was persisted during this cycle

    bool ok() const { return outcome == Outcome::kOk; }
};

std::string_view outcome_name(CycleSummary::Outcome outcome);

// One line, key=value, e.g.
// cycle connector=okta-devices outcome=ok mode=incremental fetched=1200 sent=1200 batches=12
//   retries=0 skipped=0 duration=3.2s checkpoint=saved
// (error="..." appended when failed).
std::string format_summary(const CycleSummary& summary);

// Fills mode/skipped from a marker (see above); leaves them untouched when absent or not JSON.
void read_summary_hints(std::string_view marker_json, CycleSummary& summary);

}  // namespace asset_host::cycle
