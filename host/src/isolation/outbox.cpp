#include "isolation/outbox.h"

#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

namespace asset_host::isolation {

namespace {

using std::chrono::ceil;

std::size_t payload_of(const std::string& buffer) {
    return buffer.size() - kFrameHeaderSize;
}

}  // namespace

Outbox::Outbox(int fd, std::uint32_t window_bytes, std::uint32_t flush_bytes,
               WorkerRingMapping ring)
    : fd_(fd),
      wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      window_(window_bytes),
      flush_bytes_(flush_bytes),
      ring_(ring) {
    // With a ring, the inline buffer holds only what the ring does not take (big items, what
    // is sent after a stop): no need to reserve a frame's worth.
    if (!ring_.base) buffer_.reserve(kFrameHeaderSize + flush_bytes_ + (64u << 10));
    buffer_.assign(kFrameHeaderSize, '\0');
    room_end_ = ring_.size;
    // A socket buffer that holds the whole window: a frame the window allows then goes out in
    // one send() that does not block, instead of several with a context switch to the host
    // between them (the default, 208 KiB on Linux, is smaller than one frame). The kernel caps
    // it at net.core.wmem_max; the window, not this, bounds what is in flight. (With a ring,
    // only big items and the small frames naming runs use it.)
    const int sndbuf = static_cast<int>(std::min<std::uint64_t>(
        window_ + flush_bytes_ + kFrameHeaderSize, std::numeric_limits<int>::max() / 2));
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
}

Outbox::~Outbox() {
    if (wake_fd_ >= 0) ::close(wake_fd_);
    unmap_worker_ring(ring_);
}

void Outbox::wake() {
    // Without an eventfd (none could be made) sleep_ms() never says -1: nothing to signal.
    if (wake_fd_ >= 0) ::eventfd_write(wake_fd_, 1);
}

// An item goes into the empty buffer: it is stale after a while, so the reader must be
// awake to send it then. While a frame is in flight its credit will wake the reader anyway
// (which then sets its timer from first_item_at_): no eventfd wake-up, which in a long cycle
// was one per run — the run after a flush starts with the flushed frame not yet credited.
void Outbox::note_first_item_locked() {
    first_item_at_ = std::chrono::steady_clock::now();
    if (!reader_sleeps_) return;
    {
        std::lock_guard credit_lock(credit_mu_);
        if (outstanding_ > 0 && stop_.load() == AH_STOP_NONE) return;
    }
    reader_sleeps_ = false;
    wake();
}

bool Outbox::add_data(ItemKind kind, std::string_view data) {
    if (data.size() > kMaxFramePayload - kItemHeaderSize) {
        too_large_.store(data.size());
        return false;
    }
    std::lock_guard lock(mu_);
    if (stop_.load() != AH_STOP_NONE) {
        drop_data_locked();
        return false;
    }
    // Waiting for ring space, like waiting for credit, is the back-pressure.
    if (!append_locked(kind, data, true)) {
        drop_data_locked();
        return false;
    }
    if (pending_locked() >= flush_bytes_) {
        // Waiting for credit here is the back-pressure: emit() blocks until the host catches up.
        flush_locked(true);
    } else if (kind == ItemKind::kMarker) {
        flush_locked(false);
    }
    return stop_.load() == AH_STOP_NONE;
}

void Outbox::add_other(ItemKind kind, std::string_view data) {
    std::lock_guard lock(mu_);
    if (stop_.load() != AH_STOP_NONE) drop_data_locked();
    if (data.size() > kMaxFramePayload - kItemHeaderSize) return;  // cannot be sent
    // A log line never waits for ring space (a plugin's log call would block on delivery):
    // without room it goes inline, behind the run.
    append_locked(kind, data, false);
    // Log lines and checks are read by people while they happen; statistics ride along.
    if (kind != ItemKind::kStatistic) flush_locked(false);
}

bool Outbox::append_locked(ItemKind kind, std::string_view data, bool may_wait) {
    const std::size_t n = kItemHeaderSize + data.size();
    // The ring takes an item only while nothing waits inline: inline items come after the run.
    char* at = ring_.base && payload_of(buffer_) == 0 && n <= kMaxRingItem
                   ? ring_room_locked(n, may_wait)
                   : nullptr;
    if (at) {
        if (pending_locked() == 0) note_first_item_locked();
        write_item_header(at, kind, static_cast<std::uint32_t>(data.size()));
        std::memcpy(at + kItemHeaderSize, data.data(), data.size());
        head_ += n;
        return true;
    }
    if (may_wait && stop_.load() != AH_STOP_NONE) return false;
    // One frame never exceeds the limit: a big item goes out in a frame of its own.
    if (payload_of(buffer_) + n > kMaxFramePayload && !flush_locked(true)) return false;
    if (pending_locked() == 0) note_first_item_locked();
    append_item(buffer_, kind, data);
    return true;
}

char* Outbox::ring_room_locked(std::size_t n, bool may_wait) {
    const std::uint64_t size = ring_.size;
    for (;;) {
        if (stop_.load() != AH_STOP_NONE) return nullptr;
        // Where the item would go: right after the run, which must stay contiguous. (Not
        // head_ % size: a run that ends exactly at the ring's end has head_ % size == 0, and
        // the next item there would make the run wrap.)
        const std::uint64_t at = run_bytes() > 0 ? run_start_ % size + run_bytes() : head_ % size;
        if (at + n > size) {
            // A run is contiguous: send this one, then start the next at the ring's start (the
            // bytes skipped are freed with that run's credit).
            if (run_bytes() > 0) {
                if (!flush_locked(may_wait)) return nullptr;
                continue;  // sent (or dropped by a stop): look again
            }
            head_ += size - at;
            run_start_ = head_;
            continue;
        }
        if (head_ + n <= room_end_) return ring_.base + at;
        {
            std::lock_guard credit_lock(credit_mu_);
            room_end_ = tail_ + size;
        }
        if (head_ + n <= room_end_) return ring_.base + at;
        if (!may_wait) return nullptr;
        // The host frees space only by crediting what was sent: send the run first.
        if (run_bytes() > 0) {
            flush_locked(true);
            continue;
        }
        std::unique_lock credit_lock(credit_mu_);
        credit_cv_.wait(credit_lock,
                        [&] { return stop_.load() != AH_STOP_NONE || head_ + n <= tail_ + size; });
        room_end_ = tail_ + size;
    }
}

void Outbox::flush_stale(std::chrono::steady_clock::duration age) {
    std::unique_lock lock(mu_, std::try_to_lock);
    if (!lock.owns_lock() || pending_locked() == 0) return;
    if (std::chrono::steady_clock::now() - first_item_at_ < age) return;
    flush_locked(false);
}

int Outbox::sleep_ms(std::chrono::steady_clock::duration age) {
    const auto ms = [](auto d) {
        return static_cast<int>(
            std::max<std::int64_t>(1, ceil<std::chrono::milliseconds>(d).count()));
    };
    // The plugin's thread holds the lock while it appends, and while emit() waits for credit —
    // which this (the reader) thread must stay free to read: never wait for the lock here;
    // look again after half the age.
    std::unique_lock lock(mu_, std::try_to_lock);
    if (!lock.owns_lock()) return ms(age / 2);
    if (pending_locked() == 0) {
        reader_sleeps_ = wake_fd_ >= 0;
        return reader_sleeps_ ? -1 : ms(age);
    }
    reader_sleeps_ = false;
    const auto left = first_item_at_ + age - std::chrono::steady_clock::now();
    if (left > std::chrono::steady_clock::duration::zero()) return ms(left);
    std::lock_guard credit_lock(credit_mu_);
    // Stale, and flush_stale() could not send it: only credit (or a stop) lets it go.
    const bool waits_for_credit =
        stop_.load() == AH_STOP_NONE && !window_allows_locked(pending_locked());
    return waits_for_credit ? -1 : 1;
}

void Outbox::finish(const WorkerResult& result) {
    std::lock_guard lock(mu_);
    flush_locked(true);
    send(make_frame(FrameType::kResult, encode_result(result)));
}

void Outbox::credit(std::uint64_t bytes) {
    {
        std::lock_guard lock(credit_mu_);
        outstanding_ -= std::min(bytes, outstanding_);
        credited_total_ += bytes;
        // The host credits frames in the order they were sent.
        while (!runs_in_flight_.empty() &&
               runs_in_flight_.front().sent_through <= credited_total_) {
            tail_ = std::max(tail_, runs_in_flight_.front().ring_end);
            runs_in_flight_.pop_front();
        }
    }
    credit_cv_.notify_all();
}

void Outbox::stop(ah_stop_reason reason) {
    {
        std::lock_guard lock(credit_mu_);
        ah_stop_reason none = AH_STOP_NONE;
        stop_.compare_exchange_strong(none, reason == AH_STOP_NONE ? AH_STOP_SHUTDOWN : reason);
    }
    credit_cv_.notify_all();
}

bool Outbox::window_allows_locked(std::size_t payload) const {
    return outstanding_ == 0 || outstanding_ + payload <= window_;
}

// Sends the ring's run (a kItemsInRing frame) and the inline buffer (a kItems frame), in that
// order. Before a stop, the window must allow both (waiting for credit when `wait_for_credit`,
// else returning false); after a stop, data items are dropped and the rest is sent inline
// regardless of the window.
bool Outbox::flush_locked(bool wait_for_credit) {
    if (pending_locked() == 0) return true;
    {
        std::unique_lock credit_lock(credit_mu_);
        const auto allowed = [&] {
            return stop_.load() != AH_STOP_NONE || window_allows_locked(pending_locked());
        };
        if (!allowed()) {
            if (!wait_for_credit) return false;
            credit_cv_.wait(credit_lock, allowed);
        }
        if (stop_.load() == AH_STOP_NONE) {
            outstanding_ += pending_locked();
            if (run_bytes() > 0) {
                sent_total_ += run_bytes();
                runs_in_flight_.push_back({sent_total_, head_});
            }
            sent_total_ += payload_of(buffer_);
        }
    }
    if (stop_.load() != AH_STOP_NONE) {
        drop_data_locked();
        if (pending_locked() == 0) return true;
    }
    if (run_bytes() > 0) {
        const RingRef ref{static_cast<std::uint32_t>(run_start_ % ring_.size),
                          static_cast<std::uint32_t>(run_bytes())};
        send(make_frame(FrameType::kItemsInRing, encode_ring_ref(ref)));
        run_start_ = head_;
    }
    if (payload_of(buffer_) > 0) {
        write_frame_header(buffer_.data(), FrameType::kItems,
                           static_cast<std::uint32_t>(payload_of(buffer_)));
        send(buffer_);
        buffer_.resize(kFrameHeaderSize);
    }
    return true;
}

// Keeps only the items that are not records or markers, inline, in order; the ring's run is
// given up (its space reused: nothing was sent from it).
void Outbox::drop_data_locked() {
    if (data_dropped_ && pending_locked() == 0) return;
    std::string kept(kFrameHeaderSize, '\0');
    const auto keep_others = [&kept](std::string_view payload) {
        ItemReader items(payload);
        for (;;) {
            auto item = items.next();
            if (!item || !*item) break;  // the buffer is ours: it is never malformed
            if ((*item)->kind != ItemKind::kRecord && (*item)->kind != ItemKind::kMarker) {
                append_item(kept, (*item)->kind, (*item)->data);
            }
        }
    };
    if (run_bytes() > 0) {
        keep_others(std::string_view(ring_.base + run_start_ % ring_.size, run_bytes()));
        head_ = run_start_;
    }
    keep_others(std::string_view(buffer_).substr(kFrameHeaderSize));
    buffer_.swap(kept);
    data_dropped_ = true;
}

void Outbox::send(std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n > 0) {
            bytes.remove_prefix(static_cast<std::size_t>(n));
        } else if (n < 0 && errno != EINTR) {
            // The host is gone (or gave up on this worker): nobody is left to deliver to or to
            // report to.
            ::_exit(1);
        }
    }
}

}  // namespace asset_host::isolation
