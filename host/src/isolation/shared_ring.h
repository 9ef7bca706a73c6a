// The shared-memory ring that carries a fetch's items from the worker to the host
// (isolation/README.md, "The shared ring"): a memfd the host creates, sizes and seals, mapped
// read-only by the host and read-write by the worker. The worker writes a run of items into it
// and sends a small kItemsInRing frame naming where (RingRef); the bytes no longer cross the
// socket, which copied each of them twice in the kernel.
//
// The worker is untrusted and can rewrite the ring at any moment, so the host
//   - checks every RingRef against the size of the mapping *it* made (check_ring_ref), and
//   - copies the bytes out (HostRing::copy_out) before it decodes or validates anything: what
//     it reads twice must not change between the reads.
// The memfd is sealed against shrinking and growing before the worker sees it, so the worker
// cannot make the host's read of a checked range fault (SIGBUS on a truncated file).
#pragma once

#include "isolation/messages.h"

#include <asset_sdk/status.h>

#include <cstddef>
#include <memory>
#include <string>

namespace asset_host::isolation {

// The host's end: the memfd (until it is passed to the worker) and a read-only mapping.
class HostRing {
public:
    // A sealed memfd of `bytes` (rounded up to whole pages), mapped read-only; an error when
    // the system refuses any step (then items travel inline over the socket, as they can).
    static asset_sdk::Result<std::unique_ptr<HostRing>> create(std::size_t bytes);
    ~HostRing();
    HostRing(const HostRing&) = delete;
    HostRing& operator=(const HostRing&) = delete;

    std::size_t size() const { return size_; }
    // The memfd, to send with the config frame; -1 once release_fd() was called.
    int fd() const { return fd_; }
    // Closes the host's descriptor once the worker has it (the mapping stays).
    void release_fd();

    // The bytes `ref` names, copied into `out` (replacing its contents); kProtocol when `ref`
    // is not inside the ring.
    asset_sdk::Status copy_out(RingRef ref, std::string& out) const;

private:
    HostRing(int fd, const char* base, std::size_t size) : fd_(fd), base_(base), size_(size) {}
    int fd_;
    const char* base_;
    std::size_t size_;
};

// The worker's end: `fd` (from the config frame) mapped read-write. Null when it cannot be
// mapped with `bytes` (the worker then sends its items inline).
struct WorkerRingMapping {
    char* base = nullptr;
    std::size_t size = 0;
};
WorkerRingMapping map_worker_ring(int fd, std::size_t bytes);
void unmap_worker_ring(const WorkerRingMapping& ring);

// kProtocol unless `ref` names 1.. bytes wholly inside a ring of `ring_size` bytes (and no
// more than a frame may carry).
asset_sdk::Status check_ring_ref(RingRef ref, std::size_t ring_size);

// The ring a worker with this window and flush size needs so that room in the ring never
// waits longer than the window does: what is in flight (the window), the run being written and
// the padding where a run wraps (each at most flush + one ring item), rounded to pages.
std::size_t ring_bytes_for(std::uint32_t window_bytes, std::uint32_t flush_bytes);

}  // namespace asset_host::isolation
