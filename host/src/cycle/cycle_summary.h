// What one fetch cycle did, and the one log line that says it.
//
// Mode and skipped count come from the plugin, through the well-known statistics of
// plugin_abi.h (cycle_mode{mode=...} and records_skipped_total, ABI 1.1). A plugin of ABI 1.0
// has no statistics: for it alone, the host reads two optional keys of the LAST marker of the
// cycle when the marker is a JSON object: "mode" (a string, e.g. "full" | "incremental") and
// "skipped" (a non-negative integer: records the plugin dropped, e.g. malformed devices).
// A plugin that reports neither shows "-".
#pragma once

#include "plugin/plugin_statistics.h"

#include <asset_sdk/clock.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace asset_host::cycle {

struct CycleSummary {
    // partial: the cycle completed, but the destination refused some records (or they were
    // too large); they are in the dead-letter file and the checkpoint moved past them.
    enum class Outcome { kOk, kPartial, kFailed, kCancelled };

    std::string connector;
    Outcome outcome = Outcome::kOk;
    std::string error;                     // when failed: why (plugin and/or delivery), no secrets
    std::string mode = "-";                // the plugin's cycle mode (see above)
    std::optional<std::uint64_t> skipped;  // records the plugin skipped + records the host
                                           // refused and did not keep (not JSON objects)
    std::uint64_t records_fetched = 0;     // emitted by the plugin and accepted
    std::uint64_t records_sent = 0;        // acknowledged by the destination
    std::uint64_t records_rejected = 0;    // refused by the destination or too large:
                                           // dead-lettered, not delivered
    std::uint64_t batches = 0;             // acknowledged batches
    std::uint64_t batches_failed = 0;      // refused, out of retries, or aborted
    std::uint64_t retries = 0;
    std::size_t max_queue_depth = 0;  // records held at once (bounded memory evidence)
    asset_sdk::Millis duration{0};
    bool checkpoint_saved = false;  // a new marker was persisted during this cycle

    // ok or partial: the cycle completed (exit 0, the failure streak ends).
    bool ok() const { return outcome == Outcome::kOk || outcome == Outcome::kPartial; }
};

std::string_view outcome_name(CycleSummary::Outcome outcome);
// The outcome in the words of metrics, events and `status`:
// success | partial | failed | cancelled.
std::string_view outcome_word(CycleSummary::Outcome outcome);

// One line, key=value, e.g.
// cycle connector=okta-devices outcome=ok mode=incremental fetched=1200 sent=1200 batches=12
//   retries=0 skipped=0 rejected=0 duration=3.2s checkpoint=saved
// (error="..." appended when failed).
std::string format_summary(const CycleSummary& summary);

// Fills mode/skipped from what the plugin reported; leaves them untouched when it reported
// nothing. A mode that is not a plain word ([A-Za-z0-9_-], at most 32 bytes) is ignored.
void apply_hints(const CycleHints& hints, CycleSummary& summary);

// The same from an ABI 1.0 plugin's marker (see above); nothing when the keys are absent or the
// marker is not a JSON object.
void read_summary_hints(std::string_view marker_json, CycleSummary& summary);

}  // namespace asset_host::cycle
