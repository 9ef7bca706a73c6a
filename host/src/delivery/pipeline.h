// The delivery pipeline of one fetch cycle: nothing lost (a checkpoint marker is saved only once
// every record emitted before it is acknowledged) and bounded memory (back-pressure on the
// plugin). host/src/delivery/README.md has the picture and the rules.
//
//   plugin thread: record() ──► open batch ──► ready queue ──► up to K workers ──► destination
//                  checkpoint() ──► markers, each tagged "covers records 1..n"
//   acks ──► highest contiguous acknowledged record ──► persist the latest marker it covers
//            (at most once per min_save_interval; the newest covered marker wins)
//
// - Records are numbered 1, 2, 3, ... in emission order; a marker received after record n
//   covers 1..n. Markers never cut a batch.
// - Batches are cut at batch_size records (or max_batch_bytes), or when the open batch has
//   waited `linger` (a slow source still makes progress), or at the end of the cycle.
// - Up to K = min(max_in_flight, destination.max_concurrency()) batches are delivered at once;
//   acknowledgements may arrive in any order but are applied in emission order: a marker is
//   persisted only when every record before it is acknowledged.
// - Bounded memory: at most batch_size × (K + 2) records (open batch + one ready batch + K in
//   flight) and max_buffered_bytes bytes are held; record() blocks when full (back-pressure).
// - Saves are coalesced: a covered marker is saved at once when the last save is at least
//   min_save_interval old, else held until then (a newer covered marker replaces it), and
//   always at the end of the cycle (finish()), on cancellation and after a failure. Each save
//   is a write + two fsyncs; a crash resends at most what was acknowledged within the last
//   interval, and nothing past the first unacknowledged record is ever saved.
// - A failed batch stops intake (record() returns kStop), aborts batches emitted after it,
//   lets earlier ones finish, and nothing past the first unacknowledged record is persisted.
// - Cancellation (the cycle's CancelToken, i.e. SIGTERM): intake stops, the open batch is
//   dropped, batches already cut are delivered until the grace period runs out, then aborted.
// - A record that is not a JSON object is refused (counted, logged without its content): one
//   bad record must not make Sekoia reject its whole batch cycle after cycle. A record over
//   max_record_bytes is dead-lettered (excerpt only) and counted as rejected.
// - A batch the destination refuses for its content is bisected (BisectingDelivery): the
//   records it refuses go to the dead-letter sink, the others are delivered; the batch then
//   counts as acknowledged (every record is delivered or kept), so the checkpoint moves past
//   the refused records only once everything before them is settled. A dead-letter write that
//   fails fails the batch: a record is never silently dropped.
#pragma once

#include "common/cancellation.h"
#include "common/record_sink.h"
#include "delivery/batch.h"
#include "delivery/bisecting_delivery.h"
#include "delivery/dead_letter.h"
#include "delivery/destination.h"
#include "delivery/record_check.h"

#include <asset_sdk/clock.h>
#include <asset_sdk/status.h>

#include <simdjson.h>
#include <spdlog/logger.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace asset_host::delivery {

struct PipelineOptions {
    int batch_size = 100;
    int max_in_flight = 4;
    std::size_t max_batch_bytes = 8u << 20;      // a batch is cut early once this big
    std::size_t max_buffered_bytes = 64u << 20;  // record() blocks beyond (one record always fits)
    asset_sdk::Millis linger{1'000};             // a partial batch older than this is sent
    asset_sdk::Millis grace_period{10'000};      // after cancellation, for batches already cut
    // Checkpoint saves at most this often (0: every covered marker at once). Measured on the
    // injected clock.
    asset_sdk::Millis min_save_interval{250};
    std::size_t max_record_bytes = kDefaultMaxRecordBytes;  // larger records are dead-lettered
    // Where refused records go (the connector's dead-letter file). nullptr: a refusal fails the
    // batch (no bisection) and an oversized record is only counted.
    RejectSink* rejects = nullptr;
    // The marker already stored (the one the cycle started from): saving the same text again
    // would change nothing, so it is skipped (idle cycles do not rewrite the state file).
    std::optional<std::string> stored_marker;
    std::shared_ptr<spdlog::logger> log;  // nullptr: the host's logger
};

// Saves a checkpoint marker. Called with markers in emission order, never concurrently.
using PersistFn = std::function<asset_sdk::Status(std::string_view marker_json)>;

struct PipelineStats {
    std::uint64_t records_received = 0;       // accepted into the pipeline
    std::uint64_t records_invalid = 0;        // refused from the plugin and not kept (not a JSON
                                              // object; too large without a reject sink)
    std::uint64_t records_dead_lettered = 0;  // refused by the destination or too large: kept
    std::uint64_t records_acked = 0;          // acknowledged by the destination (any order)
    std::uint64_t batches_acked = 0;
    std::uint64_t batches_failed = 0;  // refused, out of retries, or aborted
    std::uint64_t retries = 0;
    std::uint64_t acked_prefix = 0;  // every record 1..acked_prefix is acknowledged
    std::uint64_t checkpoints_saved = 0;
    std::uint64_t saved_covers = 0;  // the last saved marker covers records 1..saved_covers
    std::size_t max_buffered_records = 0;
    std::size_t max_buffered_bytes = 0;
    std::size_t record_capacity = 0;  // batch_size × (K + 2)
    int workers = 0;                  // K
};

class DeliveryPipeline final : public RecordSink {
public:
    // `destination`, `clock` and whatever `persist` uses must outlive the pipeline. Workers
    // start at once. `cancel` is the cycle's token (linked to the process shutdown).
    DeliveryPipeline(Destination& destination, PersistFn persist, CancelToken cancel,
                     asset_sdk::Clock& clock, PipelineOptions options);
    // Aborts whatever is still running (no grace) and joins the workers.
    ~DeliveryPipeline() override;

    DeliveryPipeline(const DeliveryPipeline&) = delete;
    DeliveryPipeline& operator=(const DeliveryPipeline&) = delete;

    // RecordSink: called by the plugin's fetch thread (one thread at a time).
    SinkResult record(std::string_view json) override;
    SinkResult checkpoint(std::string_view marker_json) override;
    // A failed batch or checkpoint save: AH_STOP_DELIVERY_FAILED; cancelled: AH_STOP_SHUTDOWN.
    ah_stop_reason stop_reason() const override;

    // Ends intake, sends the partial batch (unless failed or cancelled), waits for every batch
    // in flight, persists the last covered marker. Returns the first failure (delivery or
    // checkpoint save), kCancelled when the cycle was cancelled, else ok. Call once.
    asset_sdk::Status finish();

    PipelineStats stats() const;
    // The last marker the plugin sent (persisted or not), for the cycle summary.
    std::optional<std::string> last_marker() const;

private:
    struct Pending {
        std::uint64_t index;
        std::uint64_t last_seq;
        bool acked = false;
    };
    struct Marker {
        std::uint64_t covers;  // records 1..covers precede it
        std::uint64_t number;  // receive order
        std::string json;
    };

    bool valid_record(std::string_view json);
    void worker_loop();
    std::unique_ptr<Batch> take_work_locked();
    std::unique_ptr<Batch> cut_open_locked();
    bool open_batch_full_locked() const;
    void drop_batch_locked(std::unique_ptr<Batch> batch);
    void complete(std::unique_ptr<Batch> batch, const BisectResult& result);
    bool keep_oversized(std::string_view json, const RecordProblem& problem);
    std::optional<Marker> take_persistable_marker_locked();
    // The covered marker to save now, if any: the newest covered one when the last save is
    // min_save_interval old, or `force` (end of cycle), or cancellation or a failure is seen;
    // otherwise it is held in held_ until then.
    std::optional<Marker> take_marker_to_save_locked(bool force);
    void persist(Marker marker);
    void note_cancel() const;
    bool cancel_requested() const;
    bool should_abort(std::uint64_t batch_index) const;
    bool intake_stopped_locked() const;
    bool nothing_left_locked() const;

    Destination& destination_;
    PersistFn persist_fn_;
    CancelToken cancel_;
    asset_sdk::Clock& clock_;
    PipelineOptions options_;
    std::shared_ptr<spdlog::logger> log_;
    int workers_count_;

    BisectingDelivery bisect_;
    // Record validation, on the producer's thread only (outside the lock).
    RecordCheck check_;
    std::uint64_t rejected_ = 0;
    std::size_t record_capacity_;

    mutable std::mutex mu_;
    std::condition_variable work_cv_;   // workers: a batch is ready / state changed
    std::condition_variable space_cv_;  // producer: room in the buffer / state changed
    std::condition_variable done_cv_;   // finish(): a worker exited

    std::unique_ptr<Batch> open_;
    asset_sdk::SteadyTime open_since_{};
    std::deque<std::unique_ptr<Batch>> ready_;
    std::vector<std::unique_ptr<Batch>> spare_;  // recycled buffers
    std::deque<Pending> pending_;                // cut, not yet part of the acked prefix
    std::deque<Marker> markers_;                 // received, not yet persisted
    std::optional<Marker> held_;  // covered, waiting for min_save_interval since the last save
    std::optional<asset_sdk::SteadyTime> last_save_;  // when a marker was last handed to a save
    std::optional<std::string> last_marker_;
    std::uint64_t next_seq_ = 0;    // records received so far
    std::uint64_t next_index_ = 0;  // batches cut so far
    std::uint64_t markers_seen_ = 0;
    std::size_t buffered_records_ = 0;
    std::size_t buffered_bytes_ = 0;
    int workers_running_ = 0;
    bool closing_ = false;
    asset_sdk::Status first_error_;
    PipelineStats stats_;

    // Read by abort checks without the lock.
    std::atomic<bool> failed_{false};
    std::atomic<bool> hard_abort_{false};
    std::atomic<std::uint64_t> failed_index_{UINT64_MAX};     // lowest batch that did not ack
    mutable std::atomic<std::int64_t> abort_deadline_ns_{0};  // 0: no cancellation seen yet

    std::mutex persist_mu_;                  // serialises saves; taken before mu_, never inside it
    std::uint64_t saved_number_ = 0;         // receive number of the last saved marker (0: none)
    std::optional<std::string> saved_json_;  // what the store holds now

    std::vector<std::thread> workers_;
    bool finished_ = false;
};

}  // namespace asset_host::delivery
