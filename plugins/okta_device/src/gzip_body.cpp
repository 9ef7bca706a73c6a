#include "gzip_body.h"

#include <asset_sdk/text.h>

#include <libdeflate.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

namespace okta_device {
namespace {

using asset_sdk::TransportError;

// A member's ISIZE trailer: its decoded size modulo 2^32, little-endian. Only a first guess of
// the buffer's size (a server could lie; libdeflate never writes past what it is given).
std::size_t trailer_size(const std::string& body) {
    const auto* end = reinterpret_cast<const unsigned char*>(body.data() + body.size());
    return static_cast<std::size_t>(end[-4]) | static_cast<std::size_t>(end[-3]) << 8 |
           static_cast<std::size_t>(end[-2]) << 16 | static_cast<std::size_t>(end[-1]) << 24;
}

void fail(asset_sdk::HttpResult& result, TransportError error, std::string message) {
    result.error = error;
    result.error_message = std::move(message);
    result.response = asset_sdk::HttpResponse{};
}

void corrupt(asset_sdk::HttpResult& result, const char* what) {
    std::string message = "the gzip-encoded response body ";
    message += what;
    fail(result, TransportError::kOther, std::move(message));
}

// Makes `out` hold at least `n` bytes. A recycled buffer is usually big enough already: only
// bytes past its current size are zero-filled, and none when it is not grown, so a page
// costs neither a fresh mapping nor a memset of the whole buffer. Its old bytes are garbage
// that libdeflate overwrites.
void ensure_size(std::string& out, std::size_t n) {
    if (out.size() < n) out.resize(n);
}

// The largest buffer kept for the next page. A page of 200 devices is ~300 KB; a buffer far
// larger was sized from a corrupt or lying trailer (up to max_bytes) and is not worth holding
// for the rest of the cycle.
constexpr std::size_t kMaxKept = 8u << 20;

}  // namespace

void GzipBodyDecoder::FreeDecompressor::operator()(libdeflate_decompressor* d) const {
    libdeflate_free_decompressor(d);
}

GzipBodyDecoder::GzipBodyDecoder(std::size_t max_bytes)
    : max_bytes_(max_bytes), decompressor_(libdeflate_alloc_decompressor()) {}

GzipBodyDecoder::~GzipBodyDecoder() = default;

void GzipBodyDecoder::recycle(std::string&& body) {
    if (body.capacity() > spare_.capacity() && body.capacity() <= kMaxKept) {
        spare_ = std::move(body);
    }
}

void GzipBodyDecoder::decode(asset_sdk::HttpResult& result) {
    if (!result.ok()) return;
    asset_sdk::HttpResponse& response = result.response;
    const std::optional<std::string_view> encoding = response.header("content-encoding");
    if (!encoding) return;
    const std::string_view name = asset_sdk::trim(*encoding);
    if (name.empty() || asset_sdk::iequals(name, "identity")) return;
    if (!asset_sdk::iequals(name, "gzip") && !asset_sdk::iequals(name, "x-gzip")) {
        return corrupt(result, "has an encoding other than gzip (only gzip is asked for)");
    }
    const std::string& in = response.body;
    constexpr std::size_t kSmallestMember = 18;  // 10-byte header, empty block, 8-byte trailer
    if (in.size() < kSmallestMember) return corrupt(result, "is cut short");

    // Allocated with the client; asked for again only if that failed.
    if (!decompressor_) decompressor_.reset(libdeflate_alloc_decompressor());
    if (!decompressor_) return fail(result, TransportError::kOther, "out of memory for gunzip");

    // The room to decode into, with the reader's padding from the start: reserving the padding
    // afterwards would copy the whole page into a second buffer. The buffer is the one the
    // previous page was read from (recycle()); on any failure below it stays the spare.
    std::string out = std::exchange(spare_, std::string());
    std::size_t room = std::min(std::max<std::size_t>(trailer_size(in), 4096), max_bytes_);
    ensure_size(out, room + asset_sdk::kBodyPadding);
    std::size_t in_at = 0;
    std::size_t out_at = 0;
    bool decoded_one = false;
    while (in_at < in.size()) {
        std::size_t in_used = 0;
        std::size_t out_used = 0;
        const libdeflate_result decoded =
            libdeflate_gzip_decompress_ex(decompressor_.get(), in.data() + in_at, in.size() - in_at,
                                          out.data() + out_at, room - out_at, &in_used, &out_used);
        if (decoded == LIBDEFLATE_INSUFFICIENT_SPACE) {
            if (room >= max_bytes_) {
                recycle(std::move(out));
                // Appended piecewise: GCC 12 at -O3 warns falsely on "literal" + std::string.
                std::string message = "response body larger than the limit of ";
                message += std::to_string(max_bytes_);
                message += " bytes (decoded)";
                return fail(result, TransportError::kTooLarge, std::move(message));
            }
            room = std::min(room * 2, max_bytes_);  // the member is decoded again
            ensure_size(out, room + asset_sdk::kBodyPadding);
            continue;
        }
        if (decoded != LIBDEFLATE_SUCCESS) {
            if (decoded_one) break;  // trailing bytes that are no member: ignored, like libcurl
            recycle(std::move(out));
            return corrupt(result, "is corrupt or cut short");
        }
        decoded_one = true;
        in_at += in_used;
        out_at += out_used;
    }
    out.resize(out_at);  // shrinking keeps the capacity, and with it the padding
    response.body = std::move(out);
}

}  // namespace okta_device
