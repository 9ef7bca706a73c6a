// A plugin in a function object, for running cycles in process: it behaves like the example
// plugin (devices numbered 1..total as device_record()s, a {"next": n, "mode", "skipped": 2}
// marker every `marker_every` records and at the end, resuming after the stored marker's
// "next") and can fail or cancel on demand.
#pragma once

#include "common/cancellation.h"
#include "common/record_sink.h"
#include "plugin/connector_plugin.h"

#include <cstdint>
#include <optional>
#include <string>

namespace deliverytest {

struct FakePlugin {
    std::uint64_t total = 1000;
    std::uint64_t marker_every = 50;
    std::uint64_t fail_after = 0;    // return an error after this many records (0: never)
    std::uint64_t cancel_after = 0;  // cancel `to_cancel` after this many records
    asset_host::CancelSource* to_cancel = nullptr;
    std::optional<std::string> seen_checkpoint;  // what the last fetch was given
    bool seen_full = false;

    asset_host::FetchResult operator()(asset_host::RecordSink& sink,
                                       const std::optional<std::string>& checkpoint, bool full);
};

}  // namespace deliverytest
