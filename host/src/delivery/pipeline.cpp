#include "delivery/pipeline.h"

#include "common/logging.h"

#include <algorithm>

namespace asset_host::delivery {

namespace {

// Cut batches waiting for a free worker. One is enough to keep the workers busy while the
// plugin fills the next batch; more would only hold memory.
constexpr std::size_t kReadyCapacity = 1;

// Waits on condition variables wake at least this often to look at the cancel token (which
// cannot notify) and at the linger deadline (which is measured on the injected clock).
constexpr std::chrono::milliseconds kWaitSlice{20};

std::int64_t to_ns(asset_sdk::SteadyTime t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

}  // namespace

DeliveryPipeline::DeliveryPipeline(Destination& destination, PersistFn persist, CancelToken cancel,
                                   asset_sdk::Clock& clock, PipelineOptions options)
    : destination_(destination),
      persist_fn_(std::move(persist)),
      cancel_(std::move(cancel)),
      clock_(clock),
      options_(options),
      log_(options_.log),
      bisect_(destination, options_.rejects, options_.batch_size,
              options_.log ? options_.log : host_logger()),
      check_(options_.max_record_bytes),
      saved_json_(options_.stored_marker) {
    if (!log_) log_ = host_logger();
    options_.batch_size = std::max(options_.batch_size, 1);
    options_.max_batch_bytes = std::max<std::size_t>(options_.max_batch_bytes, 1);
    workers_count_ = std::max(1, std::min(options_.max_in_flight, destination_.max_concurrency()));
    record_capacity_ = static_cast<std::size_t>(options_.batch_size) *
                       (static_cast<std::size_t>(workers_count_) + 1 + kReadyCapacity);
    stats_.record_capacity = record_capacity_;
    stats_.workers = workers_count_;
    open_ = std::make_unique<Batch>();

    workers_running_ = workers_count_;
    workers_.reserve(static_cast<std::size_t>(workers_count_));
    for (int i = 0; i < workers_count_; ++i) workers_.emplace_back([this] { worker_loop(); });
}

DeliveryPipeline::~DeliveryPipeline() {
    if (!finished_) {
        hard_abort_ = true;
        {
            std::lock_guard lock(mu_);
            closing_ = true;
        }
        work_cv_.notify_all();
        space_cv_.notify_all();
    }
    for (auto& t : workers_) {
        if (t.joinable()) t.join();
    }
}

// ---- cancellation and abort -------------------------------------------------------------

bool DeliveryPipeline::cancel_requested() const {
    return cancel_.cancelled();
}

void DeliveryPipeline::note_cancel() const {
    // The grace period starts when the pipeline first notices the cancellation.
    std::int64_t expected = 0;
    const std::int64_t deadline =
        std::max<std::int64_t>(1, to_ns(clock_.steady_now() + options_.grace_period));
    abort_deadline_ns_.compare_exchange_strong(expected, deadline);
}

bool DeliveryPipeline::should_abort(std::uint64_t batch_index) const {
    if (hard_abort_) return true;
    // A batch after a failed one can never become part of the acknowledged prefix.
    if (failed_index_.load() < batch_index) return true;
    if (cancel_requested()) {
        note_cancel();
        return to_ns(clock_.steady_now()) >= abort_deadline_ns_.load();
    }
    return false;
}

bool DeliveryPipeline::intake_stopped_locked() const {
    return failed_ || closing_ || cancel_requested();
}

// ---- batching ---------------------------------------------------------------------------

bool DeliveryPipeline::open_batch_full_locked() const {
    return !open_->empty() && (open_->size() >= static_cast<std::size_t>(options_.batch_size) ||
                               open_->bytes() >= options_.max_batch_bytes);
}

std::unique_ptr<Batch> DeliveryPipeline::cut_open_locked() {
    std::unique_ptr<Batch> batch = std::move(open_);
    batch->index = next_index_++;
    batch->last_seq = next_seq_;  // the open batch always holds the newest records
    batch->first_seq = next_seq_ - batch->size() + 1;
    pending_.push_back(Pending{batch->index, batch->last_seq});
    if (!spare_.empty()) {
        open_ = std::move(spare_.back());
        spare_.pop_back();
    } else {
        open_ = std::make_unique<Batch>();
    }
    return batch;
}

void DeliveryPipeline::drop_batch_locked(std::unique_ptr<Batch> batch) {
    buffered_records_ -= batch->size();
    buffered_bytes_ -= batch->bytes();
    batch->clear();
    if (spare_.size() < static_cast<std::size_t>(workers_count_) + 1) {
        spare_.push_back(std::move(batch));
    }
}

bool DeliveryPipeline::valid_record(std::string_view json) {
    // Logged for the first few only: a plugin emitting garbage must not flood the log.
    constexpr std::uint64_t kLoggedRejects = 5;
    const std::optional<RecordProblem> problem = check_.problem(json);
    if (!problem) return true;
    if (problem->too_large) return keep_oversized(json, *problem);
    ++rejected_;
    {
        std::lock_guard lock(mu_);
        ++stats_.records_invalid;
    }
    if (rejected_ <= kLoggedRejects) {
        log_->warn("refused a record from the plugin ({} bytes): {}{}", json.size(),
                   problem->reason,
                   rejected_ == kLoggedRejects ? " (further refusals this cycle not logged)" : "");
    }
    return false;
}

// A record over the size limit: never sent, kept in the dead-letter file as an excerpt.
bool DeliveryPipeline::keep_oversized(std::string_view json, const RecordProblem& problem) {
    log_->warn("refused record {} of the cycle: {}{}", next_seq_ + 1, problem.reason,
               options_.rejects ? "; an excerpt is kept in the dead-letter file" : "");
    asset_sdk::Status kept = asset_sdk::Status::ok();
    if (options_.rejects) kept = options_.rejects->reject({json, 0, problem.reason, true});
    std::lock_guard lock(mu_);
    ++(options_.rejects ? stats_.records_dead_lettered : stats_.records_invalid);
    if (!kept.is_ok()) {
        if (first_error_.is_ok())
            first_error_ = kept.with_context("a refused record could not be kept: ");
        failed_ = true;
    }
    return false;
}

SinkResult DeliveryPipeline::record(std::string_view json) {
    if (!valid_record(json)) {
        std::lock_guard lock(mu_);
        return intake_stopped_locked() ? SinkResult::kStop : SinkResult::kContinue;
    }
    std::unique_lock lock(mu_);
    for (;;) {
        if (intake_stopped_locked()) {
            if (cancel_requested()) note_cancel();
            return SinkResult::kStop;
        }
        const bool too_big_for_open =
            !open_->empty() && open_->bytes() + json.size() > options_.max_batch_bytes;
        if (open_batch_full_locked() || too_big_for_open) {
            if (ready_.size() < kReadyCapacity) {
                ready_.push_back(cut_open_locked());
                work_cv_.notify_one();
                continue;
            }
        } else if (buffered_bytes_ == 0 ||
                   buffered_bytes_ + json.size() <= options_.max_buffered_bytes) {
            break;  // room for this record
        } else if (!open_->empty() && ready_.size() < kReadyCapacity) {
            // Short of bytes: hand the open batch on so that memory can drain.
            ready_.push_back(cut_open_locked());
            work_cv_.notify_one();
            continue;
        }
        // Back-pressure: the plugin's thread waits here until a batch is acknowledged.
        space_cv_.wait_for(lock, kWaitSlice);
    }

    if (open_->empty()) open_since_ = clock_.steady_now();
    open_->append(json);
    ++next_seq_;
    ++buffered_records_;
    buffered_bytes_ += json.size();
    ++stats_.records_received;
    stats_.max_buffered_records = std::max(stats_.max_buffered_records, buffered_records_);
    stats_.max_buffered_bytes = std::max(stats_.max_buffered_bytes, buffered_bytes_);
    if (open_batch_full_locked() && ready_.size() < kReadyCapacity) {
        ready_.push_back(cut_open_locked());
        work_cv_.notify_one();
    }
    return SinkResult::kContinue;
}

SinkResult DeliveryPipeline::checkpoint(std::string_view marker_json) {
    std::optional<Marker> persistable;
    SinkResult result = SinkResult::kContinue;
    {
        std::lock_guard lock(mu_);
        last_marker_ = std::string(marker_json);
        Marker marker{next_seq_, ++markers_seen_, std::string(marker_json)};
        // Only the newest marker for a given position matters: memory stays bounded by the
        // number of unacknowledged records however often the plugin checkpoints.
        if (!markers_.empty() && markers_.back().covers == next_seq_) {
            markers_.back() = std::move(marker);
        } else {
            markers_.push_back(std::move(marker));
        }
        persistable = take_marker_to_save_locked(false);
        if (intake_stopped_locked()) result = SinkResult::kStop;
    }
    if (persistable) persist(std::move(*persistable));
    return result;
}

ah_stop_reason DeliveryPipeline::stop_reason() const {
    if (failed_) return AH_STOP_DELIVERY_FAILED;
    return cancel_requested() ? AH_STOP_SHUTDOWN : AH_STOP_NONE;
}

// ---- workers ----------------------------------------------------------------------------

std::unique_ptr<Batch> DeliveryPipeline::take_work_locked() {
    if (hard_abort_) return nullptr;
    if (failed_) {
        // Nothing after the failure can be persisted: drop it rather than send it.
        while (!ready_.empty()) {
            drop_batch_locked(std::move(ready_.front()));
            ready_.pop_front();
        }
        if (!open_->empty()) {
            buffered_records_ -= open_->size();
            buffered_bytes_ -= open_->bytes();
            open_->clear();
        }
        return nullptr;
    }
    if (cancel_requested()) {
        note_cancel();
        // Records not yet cut are dropped; batches already cut go out within the grace period.
        if (!open_->empty()) {
            buffered_records_ -= open_->size();
            buffered_bytes_ -= open_->bytes();
            open_->clear();
        }
        if (to_ns(clock_.steady_now()) >= abort_deadline_ns_.load()) {
            while (!ready_.empty()) {
                drop_batch_locked(std::move(ready_.front()));
                ready_.pop_front();
            }
        }
    }
    if (!ready_.empty()) {
        std::unique_ptr<Batch> batch = std::move(ready_.front());
        ready_.pop_front();
        return batch;
    }
    if (!open_->empty() && (open_batch_full_locked() || closing_ ||
                            clock_.steady_now() - open_since_ >= options_.linger)) {
        return cut_open_locked();
    }
    return nullptr;
}

bool DeliveryPipeline::nothing_left_locked() const {
    return hard_abort_ || (intake_stopped_locked() && ready_.empty() && open_->empty());
}

void DeliveryPipeline::worker_loop() {
    std::unique_lock lock(mu_);
    for (;;) {
        // A held marker is saved once its interval is over even if no ack or marker comes
        // (a plugin waiting on a rate limit): what a crash resends stays bounded by the interval.
        if (held_) {
            if (std::optional<Marker> due = take_marker_to_save_locked(false)) {
                lock.unlock();
                persist(std::move(*due));
                lock.lock();
                continue;
            }
        }
        std::unique_ptr<Batch> batch = take_work_locked();
        if (batch) {
            lock.unlock();
            space_cv_.notify_one();  // the ready slot it came from is free
            const std::uint64_t index = batch->index;
            const BisectResult result =
                bisect_.deliver(*batch, [this, index] { return should_abort(index); });
            complete(std::move(batch), result);
            lock.lock();
            continue;
        }
        if (nothing_left_locked()) break;
        work_cv_.wait_for(lock, kWaitSlice);
    }
    --workers_running_;
    lock.unlock();
    done_cv_.notify_all();
}

void DeliveryPipeline::complete(std::unique_ptr<Batch> batch, const BisectResult& result) {
    std::optional<Marker> persistable;
    {
        std::lock_guard lock(mu_);
        stats_.retries += static_cast<std::uint64_t>(result.retries);
        const std::uint64_t index = batch->index;
        if (result.status.is_ok()) {
            // Every record is delivered or dead-lettered: settled, like an acknowledgement.
            ++stats_.batches_acked;
            stats_.records_acked += result.delivered;
            stats_.records_dead_lettered += result.rejected;
            pending_[index - pending_.front().index].acked = true;
        } else {
            ++stats_.batches_failed;
            // An abort we asked for (shutdown, an earlier failure) is not a new failure.
            const bool expected_abort = result.status.code() == asset_sdk::StatusCode::kCancelled &&
                                        (cancel_requested() || hard_abort_ || failed_);
            if (!expected_abort) {
                if (first_error_.is_ok()) first_error_ = result.status;
                failed_ = true;
            }
            std::uint64_t current = failed_index_.load();
            while (index < current && !failed_index_.compare_exchange_weak(current, index)) {
            }
        }
        drop_batch_locked(std::move(batch));
        while (!pending_.empty() && pending_.front().acked) {
            stats_.acked_prefix = pending_.front().last_seq;
            pending_.pop_front();
        }
        persistable = take_marker_to_save_locked(false);
    }
    space_cv_.notify_all();
    work_cv_.notify_all();
    if (persistable) persist(std::move(*persistable));
}

// ---- checkpoints ------------------------------------------------------------------------

std::optional<DeliveryPipeline::Marker> DeliveryPipeline::take_persistable_marker_locked() {
    // The newest marker whose records are all acknowledged; older ones are superseded.
    std::optional<Marker> best;
    while (!markers_.empty() && markers_.front().covers <= stats_.acked_prefix) {
        best = std::move(markers_.front());
        markers_.pop_front();
    }
    return best;
}

std::optional<DeliveryPipeline::Marker> DeliveryPipeline::take_marker_to_save_locked(bool force) {
    if (std::optional<Marker> covered = take_persistable_marker_locked()) {
        held_ = std::move(covered);  // newer than any held one: markers arrive in order
    }
    if (!held_) return std::nullopt;
    const asset_sdk::SteadyTime now = clock_.steady_now();
    // Cancellation and failures save at once: the cycle is about to end, maybe by a kill after
    // the grace period, and what is acknowledged should not be sent again.
    const bool due = force || failed_ || cancel_requested() || !last_save_ ||
                     now - *last_save_ >= options_.min_save_interval;
    if (!due) return std::nullopt;
    last_save_ = now;
    std::optional<Marker> out = std::move(held_);
    held_.reset();
    return out;
}

void DeliveryPipeline::persist(Marker marker) {
    std::lock_guard persist_lock(persist_mu_);
    // Two threads may race to save; the newer marker wins and an older one is never written
    // after it.
    if (marker.number <= saved_number_) return;
    if (saved_json_ && *saved_json_ == marker.json) {
        saved_number_ = marker.number;  // already stored: nothing to write
        return;
    }
    const asset_sdk::Status saved = persist_fn_(marker.json);
    if (saved.is_ok()) saved_json_ = marker.json;
    {
        std::lock_guard lock(mu_);
        if (saved.is_ok()) {
            saved_number_ = marker.number;
            ++stats_.checkpoints_saved;
            stats_.saved_covers = marker.covers;
        } else {
            if (first_error_.is_ok()) {
                first_error_ = saved.with_context("could not save the checkpoint: ");
            }
            failed_ = true;
        }
    }
    if (!saved.is_ok()) {
        space_cv_.notify_all();
        work_cv_.notify_all();
    }
}

// ---- end of cycle -----------------------------------------------------------------------

asset_sdk::Status DeliveryPipeline::finish() {
    {
        std::unique_lock lock(mu_);
        if (finished_) return first_error_;
        finished_ = true;
        closing_ = true;
    }
    work_cv_.notify_all();
    space_cv_.notify_all();
    {
        std::unique_lock lock(mu_);
        done_cv_.wait(lock, [this] { return workers_running_ == 0; });
    }
    for (auto& t : workers_) {
        if (t.joinable()) t.join();
    }

    std::optional<Marker> persistable;
    {
        std::lock_guard lock(mu_);
        persistable = take_marker_to_save_locked(true);  // the last covered marker, always
    }
    if (persistable) persist(std::move(*persistable));

    std::lock_guard lock(mu_);
    if (!first_error_.is_ok()) return first_error_;
    if (cancel_requested()) {
        return asset_sdk::cancelled("cycle cancelled; records 1.." +
                                    std::to_string(stats_.acked_prefix) + " of " +
                                    std::to_string(next_seq_) + " acknowledged");
    }
    if (stats_.acked_prefix != next_seq_) {
        return asset_sdk::internal_error("pipeline ended with unacknowledged records");
    }
    return asset_sdk::Status::ok();
}

PipelineStats DeliveryPipeline::stats() const {
    std::lock_guard lock(mu_);
    return stats_;
}

std::optional<std::string> DeliveryPipeline::last_marker() const {
    std::lock_guard lock(mu_);
    return last_marker_;
}

}  // namespace asset_host::delivery
