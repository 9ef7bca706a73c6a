// The worker's side of the stream to the host: what the plugin hands over (records, markers,
// logs, statistics, checks) collected into kItems frames, sent with flow control.
//
// - Items are appended to one buffer in call order; a frame leaves when the buffer holds
//   flush_bytes, at a marker, a log line or a check, at the end, and when items have waited
//   (flush_stale(), called by the worker's reader thread): large frames, no syscall per record.
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

#include "isolation/messages.h"

#include <asset_host/plugin_abi.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace asset_host::isolation {

class Outbox {
public:
    Outbox(int fd, std::uint32_t window_bytes, std::uint32_t flush_bytes);
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
    // into the empty buffer then signals wake_fd() — or when what is buffered waits for credit
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
    bool window_allows_locked(std::size_t payload) const;
    bool flush_locked(bool wait_for_credit);
    void drop_data_locked();
    void send(std::string_view bytes);

    void note_first_item_locked();

    const int fd_;
    const int wake_fd_;  // an eventfd
    const std::uint64_t window_;
    const std::size_t flush_bytes_;

    std::mutex mu_;  // the buffer and the socket's write side
    std::string buffer_;
    std::chrono::steady_clock::time_point first_item_at_{};
    bool data_dropped_ = false;
    bool reader_sleeps_ = false;  // sleep_ms() said -1 for an empty buffer

    mutable std::mutex credit_mu_;  // never held while writing
    std::condition_variable credit_cv_;
    std::uint64_t outstanding_ = 0;

    std::atomic<ah_stop_reason> stop_{AH_STOP_NONE};
    std::atomic<std::size_t> too_large_{0};
};

}  // namespace asset_host::isolation
