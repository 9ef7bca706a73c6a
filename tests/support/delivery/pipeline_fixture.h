// The setup every DeliveryPipeline test shares: a ScriptedDestination, a PersistRecorder in
// place of the checkpoint store, a CancelSource, and the pipeline between them, built by
// start(). Use as TEST_CASE_FIXTURE(deliverytest::PipelineFixture, "...").
#pragma once

#include "delivery/pipeline.h"
#include "delivery_test_util.h"

#include <asset_sdk/clock.h>
#include <asset_sdk/status.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

namespace deliverytest {

// Stands in for the checkpoint store: checks, at the moment of each save, that every record
// the marker covers was acknowledged by the destination. Markers are {"next": n}: n records
// were emitted before them.
class PersistRecorder {
public:
    explicit PersistRecorder(const ScriptedDestination& dest) : dest_(dest) {}

    asset_sdk::Status save(std::string_view marker);
    asset_host::delivery::PersistFn fn() {
        return [this](std::string_view m) { return save(m); };
    }
    std::vector<std::uint64_t> saved() const;
    std::uint64_t last() const;           // 0 when nothing was saved
    int violations() const;               // saves ahead of the acknowledgements, or going backwards
    void fail_with(asset_sdk::Status s);  // every later save returns `s`

private:
    const ScriptedDestination& dest_;
    mutable std::mutex mu_;
    std::vector<std::uint64_t> saved_;
    int violations_ = 0;
    asset_sdk::Status fail_;
};

struct PipelineFixture {
    // Scripts the destination, then builds the pipeline on `clock` (the system clock unless a
    // test set one).
    asset_host::delivery::DeliveryPipeline& start(
        const asset_host::delivery::PipelineOptions& options,
        ScriptedDestination::Script script = {},
        int max_concurrency = ScriptedDestination::kUnbounded);
    // Destroys the pipeline, finished or not (an unfinished one must abort its deliveries).
    void destroy_pipeline() { pipeline_.reset(); }

    ScriptedDestination dest;
    PersistRecorder persist{dest};
    asset_host::CancelSource cancel;
    asset_sdk::Clock* clock = nullptr;  // nullptr: the system clock

private:
    std::optional<asset_host::delivery::DeliveryPipeline> pipeline_;  // last: destroyed first
};

}  // namespace deliverytest
