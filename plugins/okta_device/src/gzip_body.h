// Okta's pages arrive gzip-encoded (the plugin asks for it: a devices page shrinks about 6x).
// They are decoded here in one call per page with libdeflate rather than by libcurl, which
// inflates with zlib in 16 KiB pieces into a body that grows by doubling: the Okta fetch was the
// largest stage of a sync's CPU after sending, mostly inflate; libdeflate decodes a page with
// about 2.3x less CPU (tests/bench/README.md, "Gunzip with libdeflate").
#pragma once

#include <asset_sdk/http_client.h>

#include <cstddef>
#include <memory>
#include <string>

struct libdeflate_decompressor;

namespace okta_device {

// Decodes response bodies with one libdeflate decompressor for its whole life, into a buffer
// given back by the caller once the previous page has been read (recycle()), so that a sync
// does not map, zero-fill and fault in a fresh ~300 KB buffer per page: in thread mode the host
// fixes glibc's mmap threshold at 128 KiB, and those fresh mappings were 18 % of a thread-mode
// profile (tests/bench/README.md, "Isolation cost on a quiet machine"). Not thread-safe: one
// per OktaClient, used on its fetch thread.
class GzipBodyDecoder {
public:
    // `max_bytes`: the largest decoded body accepted.
    explicit GzipBodyDecoder(std::size_t max_bytes);
    ~GzipBodyDecoder();
    GzipBodyDecoder(const GzipBodyDecoder&) = delete;
    GzipBodyDecoder& operator=(const GzipBodyDecoder&) = delete;

    // Decodes the response body of a successful transfer in place when its Content-Encoding is
    // gzip (or x-gzip); leaves a body without one (or "identity") alone. The body keeps
    // asset_sdk::kBodyPadding spare bytes of capacity (the page reader parses in place).
    // Failures become transport failures, as when libcurl decoded: a corrupt or cut stream or
    // another encoding is kOther (transient: the page is asked for again), a decoded body over
    // `max_bytes` kTooLarge; the response is then cleared. Members after the first are decoded
    // too (RFC 1952 allows several); bytes after the last member that are not another one are
    // ignored, as libcurl does. The decoded body is written into the buffer last given to
    // recycle(), if any (its capacity is reused, its old bytes overwritten).
    void decode(asset_sdk::HttpResult& result);

    // Takes back the buffer of a decoded body the caller is done with, for the next decode().
    // Only a body nothing points into any more: the next decode() overwrites it (simdjson
    // On-Demand reads a page in place, so a page's body is given back only after its reader
    // returned). The largest buffer given back is kept, one at a time, up to 8 MiB.
    void recycle(std::string&& body);

private:
    struct FreeDecompressor {
        void operator()(libdeflate_decompressor* d) const;
    };
    std::size_t max_bytes_;
    std::unique_ptr<libdeflate_decompressor, FreeDecompressor> decompressor_;
    std::string spare_;  // the buffer of a body read and given back; empty: none
};

}  // namespace okta_device
