// The worker's side of the stream to the host: what the plugin hands over (records, markers,
// logs, statistics, checks) collected into kItems frames, sent with flow control.
//
// - Items are appended in call order to one run; the run leaves when it holds flush_bytes, at
//   a marker, a log line or a check, at the end, and when items have waited (flush_stale(),
//   called by the worker's reader thread): large frames, no syscall per record.
// - With a shared ring (fetch; shared_ring.h) the run is written straight into the ring and
//   leaves as a 16-byte kItemsInRing frame naming it: the bytes are written once and never
//   cross the socket. An item larger than kMaxRingItem, and every item once the host said stop,
//   goes into an inline buffer after the ring's run, sent as a kItems frame right behind the
//   run's frame, so the host still sees the plugin's order. Ring space is reused once the host
//   has credited the run in it; the ring is sized (ring_bytes_for()) so that this waits no
//   longer than the window does.
// - At most window_bytes of kItems payload may be sent and not yet credited by the host. A
//   record that fills the buffer while the window is used up waits for credit: the plugin's
//   emit() blocks, which is how a slow destination slows the plugin down.
// - Once the host says stop (stop()), records and markers are refused (add_data() returns
//   false) and those still buffered are dropped — none of them could be delivered, and dropping
//   a suffix never strands a marker from its records; logs, statistics and checks still go, no
//   longer bound by the window.
// Thread-safe: the plugin's thread, any thread that logs, and the reader thread use it.
// A failed write means the host is gone: the worker exits at once (nothing is left to do).
#pragma once

#include "isolation/frame.h"
#include "isolation/messages.h"
#include "isolation/shared_ring.h"

#include <asset_host/plugin_abi.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>

namespace asset_host::isolation {

class Outbox {
public:
    // `ring`: the mapped shared ring, owned (unmapped) by the outbox from now on; none (the
    // default): every item travels inline.
    Outbox(int fd, std::uint32_t window_bytes, std::uint32_t flush_bytes,
           WorkerRingMapping ring = {});
    ~Outbox();
    Outbox(const Outbox&) = delete;
    Outbox& operator=(const Outbox&) = delete;

    // A record or a marker. Blocks while the window is full. False (the item dropped) once the
    // host said stop, or when the item cannot fit in a frame (too_large() then says so).
    bool add_data(ItemKind kind, std::string_view data);
    // A log line, a statistic or a check: appended, then sent as soon as the window allows.
    void add_other(ItemKind kind, std::string_view data);

    // Sends what has waited longer than `age`, if the window allows; never waits. For the
    // reader thread's timer.
    void flush_stale(std::chrono::steady_clock::duration age);
    // How long the reader thread may sleep before flush_stale(age) has something to do: -1
    // (until the socket or wake_fd() is readable) when nothing is buffered — the next item put
    // into the empty buffer then signals wake_fd(), unless a frame is in flight, whose credit
    // wakes the reader — or when what is buffered waits for credit
    // (a kCredit frame wakes the reader); else the milliseconds until it is `age` old (>= 1),
    // or age / 2 when the plugin's thread holds the buffer. The reader does not wake up while
    // the plugin is quiet: no timer ticks for nothing.
    int sleep_ms(std::chrono::steady_clock::duration age);
    // Readable when the reader should look again (an item arrived in an empty buffer, or
    // wake() was called); drained by the reader.
    int wake_fd() const { return wake_fd_; }
    void wake();
    // Sends everything left (waiting for credit unless stopped), then the result frame.
    void finish(const WorkerResult& result);

    // From the host, via the reader thread.
    void credit(std::uint64_t bytes);
    void stop(ah_stop_reason reason);
    ah_stop_reason stop_reason() const { return stop_.load(); }

    // The size of the record add_data() refused for not fitting in a frame (0: none).
    std::size_t too_large() const { return too_large_.load(); }

private:
    // Bytes of items not yet sent: the ring's run, then the inline buffer's.
    std::size_t pending_locked() const { return run_bytes() + (buffer_.size() - kFrameHeaderSize); }
    std::size_t run_bytes() const { return static_cast<std::size_t>(head_ - run_start_); }
    // Appends one item: into the ring when it may go there (waiting there for room only when
    // `may_wait`), else into the inline buffer. False when a wait ended with a stop.
    bool append_locked(ItemKind kind, std::string_view data, bool may_wait);
    // Room for `n` contiguous bytes at the ring's head, or null: the ring is not for this
    // item now (stopped, or no room without waiting when !may_wait).
    char* ring_room_locked(std::size_t n, bool may_wait);
    bool window_allows_locked(std::size_t payload) const;
    bool flush_locked(bool wait_for_credit);
    void drop_data_locked();
    void send(std::string_view bytes);

    void note_first_item_locked();

    const int fd_;
    const int wake_fd_;  // an eventfd
    const std::uint64_t window_;
    const std::size_t flush_bytes_;

    std::mutex mu_;       // the run, the buffer and the socket's write side
    std::string buffer_;  // inline items (after the ring's run), behind a frame header
    // The ring, and positions in it counted in bytes since the start (a position's place in
    // the mapping is position % size): the run being written is [run_start_, head_); bytes
    // before head_ may be reused once they are below tail_. room_end_: head_ may grow to here
    // without looking at tail_ again (tail_ only grows).
    WorkerRingMapping ring_;
    std::uint64_t run_start_ = 0;
    std::uint64_t head_ = 0;
    std::uint64_t room_end_ = 0;
    std::chrono::steady_clock::time_point first_item_at_{};
    bool data_dropped_ = false;
    bool reader_sleeps_ = false;  // sleep_ms() said -1 for an empty buffer

    mutable std::mutex credit_mu_;  // never held while writing
    std::condition_variable credit_cv_;
    std::uint64_t outstanding_ = 0;
    // Ring space comes back when the host credits the run in it: every frame's payload is
    // counted (sent_total_, credited_total_) and each ring run remembers the total at its end.
    struct RingRun {
        std::uint64_t sent_through;  // sent_total_ once it was sent
        std::uint64_t ring_end;      // its end in the ring: tail_ once it is credited
    };
    std::deque<RingRun> runs_in_flight_;
    std::uint64_t sent_total_ = 0;
    std::uint64_t credited_total_ = 0;
    std::uint64_t tail_ = 0;

    std::atomic<ah_stop_reason> stop_{AH_STOP_NONE};
    std::atomic<std::size_t> too_large_{0};
};

}  // namespace asset_host::isolation
