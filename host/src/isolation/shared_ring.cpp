#include "isolation/shared_ring.h"

#include "isolation/frame.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace asset_host::isolation {

namespace {

std::size_t page_rounded(std::size_t bytes) {
    const long page = ::sysconf(_SC_PAGESIZE);
    const std::size_t p = page > 0 ? static_cast<std::size_t>(page) : 4096;
    return (bytes + p - 1) / p * p;
}

asset_sdk::Status system_error(const char* what) {
    return asset_sdk::Status(asset_sdk::StatusCode::kInternal,
                             std::string(what) + ": " + std::strerror(errno));
}

}  // namespace

asset_sdk::Result<std::unique_ptr<HostRing>> HostRing::create(std::size_t bytes) {
    const std::size_t size = page_rounded(bytes);
    if (size == 0 || size > kMaxRingBytes) {
        return asset_sdk::Status(asset_sdk::StatusCode::kInvalidArgument, "bad ring size");
    }
    const int fd = ::memfd_create("asset-host-ring", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) return system_error("memfd_create");
    // Sealed before the worker has it: it can write the bytes, never change the size under
    // the host's mapping (a shrunk file would make the host's reads fault), nor add seals.
    if (::ftruncate(fd, static_cast<off_t>(size)) != 0 ||
        ::fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
        const asset_sdk::Status st = system_error("sizing the ring");
        ::close(fd);
        return st;
    }
    void* base = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) {
        const asset_sdk::Status st = system_error("mapping the ring");
        ::close(fd);
        return st;
    }
    return std::unique_ptr<HostRing>(new HostRing(fd, static_cast<const char*>(base), size));
}

HostRing::~HostRing() {
    release_fd();
    ::munmap(const_cast<char*>(base_), size_);
}

void HostRing::release_fd() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

asset_sdk::Status HostRing::copy_out(RingRef ref, std::string& out) const {
    if (auto st = check_ring_ref(ref, size_); !st.is_ok()) return st;
    // One copy, then only the copy is read: the worker may be rewriting these bytes right now
    // (a torn copy is garbage the decoder refuses, never a changed-after-check record).
    out.resize(ref.size);
    std::memcpy(out.data(), base_ + ref.offset, ref.size);
    return asset_sdk::Status::ok();
}

WorkerRingMapping map_worker_ring(int fd, std::size_t bytes) {
    struct stat st {};
    // The host sized it: a mismatch means the two ends disagree, so do not use it.
    if (fd < 0 || bytes == 0 || ::fstat(fd, &st) != 0 ||
        static_cast<std::size_t>(st.st_size) != bytes) {
        return {};
    }
    void* base = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) return {};
    return {static_cast<char*>(base), bytes};
}

void unmap_worker_ring(const WorkerRingMapping& ring) {
    if (ring.base) ::munmap(ring.base, ring.size);
}

asset_sdk::Status check_ring_ref(RingRef ref, std::size_t ring_size) {
    // 64-bit sums of 32-bit fields: no overflow.
    const std::uint64_t end = std::uint64_t{ref.offset} + ref.size;
    if (ref.size == 0 || ref.size > kMaxFramePayload || end > ring_size) {
        return asset_sdk::Status(asset_sdk::StatusCode::kProtocol,
                                 "a shared-memory frame of " + std::to_string(ref.size) +
                                     " bytes at offset " + std::to_string(ref.offset) +
                                     " is outside the ring of " + std::to_string(ring_size) +
                                     " bytes");
    }
    return asset_sdk::Status::ok();
}

std::size_t ring_bytes_for(std::uint32_t window_bytes, std::uint32_t flush_bytes) {
    const std::size_t run = std::size_t{flush_bytes} + kMaxRingItem;
    return page_rounded(std::size_t{window_bytes} + 2 * run);
}

}  // namespace asset_host::isolation
