// The checkpoint marker this plugin hands to the host after every page, and the decision it
// drives at the start of the next cycle: full or incremental, fresh or resumed.
//
// Incremental correctness (README "Incremental sync"): Okta pages are ordered by id, not by
// lastUpdated, and the search index is eventually consistent. A device updated while a sync
// runs, on a page already passed, must be seen by a later cycle. So the next lower bound is
//     min(highest lastUpdated emitted so far, start of the sync as the SERVER saw it) − overlap
// and both values are stored. Duplicates across cycles are acceptable (at-least-once); losses
// are not.
//
// Marker (JSON, opaque to the host; never contains the token):
//   {"v":1, "org":"https://acme.okta.com", "mode":"full"|"incremental",
//    "state":"in_progress"|"complete",
//    "resume":"/api/v1/devices?after=…&limit=200&…",   (in_progress: the next page to fetch)
//    "sync_started":"<ISO-8601, server time of the sync's first response>",
//    "watermark":"<ISO-8601, highest lastUpdated emitted, monotone across cycles>",
//    "lower_bound":"<ISO-8601, incremental only: the search's lower bound>",
//    "last_full_sync_completed":"<ISO-8601, local time>",
//    "statuses":"ACTIVE,SUSPENDED",   (only with a `statuses` filter: the one this sync used)
//    "skipped":<devices skipped as invalid in this cycle so far>}
// "skipped" is informational and never read back. (The host's cycle summary gets the mode and
// the skipped count as statistics, device_sync.cpp; it does not read markers.)
#pragma once

#include "config.h"

#include <asset_sdk/clock.h>
#include <asset_sdk/status.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace okta_device {

enum class SyncMode { kFull, kIncremental };
const char* mode_name(SyncMode mode);

struct Marker {
    static constexpr int kVersion = 1;
    std::string org;  // config base_url the marker belongs to
    SyncMode mode = SyncMode::kFull;
    bool complete = false;
    std::string resume;  // path?query of the next page; in-progress markers only
    std::optional<std::int64_t> sync_started_ms;
    std::optional<std::int64_t> watermark_ms;
    std::optional<std::int64_t> lower_bound_ms;
    std::optional<std::int64_t> last_full_sync_completed_ms;
    std::string statuses;                 // the sync's status filter, comma-joined; "" = all
    std::optional<std::int64_t> skipped;  // informational; not parsed back
};

std::string serialize_marker(const Marker& marker);
// Errors for anything but a version-1 marker of the expected shape.
asset_sdk::Result<Marker> parse_marker(std::string_view json);

struct SyncPlan {
    SyncMode mode = SyncMode::kFull;
    bool resume = false;                         // continue an interrupted sync at `resume_url`
    std::string resume_url;                      // path?query
    std::optional<std::int64_t> lower_bound_ms;  // incremental: lastUpdated gt this
    // Carried from the marker: the start of the sync being resumed, the monotone watermark,
    // and when the last full sync completed.
    std::optional<std::int64_t> sync_started_ms;
    std::optional<std::int64_t> watermark_ms;
    std::optional<std::int64_t> last_full_sync_completed_ms;
    std::string reason;                 // why this mode, for the log
    std::vector<std::string> warnings;  // e.g. an unreadable checkpoint
};

// Decides the cycle. `now` is the local wall clock (full_sync_every is measured with it).
SyncPlan plan_sync(std::optional<std::string_view> marker_json, bool force_full,
                   const OktaConfig& config, asset_sdk::SystemTime now);

// Okta's SCIM filter of a sync ("" for none): the incremental term
// `lastUpdated gt "2024-12-23T00:00:00.000Z"` and the status filter `status eq "ACTIVE"` (several
// statuses OR-ed in parentheses), joined with `and`.
std::string device_search(const std::vector<std::string>& statuses,
                          std::optional<std::int64_t> lower_bound_ms);

// The config's status filter as markers store it: "ACTIVE,SUSPENDED"; "" for every status.
std::string statuses_key(const std::vector<std::string>& statuses);

// The lower bound the NEXT incremental sync uses after a sync with these values:
// min(watermark, sync_started) − overlap. nullopt when neither is known.
std::optional<std::int64_t> next_lower_bound(std::optional<std::int64_t> watermark_ms,
                                             std::optional<std::int64_t> sync_started_ms,
                                             asset_sdk::Millis overlap);

}  // namespace okta_device
