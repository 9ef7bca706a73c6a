// The RecordSink of `fetch --output`: records as NDJSON (one JSON object per line) on a file
// descriptor, written while the plugin runs. Memory stays bounded: records go into one reused
// buffer that is written out when it reaches 64 KiB, at every checkpoint marker (so `-` shows
// results page by page), when half a second has passed since the last write, and at the end.
// Markers are counted, not written: a dry run persists nothing. Records pass the delivery
// path's check (delivery::RecordCheck: one JSON object, at most max_record_bytes): what a dry
// run shows is what delivery would send; the others are counted, not written.
#pragma once

#include "common/cancellation.h"
#include "common/record_sink.h"
#include "delivery/record_check.h"

#include <asset_sdk/status.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace asset_host {

class NdjsonSink final : public RecordSink {
public:
    // Does not own `fd`. The sink stops the cycle (kStop) once `cancel` is cancelled or a write
    // failed.
    NdjsonSink(int fd, CancelToken cancel, std::size_t flush_bytes = 64 * 1024,
               std::size_t max_record_bytes = delivery::kDefaultMaxRecordBytes);

    SinkResult record(std::string_view json) override;
    SinkResult checkpoint(std::string_view marker_json) override;
    // A failed write: AH_STOP_DELIVERY_FAILED; cancelled: AH_STOP_SHUTDOWN.
    ah_stop_reason stop_reason() const override;

    // Writes what is buffered. The error of the first failed write, if any.
    asset_sdk::Status finish();

    std::uint64_t records() const { return records_; }
    std::uint64_t checkpoints() const { return checkpoints_; }
    // Records refused by the check, and why the first one was ("record 3: not a JSON object").
    std::uint64_t refused() const { return refused_; }
    const std::string& first_refusal() const { return first_refusal_; }

private:
    bool flush();

    int fd_;
    CancelToken cancel_;
    std::size_t flush_bytes_;
    std::string buf_;
    std::string error_;
    std::uint64_t records_ = 0;
    std::uint64_t checkpoints_ = 0;
    delivery::RecordCheck check_;
    std::uint64_t refused_ = 0;
    std::string first_refusal_;
    std::chrono::steady_clock::time_point last_flush_;
};

}  // namespace asset_host
