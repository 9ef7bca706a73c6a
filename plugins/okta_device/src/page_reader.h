// One page of GET /api/v1/devices (a JSON array) → records, streamed: simdjson On-Demand walks
// the response buffer in place (no DOM of the page), each device is mapped and handed to `emit`
// before the next one is read, and the record buffer is reused. Memory is bounded by one page.
//
// Failure model:
//  - a bad DEVICE (not an object, no id, no displayName) is skipped and reported to `on_skip`;
//    the page goes on;
//  - a broken PAGE (not JSON, not an array, structurally broken mid-way, trailing garbage)
//    returns a protocol error. With On-Demand, devices before the break may already have been
//    emitted; the caller retries the page and passes `retry = true`, and the reader then skips
//    the devices it already emitted from this page (it keeps 64-bit hashes of their ids), so a
//    retried page adds no duplicates within the cycle. No checkpoint covers a page until it has
//    been read completely, so a page that stays broken is re-read by the next cycle
//    (at-least-once), never skipped.
#pragma once

#include "device_mapper.h"

#include <asset_sdk/clock.h>
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
    simdjson::ondemand::parser parser_;
    DeviceMapper mapper_;
    std::string record_;
    std::vector<std::uint64_t> emitted_;  // id hashes emitted from the current page
};

}  // namespace okta_device
