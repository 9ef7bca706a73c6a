// One page of GET /api/v1/devices (a JSON array) → records, streamed: simdjson On-Demand walks
// the response buffer in place (no DOM of the page), each device is mapped and handed to `emit`
// before the next one is read, and the record buffer is reused. Memory is bounded by one page.
//
// Failure model:
//  - a bad DEVICE (not an object, no usable id or displayName) is skipped and reported to
//    `on_skip` with the reason naming the field; the page goes on;
//  - an UNDECODABLE page — complete (brackets and strings balance, nothing after the array) but
//    refused by simdjson for a string it cannot decode: an escaped lone UTF-16 surrogate, raw
//    invalid UTF-8, a raw control character, an invalid escape — is repaired
//    (asset_sdk::repair_json_strings: U+FFFD, control characters escaped) and read again in the
//    same call; `stats.repairs` says what was repaired. Devices emitted before the bad string
//    was met are not emitted twice;
//  - a broken PAGE (not JSON, not an array, cut short, structurally broken mid-way, trailing
//    garbage, or still unreadable after the repair) returns a protocol error. With On-Demand,
//    devices before the break may already have been emitted; the caller retries the page and
//    passes `retry = true`, and the reader then skips the devices it already emitted from this
//    page (it keeps 64-bit hashes of their ids), so a retried page adds no duplicates within the
//    cycle. No checkpoint covers a page until it has been read completely, so a page that stays
//    broken is re-read by the next cycle (at-least-once), never skipped.
#pragma once

#include "device_mapper.h"

#include <asset_sdk/clock.h>
#include <asset_sdk/json_repair.h>
#include <asset_sdk/status.h>

#include <simdjson.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace okta_device {

struct PageStats {
    int devices = 0;          // records emitted from this page (this attempt)
    int already_emitted = 0;  // devices skipped on a retry because an earlier attempt sent them
    int skipped = 0;          // bad devices
    int tolerated = 0;        // fields dropped for a wrong type / bad timestamp
    int elements = 0;         // array elements seen
    std::optional<std::int64_t> max_last_updated_ms;  // over emitted devices
    asset_sdk::JsonRepairCounts repairs;              // undecodable text repaired (all 0: none)
};

class PageReader {
public:
    using EmitFn = std::function<bool(std::string_view record)>;  // false: stop the cycle
    // index: position in the page (0-based); id: "" when unknown.
    using SkipFn = std::function<void(int index, std::string_view id, std::string_view reason)>;

    explicit PageReader(TimeUnit time_unit = TimeUnit::kSeconds) : mapper_(time_unit) {}

    // `body` must keep simdjson's padding in its spare capacity (the sdk's HTTP client does);
    // it is grown when it does not.
    asset_sdk::Status read(std::string& body, asset_sdk::SystemTime collected_at, bool retry,
                           const EmitFn& emit, const SkipFn& on_skip, PageStats& stats);

private:
    // One walk over the page text. `dedup`: skip devices already emitted from this page.
    // Sets undecodable_ when simdjson refused a string or the text's encoding.
    asset_sdk::Status read_devices(std::string& text, asset_sdk::SystemTime collected_at,
                                   bool dedup, const EmitFn& emit, const SkipFn& on_skip,
                                   PageStats& stats);
    // One mapped device: emitted unless already sent. false when the host said stop.
    bool deliver(const MapOutcome& outcome, bool dedup, const EmitFn& emit, PageStats& stats);

    simdjson::ondemand::parser parser_;
    DeviceMapper mapper_;
    std::string record_;
    std::string repaired_;                // the repaired copy of an undecodable page
    std::vector<std::uint64_t> emitted_;  // id hashes emitted from the current page
    std::size_t attempt_start_ = 0;       // emitted_ entries of earlier attempts
    int next_skip_to_report_ = 0;         // a repaired page reports its skipped devices once
    bool undecodable_ = false;
};

}  // namespace okta_device
