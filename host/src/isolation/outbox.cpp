#include "isolation/outbox.h"

#include "isolation/frame.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace asset_host::isolation {

namespace {

std::size_t payload_of(const std::string& buffer) {
    return buffer.size() - kFrameHeaderSize;
}

}  // namespace

Outbox::Outbox(int fd, std::uint32_t window_bytes, std::uint32_t flush_bytes)
    : fd_(fd), window_(window_bytes), flush_bytes_(flush_bytes) {
    buffer_.reserve(kFrameHeaderSize + flush_bytes_ + (64u << 10));
    buffer_.assign(kFrameHeaderSize, '\0');
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
    // One frame never exceeds the limit: a big item goes out in a frame of its own.
    if (payload_of(buffer_) + kItemHeaderSize + data.size() > kMaxFramePayload &&
        !flush_locked(true)) {
        return false;
    }
    if (payload_of(buffer_) == 0) first_item_at_ = std::chrono::steady_clock::now();
    append_item_header(buffer_, kind, static_cast<std::uint32_t>(data.size()));
    buffer_.append(data);
    if (payload_of(buffer_) >= flush_bytes_) {
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
    if (payload_of(buffer_) + kItemHeaderSize + data.size() > kMaxFramePayload) {
        flush_locked(true);
        if (data.size() > kMaxFramePayload - kItemHeaderSize) return;  // cannot be sent
    }
    if (payload_of(buffer_) == 0) first_item_at_ = std::chrono::steady_clock::now();
    append_item(buffer_, kind, data);
    // Log lines and checks are read by people while they happen; statistics ride along.
    if (kind != ItemKind::kStatistic) flush_locked(false);
}

void Outbox::flush_stale(std::chrono::steady_clock::duration age) {
    std::unique_lock lock(mu_, std::try_to_lock);
    if (!lock.owns_lock() || payload_of(buffer_) == 0) return;
    if (std::chrono::steady_clock::now() - first_item_at_ < age) return;
    flush_locked(false);
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

// Sends the buffer as one kItems frame. Before a stop, the window must allow it (waiting for
// credit when `wait_for_credit`, else returning false); after a stop, data items are dropped
// and the rest is sent regardless of the window.
bool Outbox::flush_locked(bool wait_for_credit) {
    if (payload_of(buffer_) == 0) return true;
    {
        std::unique_lock credit_lock(credit_mu_);
        const auto allowed = [&] {
            return stop_.load() != AH_STOP_NONE || window_allows_locked(payload_of(buffer_));
        };
        if (!allowed()) {
            if (!wait_for_credit) return false;
            credit_cv_.wait(credit_lock, allowed);
        }
        if (stop_.load() == AH_STOP_NONE) outstanding_ += payload_of(buffer_);
    }
    if (stop_.load() != AH_STOP_NONE) {
        drop_data_locked();
        if (payload_of(buffer_) == 0) return true;
    }
    write_frame_header(buffer_.data(), FrameType::kItems,
                       static_cast<std::uint32_t>(payload_of(buffer_)));
    send(buffer_);
    buffer_.resize(kFrameHeaderSize);
    return true;
}

void Outbox::drop_data_locked() {
    if (data_dropped_ && payload_of(buffer_) == 0) return;
    std::string kept(kFrameHeaderSize, '\0');
    ItemReader items(std::string_view(buffer_).substr(kFrameHeaderSize));
    for (;;) {
        auto item = items.next();
        if (!item || !*item) break;  // the buffer is ours: it is never malformed
        if ((*item)->kind != ItemKind::kRecord && (*item)->kind != ItemKind::kMarker) {
            append_item(kept, (*item)->kind, (*item)->data);
        }
    }
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
